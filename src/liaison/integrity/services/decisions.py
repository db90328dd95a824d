"""Compliance officers' decisions on screening hits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import workflow
from liaison.core.actors import Actor
from liaison.core.errors import Conflict
from liaison.integrity.choices import HitDecision
from liaison.integrity.models import ScreeningHit
from liaison.integrity.workflows import HIT_WORKFLOW


def hit_decide(*, actor: Actor, hit: ScreeningHit, decision: str, reason: str) -> ScreeningHit:
    """Confirm or dismiss an open hit, with a reason, through the hit workflow (integrity/workflows.py).
    Decisions are final (the trail must not be rewritten); a dismissed match comes back as a new hit only
    when the party or the listed entity changes."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in HitDecision.values:
        errors["decision"] = [_("Choose to confirm or to dismiss.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the decision.")]
    if errors:
        raise ValidationError(errors)
    transition_name = HIT_WORKFLOW.for_target(decision).name
    try:
        return workflow.transition(
            workflow=HIT_WORKFLOW,
            instance=hit,
            name=transition_name,
            actor=actor,
            fields={"reason": reason[:2000], "decided_at": timezone.now(), "reviewer": actor.user},
            message=reason,
        )
    except Conflict as exc:
        # Shown on the decision form like any other refusal of the input.
        raise ValidationError({"decision": [_("This hit was already decided or has lapsed.")]}) from exc
