"""The demo's fictional sanctions list: loads through the real import, screens, and loads only once."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.actors import Actor
from liaison.core.models import AuditEntry
from liaison.integrity.demo import DEMO_SOURCE, load_demo_watchlist
from liaison.integrity.models import ScreeningHit, Watchlist
from liaison.registry import services as registry

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("demo")


def test_demo_list_flags_a_look_alike_and_loads_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        org = registry.organisation_create(
            actor=ACTOR, data={"legal_name": "ДП «Стрибог-Лаб»", "country": "UA", "edrpou": "32680774"}
        ).organisation
    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo_watchlist(actor=ACTOR) is True
    watchlist = Watchlist.objects.get(name=DEMO_SOURCE)
    assert (watchlist.version, watchlist.entity_count) == ("2026-11-01", 26)
    hit = ScreeningHit.objects.get(party_type="organisation", party_id=org.pk)
    assert (hit.entity_key, hit.status, hit.score) == ("demo-c-001", "open", 0.9)
    assert "registration numbers of different registers" in hit.explanation
    entries = AuditEntry.objects.count()
    assert load_demo_watchlist(actor=ACTOR) is False
    assert AuditEntry.objects.count() == entries
