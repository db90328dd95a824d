"""Fixed vocabularies of integrity screening."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyType(models.TextChoices):
    """What was screened: a registry organisation, a contact person, or a recorded owner/director."""

    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")
    RELATION = "relation", _("Owner or director")


class RelationKind(models.TextChoices):
    OWNER = "owner", _("Beneficial owner")
    DIRECTOR = "director", _("Director")


class HitStatus(models.TextChoices):
    """Open hits wait for a compliance officer; ``lapsed`` hits no longer match (party or list changed)."""

    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    LAPSED = "lapsed", _("Lapsed")


class HitDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirm: this is the listed entity")
    DISMISSED = "dismissed", _("Dismiss: a different entity")


class RunTrigger(models.TextChoices):
    IMPORT = "import", _("Watchlist import")
    RESCREEN = "rescreen", _("Manual rescreen")
    SCHEDULED = "scheduled", _("Scheduled rescreen")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class ClearanceStatus(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    BLOCKED = "blocked", _("Blocked")
    PENDING_REVIEW = "pending_review", _("Pending review")
    # No watchlist is loaded: nothing was checked, so nothing may be called cleared (fails closed, issue 6).
    NOT_SCREENED = "not_screened", _("Not screened")
