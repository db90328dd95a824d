"""Scoping by action (core/scoping.py): one ``restrict(user, action)`` per model, children through the parent's
scope. Each denial has its positive half: the same row is in the scope of the user who may act on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.core.scoping import Action
from liaison.integrity.models import OrganisationRelation, ScreeningHit, Watchlist
from liaison.registry.models import Certification, Organisation, Person, Product
from tests.factories import CertificationFactory, OrganisationFactory, PersonFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _pks(queryset: Any) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def shared_profile(db: Any) -> Any:
    """Another company that shares its profile and nothing else."""
    return OrganisationFactory(legal_name="Gamma Optik GmbH", shared_groups=["profile"])


def test_organisations_by_action(users: dict[str, Any], org_a: Any, org_b: Any, shared_profile: Any) -> None:
    rep, officer = users["company_representative"], users["liaison_officer"]
    every = {org_a.pk, org_b.pk, shared_profile.pk}
    assert _pks(Organisation.objects.restrict(rep, Action.VIEW)) == {org_a.pk, shared_profile.pk}
    assert _pks(Organisation.objects.restrict(rep, Action.EXPORT)) == {org_a.pk, shared_profile.pk}
    assert _pks(Organisation.objects.restrict(rep, Action.CHANGE)) == {org_a.pk}
    assert _pks(Organisation.objects.restrict(rep, Action.DELETE)) == set()  # archiving is the office's
    assert _pks(Organisation.objects.restrict(officer, Action.CHANGE)) == every
    assert _pks(Organisation.objects.restrict(users["auditor"], Action.VIEW)) == every
    assert _pks(Organisation.objects.restrict(users["auditor"], Action.CHANGE)) == set()
    assert _pks(Organisation.objects.restrict(users["nobody"], Action.VIEW)) == set()
    assert _pks(Organisation.objects.restrict(rep, "publish")) == set()  # an unknown action fails closed


def test_children_are_scoped_through_the_parent_and_its_group(
    users: dict[str, Any], org_a: Any, shared_profile: Any
) -> None:
    rep, officer = users["company_representative"], users["liaison_officer"]
    own = ProductFactory(organisation=org_a)
    foreign = ProductFactory(organisation=shared_profile)  # products group not shared
    assert _pks(Product.objects.restrict(rep, Action.VIEW)) == {own.pk}
    assert _pks(Product.objects.restrict(officer, Action.VIEW)) == {own.pk, foreign.pk}
    shared_profile.shared_groups = ["profile", "products"]
    shared_profile.save()
    assert _pks(Product.objects.restrict(rep, Action.VIEW)) == {own.pk, foreign.pk}
    assert _pks(Product.objects.restrict(rep, Action.CHANGE)) == {own.pk}
    cert = CertificationFactory(organisation=shared_profile)
    assert _pks(Certification.objects.restrict(rep, Action.VIEW)) == set()
    assert _pks(Certification.objects.restrict(officer, Action.DELETE)) == {cert.pk}


def test_erased_people_are_outside_every_scope(users: dict[str, Any], org_a: Any) -> None:
    from django.utils import timezone

    rep = users["company_representative"]
    kept, erased = PersonFactory(organisation=org_a), PersonFactory(organisation=org_a, erased_at=timezone.now())
    for action in Action:
        assert _pks(Person.objects.restrict(rep, action)) == {kept.pk}, action
    assert erased.pk not in _pks(Person.objects.restrict(users["administrator"], Action.VIEW))


def test_screening_scope(users: dict[str, Any]) -> None:
    Watchlist.objects.create(name="eu", version="1", loaded_at="2026-01-01T00:00:00Z")
    assert Watchlist.objects.restrict(users["auditor"], Action.VIEW).count() == 1
    assert Watchlist.objects.restrict(users["auditor"], Action.CHANGE).count() == 0
    assert Watchlist.objects.restrict(users["compliance_officer"], Action.CHANGE).count() == 1
    assert Watchlist.objects.restrict(users["compliance_officer"], Action.DELETE).count() == 0
    assert Watchlist.objects.restrict(users["company_representative"], Action.VIEW).count() == 0
    assert ScreeningHit.objects.restrict(users["liaison_officer"], Action.VIEW).query.is_empty()


def test_relations_through_the_organisation(users: dict[str, Any], org_a: Any, org_b: Any) -> None:
    own = OrganisationRelation.objects.create(organisation=org_a, kind="owner", name="Anna Alpha")
    other = OrganisationRelation.objects.create(organisation=org_b, kind="owner", name="Bohdan Beta")
    rep = users["company_representative"]
    assert _pks(OrganisationRelation.objects.restrict(rep, Action.VIEW)) == {own.pk}
    assert _pks(OrganisationRelation.objects.restrict(rep, Action.CHANGE)) == {own.pk}
    assert _pks(OrganisationRelation.objects.restrict(users["auditor"], Action.VIEW)) == {own.pk, other.pk}
    assert _pks(OrganisationRelation.objects.restrict(users["auditor"], Action.CHANGE)) == set()
    assert _pks(OrganisationRelation.objects.restrict(users["compliance_officer"], Action.CHANGE)) == {own.pk, other.pk}


def test_cli_reports_a_foreign_person_as_not_found_and_finds_its_own(
    users: dict[str, Any], org_a: Any, org_b: Any, capsys: Any
) -> None:
    """The selector's NotFound reaches the terminal as one line (it used to be an Http404 in the CLI)."""
    foreign, own = PersonFactory(organisation=org_b), PersonFactory(organisation=org_a, full_name="Olena Own")
    with pytest.raises(CommandError, match=r"^Not found\.$"):
        call_command("person", "export", str(foreign.pk), "--user", "company_representative")
    call_command("person", "export", str(own.pk), "--user", "company_representative")
    assert "Olena Own" in capsys.readouterr().out
