"""Archiving, restoring, dismissing a possible duplicate and merging two records: services, UI, API and CLI.

Every denial is paired with the same action succeeding for someone permitted; a denial changes nothing and
writes no audit entry."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.core.permissions import PermissionDeniedError
from liaison.integrity.models import OrganisationRelation, ScreeningHit
from liaison.registry import archiving, selectors, services
from liaison.registry.models import DuplicateDismissal, Membership, Organisation
from tests.api_schema import api_client, token_for
from tests.factories import CertificationFactory, OrganisationFactory, PersonFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    """The audit trail's actions, without the API tokens the tests create."""
    entries = AuditEntry.objects.exclude(action="api_token.created").order_by("sequence")
    return list(entries.values_list("action", flat=True))


def _hit(org: Organisation, *, party_type: str = "organisation", party_id: int | None = None) -> ScreeningHit:
    return ScreeningHit.objects.create(
        party_type=party_type, party_id=party_id or org.pk, party_label=org.legal_name, organisation=org,
        party_fingerprint="f", list_name="demo", list_version="1", entity_key="e1", entity_caption="Listed",
        entity_content_hash="h", score=0.9, matched_name=org.legal_name, explanation="test",
    )


def _flag(a: Organisation, b: Organisation) -> None:
    a.possible_duplicates.add(b)


# --- archive and restore ------------------------------------------------------------------------------------


def test_archived_organisation_leaves_lists_but_staff_find_it_with_a_filter(users: dict[str, Any], org_a: Any) -> None:
    other = OrganisationFactory()
    officer, rep = users["liaison_officer"], users["company_representative"]
    archiving.organisation_archive(actor=Actor.for_user(officer), organisation=org_a, reason="insolvent")

    active = selectors.OrganisationFilters()
    archived = selectors.OrganisationFilters(archived=True)
    assert list(selectors.organisation_list(viewer=officer, filters=active)) == [other]
    assert list(selectors.organisation_list(viewer=officer, filters=archived)) == [org_a]
    # The company's own representative no longer sees it, not even with the filter.
    assert list(selectors.organisation_list(viewer=rep, filters=archived)) == [other]
    assert not Organisation.objects.visible_to(rep).filter(pk=org_a.pk).exists()
    assert selectors.organisation_get(viewer=officer, pk=org_a.pk) == org_a
    entry = AuditEntry.objects.get(action="organisation.archived")
    assert (entry.object_id, entry.before, entry.after, entry.message) == (
        str(org_a.pk), {"archived": False}, {"archived": True}, "insolvent")


def test_archive_keeps_screening_history_and_makes_the_record_read_only(users: dict[str, Any], org_a: Any) -> None:
    hit = _hit(org_a)
    officer = Actor.for_user(users["liaison_officer"])
    archiving.organisation_archive(actor=officer, organisation=org_a, reason="closed")
    assert ScreeningHit.objects.get(pk=hit.pk).organisation_id == org_a.pk
    with pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=officer, organisation=Organisation.objects.get(pk=org_a.pk),
                                     data={"city": "Kyiv"})
    archiving.organisation_restore(actor=officer, organisation=org_a)
    services.organisation_update(actor=officer, organisation=Organisation.objects.get(pk=org_a.pk),
                                 data={"city": "Kyiv"})
    assert Organisation.objects.get(pk=org_a.pk).city == "Kyiv"
    assert _actions() == ["organisation.archived", "organisation.restored", "organisation.updated"]


def test_archive_needs_a_reason_and_is_not_repeated(users: dict[str, Any], org_a: Any) -> None:
    officer = Actor.for_user(users["liaison_officer"])
    with pytest.raises(ValidationError) as missing:
        archiving.organisation_archive(actor=officer, organisation=org_a, reason="  ")
    assert missing.value.message_dict == {"reason": ["Please give a reason."]}
    archiving.organisation_archive(actor=officer, organisation=org_a, reason="closed")
    with pytest.raises(ValidationError) as again:
        archiving.organisation_archive(actor=officer, organisation=org_a, reason="closed")
    assert again.value.message_dict == {"archived_at": ["“Alpha Wehrtechnik GmbH” is archived already."]}
    assert _actions() == ["organisation.archived"]


@pytest.mark.parametrize("role", ["company_representative", "ministry_official", "auditor", "nobody"])
def test_only_the_liaison_office_archives(users: dict[str, Any], org_a: Any, role: str) -> None:
    with pytest.raises(PermissionDeniedError):
        archiving.organisation_archive(actor=Actor.for_user(users[role]), organisation=org_a, reason="x")
    assert Organisation.objects.get(pk=org_a.pk).archived_at is None
    assert _actions() == []
    archiving.organisation_archive(actor=Actor.for_user(users["administrator"]), organisation=org_a, reason="x")
    assert Organisation.objects.get(pk=org_a.pk).archived_at is not None


