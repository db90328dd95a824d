"""The stage machines of integrity screening, declared as data (core/workflow.py): which states a hit and a
run pass through, which transitions exist and who may take them. Services move objects only through
:func:`liaison.core.workflow.transition` (hits) or :func:`run_move` (runs), which check this table."""

from __future__ import annotations

from liaison.core.workflow import Transition, Workflow
from liaison.integrity.choices import HitStatus, RunStatus
from liaison.integrity.permissions import can_decide_hit

HIT_WORKFLOW = Workflow(
    "screening_hit",
    states=HitStatus,
    transitions=[
        Transition("confirm", {HitStatus.OPEN}, HitStatus.CONFIRMED, allowed=can_decide_hit),
        Transition("dismiss", {HitStatus.OPEN}, HitStatus.DISMISSED, allowed=can_decide_hit),
        # Taken by screening itself when the party or the listed entity changed: decisions are final.
        Transition("lapse", {HitStatus.OPEN}, HitStatus.LAPSED),
    ],
)

RUN_WORKFLOW = Workflow(
    "screening_run",
    states=RunStatus,
    transitions=[
        # A retried or resumed run starts again from "running": it continues where it stopped.
        Transition("start", {RunStatus.PENDING, RunStatus.RUNNING}, RunStatus.RUNNING),
        Transition("finish", {RunStatus.RUNNING}, RunStatus.FINISHED),
        Transition("fail", {RunStatus.PENDING, RunStatus.RUNNING}, RunStatus.FAILED),
    ],
)
