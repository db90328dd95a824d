"""Compliance officers' decisions on screening hits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.permissions import allow, require
from liaison.integrity import permissions
from liaison.integrity.choices import HitDecision, HitStatus
from liaison.integrity.models import ScreeningHit


def hit_decide(*, actor: Actor, hit: ScreeningHit, decision: str, reason: str) -> ScreeningHit:
    """Confirm or dismiss an open hit, with a reason. Decisions are final (the trail must not be rewritten);
    a dismissed match comes back as a new hit only when the party or the listed entity changes."""
    require(permissions.can_decide_hit(actor.user, hit) if actor.user else allow())
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in HitDecision.values:
        errors["decision"] = [_("Choose to confirm or to dismiss.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the decision.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = ScreeningHit.objects.select_for_update().get(pk=hit.pk)
        if locked.status != HitStatus.OPEN:
            raise ValidationError({"decision": [_("This hit was already decided or has lapsed.")]})
        locked.status, locked.reason, locked.decided_at = decision, reason[:2000], timezone.now()
        locked.reviewer = actor.user
        locked.save(update_fields=["status", "reason", "decided_at", "reviewer"])
        audit.record_change(
            actor=actor,
            action=f"screening_hit.{decision}",
            instance=locked,
            before={"status": HitStatus.OPEN},
            after={"status": decision},
            message=reason[:500],
        )
    return locked
