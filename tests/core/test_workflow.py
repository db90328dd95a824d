"""Workflows as data (core/workflow.py), applied to screening hits and runs (integrity/workflows.py): the table
decides which transitions exist and who may take them; the one transition service locks, checks, writes and
logs. Every refusal leaves the row and the audit trail unchanged; its positive half is taken right after."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection

from liaison.core import workflow
from liaison.core.actors import Actor
from liaison.core.errors import Conflict, PermissionDenied
from liaison.core.models import AuditEntry
from liaison.core.workflow import Transition, Workflow
from liaison.integrity import services
from liaison.integrity.choices import HitStatus, RunStatus, RunTrigger
from liaison.integrity.models import ScreeningHit, ScreeningRun
from liaison.integrity.services import screening
from liaison.integrity.workflows import HIT_WORKFLOW, RUN_WORKFLOW
from tests.factories import OrganisationFactory, UserFactory
from tests.integrity.factories import COMPANY, PERSON, import_list


@pytest.fixture
def hit(db: Any) -> ScreeningHit:
    import_list(COMPANY, PERSON)
    org = OrganisationFactory(legal_name="Temna Zorya GmbH", short_name="Temna Zorya")
    services.party_screen(actor=Actor.system("t"), party=org)
    return ScreeningHit.objects.get()


def _trail(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_a_workflow_naming_an_unknown_state_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("broken", states=HitStatus, transitions=[Transition("x", {"open"}, "archived")])


def test_who_may_take_a_transition_comes_from_the_table(hit: ScreeningHit, users: dict[str, Any]) -> None:
    auditor, officer = Actor.for_user(users["auditor"]), Actor.for_user(users["compliance_officer"])
    assert HIT_WORKFLOW.available(hit, auditor) == [HIT_WORKFLOW.get("lapse")]  # lapse: screening itself
    with pytest.raises(PermissionDenied, match="Only compliance officers and administrators decide"):
        workflow.transition(workflow=HIT_WORKFLOW, instance=hit, name="confirm", actor=auditor)
    hit.refresh_from_db()
    assert (hit.status, _trail("screening_hit.confirmed")) == (HitStatus.OPEN, 0)
    workflow.transition(workflow=HIT_WORKFLOW, instance=hit, name="confirm", actor=officer, fields={"reason": "x"})
    hit.refresh_from_db()
    assert (hit.status, hit.reason, _trail("screening_hit.confirmed")) == (HitStatus.CONFIRMED, "x", 1)
    assert HIT_WORKFLOW.available(hit, officer) == []


def test_a_transition_from_a_state_that_moved_on_is_a_conflict(hit: ScreeningHit, users: dict[str, Any]) -> None:
    officer = Actor.for_user(users["compliance_officer"])
    stale = ScreeningHit.objects.get(pk=hit.pk)
    workflow.transition(workflow=HIT_WORKFLOW, instance=hit, name="dismiss", actor=officer)
    with pytest.raises(Conflict, match="now “Dismissed”"):
        workflow.transition(workflow=HIT_WORKFLOW, instance=stale, name="confirm", actor=officer)
    assert ScreeningHit.objects.get(pk=hit.pk).status == HitStatus.DISMISSED
    assert (_trail("screening_hit.dismissed"), _trail("screening_hit.confirmed")) == (1, 0)
    # A lapse that meets a decided hit leaves the decision alone (decisions are final).
    assert screening.lapse_hits(officer, hit.organisation, [stale], "list changed") == 0
    assert _trail("screening_hit.lapsed") == 0


def test_run_moves_through_its_table_and_each_move_is_logged(db: Any) -> None:
    actor = Actor.system("t")
    run = ScreeningRun.objects.create(trigger=RunTrigger.RESCREEN)
    with pytest.raises(Conflict):
        workflow.transition(workflow=RUN_WORKFLOW, instance=run, name="finish", actor=actor)
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.PENDING
    for name, state in [("start", RunStatus.RUNNING), ("start", RunStatus.RUNNING), ("finish", RunStatus.FINISHED)]:
        workflow.transition(workflow=RUN_WORKFLOW, instance=run, name=name, actor=actor)
        assert (run.status, ScreeningRun.objects.get(pk=run.pk).status) == (state, state)
    assert (_trail("screening_run.running"), _trail("screening_run.finished")) == (2, 1)
    screening.screening_run_fail(actor=actor, run=run, reason="too late")  # finished: nothing to close
    assert (ScreeningRun.objects.get(pk=run.pk).status, _trail("screening_run.failed")) == (RunStatus.FINISHED, 0)


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_on_one_hit_record_exactly_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel row locks need PostgreSQL")
    import_list(COMPANY, PERSON)
    org = OrganisationFactory(legal_name="Temna Zorya GmbH", short_name="Temna Zorya")
    services.party_screen(actor=Actor.system("t"), party=org)
    pk = ScreeningHit.objects.get().pk
    # A superuser: transactional tests flush the role groups that the migrations seed.
    officer = Actor.for_user(UserFactory(username="parallel_officer", is_superuser=True))
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def decide(decision: str) -> None:
        try:
            barrier.wait()
            services.hit_decide(actor=officer, hit=ScreeningHit.objects.get(pk=pk), decision=decision, reason="r")
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the refusal's type is what is counted
            outcomes.append(type(exc).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=decide, args=(d,)) for d in ["confirmed", "dismissed"] * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Conflict"] * 5 + ["ok"]  # the losers learn who decided (409)
    decided = _trail("screening_hit.confirmed") + _trail("screening_hit.dismissed")
    assert decided == 1
