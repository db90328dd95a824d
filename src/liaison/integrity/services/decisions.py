"""Compliance officers' decisions on screening hits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import workflow
from liaison.core.actors import Actor
from liaison.core.errors import Conflict
from liaison.integrity.choices import HitDecision, HitStatus
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
        # Of two decisions at once one wins; the other learns what the hit is now and by whom (409).
        raise _already_decided(ScreeningHit.objects.select_related("reviewer").get(pk=hit.pk)) from exc


def _already_decided(hit: ScreeningHit) -> Conflict:
    if hit.status == HitStatus.LAPSED:
        return Conflict(
            _("This hit has lapsed in the meantime; there is nothing left to decide."), hit_status=hit.status
        )
    return Conflict(
        _("This hit was already decided (%(decision)s by %(reviewer)s); your decision was not recorded.")
        % {"decision": hit.get_status_display(), "reviewer": hit.reviewer.get_username() if hit.reviewer else "—"},
        hit_status=hit.status,
    )
