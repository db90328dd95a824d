"""Automatic screening of registry parties, dismissal memory, decisions and clearance through the chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from liaison.core.actors import Actor
from liaison.core.errors import Conflict
from liaison.core.models import AuditEntry
from liaison.core.permissions import PermissionDeniedError
from liaison.integrity import services
from liaison.integrity.models import ScreeningHit
from liaison.registry import services as registry
from tests.integrity.factories import COMPANY, HOLDING, PERSON, import_list

pytestmark = pytest.mark.django_db
ADMIN = Actor.system("tests")


@pytest.fixture
def listed(db: Any) -> None:
    import_list(COMPANY, PERSON, HOLDING)


def _create(capture: Any, **data: Any) -> Any:
    with capture(execute=True):
        return registry.organisation_create(actor=ADMIN, data={"country": "DE", **data}).organisation


def _hits(party: Any, **filters: Any) -> list[ScreeningHit]:
    kind = "organisation" if party.__class__.__name__ == "Organisation" else "person"
    return list(ScreeningHit.objects.filter(party_type=kind, party_id=party.pk, **filters).order_by("pk"))


def test_new_organisation_with_listed_name_gets_open_hit(
    listed: None, django_capture_on_commit_callbacks: Any, users: dict[str, Any]
) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name="Temna Zorya GmbH")
    hit = _hits(org)[0]
    assert (len(_hits(org)), hit.status, hit.list_name, hit.list_version, hit.entity_key) == (
        1,
        "open",
        "test-list",
        "v1",
        "ua-co-1",
    )
    assert (hit.matched_name, hit.score) == ("ТОВ «Темна Зоря»", 0.9)
    assert "Zorya = Зоря" in hit.explanation
    assert services.party_clearance(party=org).status == "pending_review"


def test_person_is_screened_on_save(listed: None, org_a: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person = registry.person_save(actor=ADMIN, organisation=org_a, data={"full_name": "Petro Kovalenko"})
    assert [(h.entity_key, h.status) for h in _hits(person)] == [("ua-pe-1", "open")]
    assert AuditEntry.objects.get(action="screening_hit.raised").personal["party"] == "Petro Kovalenko"


def test_unrelated_organisation_is_cleared(listed: None, django_capture_on_commit_callbacks: Any) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name="Alpha Wehrtechnik GmbH")
    assert _hits(org) == []
    assert services.party_clearance(party=org) == services.Clearance(
        "cleared", ["No open or confirmed watchlist hits."]
    )


def test_dismissed_hit_is_not_raised_again_until_party_or_entity_changes(
    listed: None, django_capture_on_commit_callbacks: Any, users: dict[str, Any]
) -> None:
    capture = django_capture_on_commit_callbacks
    org = _create(capture, legal_name="Temna Zorya GmbH")
    officer = Actor.for_user(users["compliance_officer"])
    services.hit_decide(actor=officer, hit=_hits(org)[0], decision="dismissed", reason="Different company")
    services.party_screen(actor=ADMIN, party=org)
    assert [h.status for h in _hits(org)] == ["dismissed"]
    assert services.party_clearance(party=org).status == "cleared"
    with capture(execute=True):  # a change that is not screened (the city) raises nothing
        registry.organisation_update(actor=ADMIN, organisation=org, data={"city": "Köln"})
    assert [h.status for h in _hits(org)] == ["dismissed"]
    with capture(execute=True):
        registry.organisation_update(actor=ADMIN, organisation=org, data={"short_name": "Temna Zorja"})
    assert [h.status for h in _hits(org)] == ["dismissed", "open"]
    services.hit_decide(actor=officer, hit=_hits(org)[1], decision="dismissed", reason="Still different")
    import_list(
        {**COMPANY, "properties": {**COMPANY["properties"], "alias": ["Dark Dawn"]}}, PERSON, HOLDING, version="v2"
    )
    services.party_screen(actor=ADMIN, party=org)
    statuses = [(h.status, h.list_version) for h in _hits(org)]
    assert statuses == [("dismissed", "v1"), ("dismissed", "v1"), ("open", "v2")]


def test_confirmed_hit_blocks(listed: None, django_capture_on_commit_callbacks: Any, users: dict[str, Any]) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name="Temna Zorya GmbH")
    hit = services.hit_decide(
        actor=Actor.for_user(users["administrator"]),
        hit=_hits(org)[0],
        decision="confirmed",
        reason="Same address and director",
    )
    assert (hit.status, hit.reviewer, hit.reason) == ("confirmed", users["administrator"], "Same address and director")
    clearance = services.party_clearance(party=org)
    assert clearance.status == "blocked"
    assert clearance.reasons == ["“Temna Zorya GmbH” matches “ТОВ «Темна Зоря»” on test-list (version v1, score 0.90)"]
    entry = AuditEntry.objects.get(action="screening_hit.confirmed")
    assert (entry.object_id, entry.before, entry.after, entry.message) == (
        str(hit.pk),
        {"status": "open"},
        {"status": "confirmed"},
        "Same address and director",
    )


def test_owned_by_listed_company_is_blocked_through_the_chain(
    listed: None, django_capture_on_commit_callbacks: Any, users: dict[str, Any]
) -> None:
    capture = django_capture_on_commit_callbacks
    child = _create(capture, legal_name="Alpha Wehrtechnik GmbH")
    parent = _create(capture, legal_name="Beta Beteiligungen GmbH")
    officer = Actor.for_user(users["compliance_officer"])
    with capture(execute=True):
        services.relation_save(
            actor=officer,
            organisation=child,
            data={"kind": "owner", "party_organisation_id": parent.pk, "share_percent": "60"},
        )
        holding = services.relation_save(
            actor=officer,
            organisation=parent,
            data={"kind": "owner", "name": "Chorna Hora Holding Ltd", "is_company": True, "share_percent": 100},
        )
        services.relation_save(
            actor=officer,
            organisation=parent,  # a cycle must not loop forever
            data={"kind": "director", "party_organisation_id": child.pk},
        )
    hit = ScreeningHit.objects.get(party_type="relation", party_id=holding.pk)
    assert hit.via_chain == [
        {
            "organisation_id": parent.pk,
            "organisation": "Beta Beteiligungen GmbH",
            "kind": "owner",
            "share_percent": "100.00",
        }
    ]
    assert services.party_clearance(party=child).status == "pending_review"
    services.hit_decide(actor=officer, hit=hit, decision="confirmed", reason="Registry extract")
    assert services.party_clearance(party=child) == services.Clearance(
        "blocked",
        [
            "“Chorna Hora Holding Ltd” matches “Chorna Hora Holding” on test-list (version v1, score 1.00) — via "
            "Alpha Wehrtechnik GmbH → Beneficial owner Beta Beteiligungen GmbH (60 %) → "
            "Beneficial owner Chorna Hora Holding Ltd (100 %)"
        ],
    )


def test_company_representative_cannot_decide(
    listed: None, django_capture_on_commit_callbacks: Any, users: dict[str, Any]
) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name="Temna Zorya GmbH")
    audit_count = AuditEntry.objects.count()
    for role in ("company_representative", "auditor", "liaison_officer"):
        with pytest.raises(PermissionDeniedError):
            services.hit_decide(
                actor=Actor.for_user(users[role]), hit=_hits(org)[0], decision="dismissed", reason="mine"
            )
    assert [(h.status, h.reason, h.reviewer) for h in _hits(org)] == [("open", "", None)]
    assert AuditEntry.objects.count() == audit_count


def test_decision_needs_reason_and_is_final(
    listed: None, django_capture_on_commit_callbacks: Any, users: dict[str, Any]
) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name="Temna Zorya GmbH")
    officer = Actor.for_user(users["compliance_officer"])
    with pytest.raises(ValidationError) as caught:
        services.hit_decide(actor=officer, hit=_hits(org)[0], decision="maybe", reason="  ")
    assert sorted(caught.value.message_dict) == ["decision", "reason"]
    services.hit_decide(actor=officer, hit=_hits(org)[0], decision="dismissed", reason="namesake")
    with pytest.raises(Conflict, match="already decided"):
        services.hit_decide(actor=officer, hit=_hits(org)[0], decision="confirmed", reason="changed my mind")
    assert [h.status for h in _hits(org)] == ["dismissed"]


def test_renamed_party_lapses_open_hit_and_unscreened_change_is_pending(
    listed: None, django_capture_on_commit_callbacks: Any
) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name="Temna Zorya GmbH")
    with django_capture_on_commit_callbacks(execute=True):
        registry.organisation_update(actor=ADMIN, organisation=org, data={"legal_name": "Svitanok GmbH"})
    assert [h.status for h in _hits(org)] == ["lapsed"]
    assert services.party_clearance(party=org).status == "cleared"
    registry.organisation_update(actor=ADMIN, organisation=org, data={"legal_name": "Svitanok Zwei GmbH"})
    clearance = services.party_clearance(party=org)  # the hook never ran: fail closed
    assert clearance == services.Clearance(
        "pending_review",
        ["“Svitanok Zwei GmbH” has not been screened against the current lists since it last changed."],
    )


def test_erasing_a_person_blanks_their_name_in_hits(
    listed: None, org_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person = registry.person_save(actor=ADMIN, organisation=org_a, data={"full_name": "Petro Kovalenko"})
    registry.person_erase(actor=ADMIN, person=person, reason="GDPR request 17")
    hit = _hits(person)[0]
    assert (hit.party_label, hit.query, hit.explanation, hit.entity_key) == ("[erased]", {}, "[erased]", "ua-pe-1")
    assert "Kovalenko" not in str(ScreeningHit.objects.filter(pk=hit.pk).values().get())


def test_without_any_watchlist_clearance_is_not_screened(db: Any, org_a: Any) -> None:
    """Issue 6, finding 6: with no list loaded, clearance said "cleared"; nothing was checked, so it fails closed."""
    clearance = services.party_clearance(party=org_a)
    assert clearance == services.Clearance("not_screened", ["No watchlist is loaded, so nothing was screened."])
    assert not clearance.cleared


@pytest.mark.parametrize(
    "disguised",
    [
        "Temna Zor\u0443a GmbH",  # Cyrillic у in a Latin word
        "\u202eayroZ anmeT\u202c GmbH",  # right-to-left override around the reversed name
        "T e m n a Zorya GmbH",  # spaced letters
        "Tem\u200bna Zo\u200drya GmbH",  # zero-width characters inside the words
    ],
)
def test_disguised_name_of_a_listed_company_raises_a_hit(
    listed: None, django_capture_on_commit_callbacks: Any, disguised: str
) -> None:
    org = _create(django_capture_on_commit_callbacks, legal_name=disguised)
    assert [(hit.entity_key, hit.status) for hit in _hits(org)] == [("ua-co-1", "open")]
    assert services.party_clearance(party=org).status == "pending_review"