def test_archive_and_restore_pages(users: dict[str, Any], org_a: Any, client_for: Any) -> None:
    rep = client_for(users["company_representative"])
    assert rep.post(f"/registry/organisations/{org_a.pk}/archive/", {"reason": "x"}).status_code == 404
    assert Organisation.objects.get(pk=org_a.pk).archived_at is None and _actions() == []

    officer = client_for(users["liaison_officer"])
    page = officer.get(f"/registry/organisations/{org_a.pk}/")
    assert f"/registry/organisations/{org_a.pk}/archive/" in page.content.decode()
    assert officer.get(f"/registry/organisations/{org_a.pk}/archive/").status_code == 200
    refused = officer.post(f"/registry/organisations/{org_a.pk}/archive/", {"reason": ""})
    assert refused.status_code == 200 and Organisation.objects.get(pk=org_a.pk).archived_at is None
    done = officer.post(f"/registry/organisations/{org_a.pk}/archive/", {"reason": "closed"})
    assert done.status_code == 302 and Organisation.objects.get(pk=org_a.pk).archive_reason == "closed"
    listed = officer.get("/registry/organisations/?archived=1").content.decode()
    assert "Alpha Wehrtechnik GmbH" in listed
    assert "Alpha Wehrtechnik GmbH" not in officer.get("/registry/organisations/").content.decode()
    assert officer.post(f"/registry/organisations/{org_a.pk}/restore/").status_code == 302
    assert Organisation.objects.get(pk=org_a.pk).archived_at is None


