"""Parallel decisions on one screening hit (issue 6, findings 3 and 8): exactly one decision is recorded, every
other reviewer is told that it was decided (409) — on SQLite this was a 500 "database is locked"."""

from __future__ import annotations

import pytest

from liaison.core.models import AuditEntry
from liaison.integrity.models import ScreeningHit, Watchlist
from tests.api_schema import api_client, openapi, token_for
from tests.factories import OrganisationFactory, UserFactory
from tests.integrity.factories import COMPANY, PERSON, import_list
from tests.parallel import file_database, run_parallel

pytestmark = pytest.mark.django_db(transaction=True)
REVIEWERS = 6


@pytest.fixture(autouse=True)
def _shared_database(migration_data: None) -> None:
    if not file_database():
        pytest.skip("parallel connections need PostgreSQL or SQLite in a file")
    openapi()


def _hit() -> ScreeningHit:
    org = OrganisationFactory(legal_name="Temna Zorya GmbH")
    return ScreeningHit.objects.create(
        party_type="organisation",
        party_id=org.pk,
        party_label=org.legal_name,
        organisation=org,
        party_fingerprint="f" * 64,
        list_name="test-list",
        list_version="v1",
        entity_key="ua-co-1",
        entity_caption="ТОВ «Темна Зоря»",
        entity_content_hash="e" * 64,
        score=0.93,
        matched_name="Temna Zorya",
        explanation="name",
    )


def test_parallel_decisions_on_one_hit_have_exactly_one_winner() -> None:
    hit = _hit()
    tokens = [token_for(UserFactory(roles=["compliance_officer"])) for _ in range(REVIEWERS)]
    decisions = ["confirmed", "dismissed"] * (REVIEWERS // 2)

    responses = run_parallel(
        REVIEWERS,
        lambda i: api_client(token=tokens[i]).post(
            f"/api/integrity/hits/{hit.pk}/decide/", {"decision": decisions[i], "reason": f"r{i}"}, format="json"
        ),
    )

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [200] + [409] * (REVIEWERS - 1)
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    stored = ScreeningHit.objects.get(pk=hit.pk)
    assert (stored.status, stored.reason) == (decisions[winner], f"r{winner}")
    refused = [r.json() for r in responses if r.status_code == 409]
    assert all(body["hit_status"] == decisions[winner] for body in refused)
    assert all("was already decided" in body["detail"] for body in refused)
    assert AuditEntry.objects.filter(action__startswith="screening_hit.").count() == 1


def test_parallel_first_imports_of_one_list_make_one_list() -> None:
    """A new list imported twice at once: both imports succeed one after the other, one list remains."""
    results = run_parallel(
        4, lambda i: import_list(COMPANY, PERSON, source="parallel-list", version=f"v{i}", rescreen=False)
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    listed = Watchlist.objects.get(name="parallel-list")
    assert (Watchlist.objects.count(), listed.entity_count, listed.entities.count()) == (1, 2, 2)
    assert AuditEntry.objects.filter(action="watchlist.imported").count() == 4