def test_archive_and_restore_through_the_api(users: dict[str, Any], org_a: Any) -> None:
    rep = api_client(token=token_for(users["company_representative"]))
    assert rep.post(f"/api/organisations/{org_a.pk}/archive/", {"reason": "x"}, format="json").status_code == 404
    assert _actions() == []
    officer = api_client(token=token_for(users["liaison_officer"]))
    answer = officer.post(f"/api/organisations/{org_a.pk}/archive/", {"reason": "closed"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["archive_reason"], answer.json()["merged_into"]) == ("closed", None)
    listed = officer.get("/api/organisations/?archived=true").json()["results"]
    assert [row["id"] for row in listed] == [org_a.pk]
    assert officer.post(f"/api/organisations/{org_a.pk}/restore/").json()["archived_at"] is None


def test_archive_and_restore_from_the_command_line(users: dict[str, Any], org_a: Any) -> None:
    out = io.StringIO()
    call_command("organisation", "archive", str(org_a.pk), "--reason", "closed", "--user", "liaison_officer",
                 stdout=out)
    assert out.getvalue() == f"Organisation {org_a.pk} archived.\n"
    with pytest.raises(CommandError, match="Only the liaison office archives"):
        call_command("organisation", "restore", str(org_a.pk), "--user", "auditor")
    call_command("organisation", "restore", str(org_a.pk), "--user", "liaison_officer", stdout=io.StringIO())
    assert _actions() == ["organisation.archived", "organisation.restored"]


# --- possible duplicates ------------------------------------------------------------------------------------


def _similar_pair(officer: Actor) -> tuple[Organisation, Organisation]:
    first = services.organisation_create(actor=officer, data={"legal_name": "Ukroboronprom", "country": "UA"})
    second = services.organisation_create(actor=officer, data={"legal_name": "Укроборонпром", "country": "UA"})
    assert second.possible_duplicates == [first.organisation]
    return first.organisation, second.organisation


def test_a_dismissed_pair_is_not_flagged_again(users: dict[str, Any]) -> None:
    officer = Actor.for_user(users["liaison_officer"])
    first, second = _similar_pair(officer)
    archiving.duplicate_dismiss(actor=officer, organisation=second, other=first, reason="different registers")
    assert not second.possible_duplicates.exists() and not first.possible_duplicates.exists()
    assert DuplicateDismissal.objects.get().reason == "different registers"
    entry = AuditEntry.objects.get(action="organisation.duplicate_dismissed")
    assert (entry.object_id, entry.before, entry.message) == (
        str(second.pk), {"possible_duplicate": first.pk}, "different registers")

    renamed = services.organisation_update(actor=officer, organisation=second, data={"short_name": "Укроборонпром"})
    assert first not in renamed.possible_duplicates
    assert not second.possible_duplicates.filter(pk=first.pk).exists()
    # The positive half: a pair nobody dismissed is flagged again on a rename.
    fresh = services.organisation_create(actor=officer, data={"legal_name": "Motor Sich", "country": "UA"})
    again = services.organisation_update(
        actor=officer, organisation=fresh.organisation, data={"legal_name": "Укроборонпром"}
    )
    assert first in again.possible_duplicates


def test_dismiss_refuses_a_pair_that_is_not_flagged_and_non_staff(users: dict[str, Any]) -> None:
    officer = Actor.for_user(users["liaison_officer"])
    first, second = _similar_pair(officer)
    stranger = OrganisationFactory()
    with pytest.raises(ValidationError):
        archiving.duplicate_dismiss(actor=officer, organisation=second, other=stranger, reason="x")
    before = _actions()
    with pytest.raises(PermissionDeniedError):
        archiving.duplicate_dismiss(actor=Actor.for_user(users["company_representative"]), organisation=second,
                                    other=first, reason="x")
    assert _actions() == before and second.possible_duplicates.filter(pk=first.pk).exists()


def test_dismiss_page_and_api(users: dict[str, Any], client_for: Any) -> None:
    officer = Actor.for_user(users["liaison_officer"])
    first, second = _similar_pair(officer)
    url = f"/registry/organisations/{second.pk}/duplicates/{first.pk}/dismiss/"
    assert client_for(users["ministry_official"]).post(url, {"reason": "x"}).status_code == 404
    page = client_for(users["liaison_officer"])
    assert url in page.get(f"/registry/organisations/{second.pk}/").content.decode()
    assert page.post(url, {"reason": "not the same"}).status_code == 302
    assert DuplicateDismissal.objects.filter(first=first, second=second).exists()
    third = services.organisation_create(actor=officer, data={"legal_name": "Ukroboronprom", "country": "DE"})
    api = api_client(token=token_for(users["liaison_officer"]))
    path = f"/api/organisations/{third.organisation.pk}/duplicates/{first.pk}/dismiss/"
    assert api.post(path, {"reason": "other country"}, format="json").status_code == 204
    assert DuplicateDismissal.objects.count() == 2


# --- merge ----------------------------------------------------------------------------------------------------


def _company_with_everything(name: str) -> tuple[Organisation, dict[str, Any]]:
    org = OrganisationFactory(legal_name=name)
    rep = UserFactory(roles=["company_representative"], organisations=[org])
    return org, {
        "product": ProductFactory(organisation=org),
        "person": PersonFactory(organisation=org),
        "certification": CertificationFactory(organisation=org),
        "rep": rep,
    }


def test_merge_moves_everything_onto_the_survivor_and_archives_the_other(users: dict[str, Any]) -> None:
    keep, kept = _company_with_everything("Alpha GmbH")
    gone, moved = _company_with_everything("Alpha G.m.b.H.")
    shared_rep = kept["rep"]
    Membership.objects.create(user=shared_rep, organisation=gone)  # represents both: keeps one membership
    owner = OrganisationFactory(legal_name="Holding AG")
    owns_gone = OrganisationRelation.objects.create(organisation=gone, kind="owner", party_organisation=owner)
    gone_owns = OrganisationRelation.objects.create(organisation=owner, kind="owner", party_organisation=gone)
    gone_owns_keep = OrganisationRelation.objects.create(organisation=keep, kind="owner", party_organisation=gone)
    own_hit, person_hit = _hit(gone), _hit(gone, party_type="person", party_id=moved["person"].pk)
    _flag(keep, gone)

    result = archiving.organisation_merge(actor=Actor.for_user(users["liaison_officer"]), survivor=keep,
                                          other=gone, reason="same company")

    for kind in ("product", "person", "certification"):
        assert type(moved[kind]).objects.get(pk=moved[kind].pk).organisation_id == keep.pk
    assert set(Membership.objects.filter(organisation=keep).values_list("user_id", flat=True)) == {
        shared_rep.pk, moved["rep"].pk}
    assert not Membership.objects.filter(organisation=gone).exists()
    assert OrganisationRelation.objects.get(pk=owns_gone.pk).organisation_id == keep.pk
    assert OrganisationRelation.objects.get(pk=gone_owns.pk).party_organisation_id == keep.pk
    assert not OrganisationRelation.objects.filter(pk=gone_owns_keep.pk).exists()  # would own itself
    assert (ScreeningHit.objects.get(pk=own_hit.pk).organisation_id, ScreeningHit.objects.get(pk=own_hit.pk).party_id
            ) == (keep.pk, keep.pk)
    assert ScreeningHit.objects.get(pk=person_hit.pk).party_id == moved["person"].pk
    gone.refresh_from_db()
    assert (gone.merged_into_id, gone.archived_at is not None) == (keep.pk, True)
    assert not keep.possible_duplicates.filter(pk=gone.pk).exists()
    assert result.moved == {"products": 1, "people": 1, "certifications": 1, "memberships": 1, "relations": 2,
                            "screening_hits": 2}
    assert sorted(_actions()) == sorted([
        "product.moved", "person.moved", "certification.moved", "membership.deleted", "membership.moved",
        "relation.moved", "relation.moved", "relation.deleted", "screening_hit.moved", "screening_hit.moved",
        "organisation.merged", "organisation.archived"])
    with pytest.raises(ValidationError):
        archiving.organisation_restore(actor=Actor.for_user(users["liaison_officer"]), organisation=gone)


@pytest.mark.parametrize("role", ["company_representative", "compliance_officer", "auditor"])
def test_merging_is_staff_only(users: dict[str, Any], role: str) -> None:
    keep, _kept = _company_with_everything("Keep")
    gone, moved = _company_with_everything("Gone")
    with pytest.raises(PermissionDeniedError):
        archiving.organisation_merge(actor=Actor.for_user(users[role]), survivor=keep, other=gone)
    assert moved["product"].__class__.objects.get(pk=moved["product"].pk).organisation_id == gone.pk
    assert _actions() == []
    archiving.organisation_merge(actor=Actor.for_user(users["administrator"]), survivor=keep, other=gone)
    assert moved["product"].__class__.objects.get(pk=moved["product"].pk).organisation_id == keep.pk


def test_merge_page_lets_staff_choose_the_survivor(users: dict[str, Any], client_for: Any) -> None:
    officer = Actor.for_user(users["liaison_officer"])
    first, second = _similar_pair(officer)
    ProductFactory(organisation=second)
    url = f"/registry/organisations/{second.pk}/duplicates/{first.pk}/merge/"
    assert client_for(users["company_representative"]).post(url, {"survivor": first.pk}).status_code == 404
    assert Organisation.objects.get(pk=second.pk).archived_at is None
    answer = client_for(users["liaison_officer"]).post(url, {"survivor": first.pk, "reason": "same"})
    assert answer.status_code == 302 and answer["Location"] == f"/registry/organisations/{first.pk}/"
    assert Organisation.objects.get(pk=second.pk).merged_into_id == first.pk
    assert first.products.count() == 1


def test_merge_api_and_cli(users: dict[str, Any]) -> None:
    keep, _k = _company_with_everything("Keep")
    gone, _g = _company_with_everything("Gone")
    rep = api_client(token=token_for(users["company_representative"]))
    assert rep.post(f"/api/organisations/{keep.pk}/merge/", {"other": gone.pk}, format="json").status_code == 404
    api = api_client(token=token_for(users["liaison_officer"]))
    answer = api.post(f"/api/organisations/{keep.pk}/merge/", {"other": gone.pk}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {"survivor": keep.pk, "archived": gone.pk, "moved": {
        "products": 1, "people": 1, "certifications": 1, "memberships": 1, "relations": 0, "screening_hits": 0}}
    third, _t = _company_with_everything("Third")
    out = io.StringIO()
    call_command("organisation", "merge", str(keep.pk), str(third.pk), "--user", "administrator", stdout=out)
    assert out.getvalue().startswith(f"Organisation {third.pk} merged into {keep.pk}")
    with pytest.raises(CommandError):
        call_command("organisation", "merge", str(keep.pk), str(third.pk), "--user", "administrator")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_parallel_merges_of_one_record_move_it_once() -> None:
    # A superuser, not a role: an earlier transactional test's flush may have removed the role groups.
    officer = UserFactory(is_superuser=True)
    gone, moved = _company_with_everything("Gone")
    survivors = [OrganisationFactory(legal_name=f"Keep {n}") for n in range(4)]
    barrier, outcomes = threading.Barrier(len(survivors)), []

    def merge(survivor: Organisation) -> None:
        try:
            barrier.wait()
            archiving.organisation_merge(actor=Actor.for_user(officer), survivor=survivor, other=gone)
            outcomes.append("merged")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=merge, args=(s,)) for s in survivors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["merged", "refused", "refused", "refused"]
    assert AuditEntry.objects.filter(action="organisation.merged").count() == 1
    assert AuditEntry.objects.filter(action="product.moved").count() == 1
    assert connection.vendor == "postgresql"
