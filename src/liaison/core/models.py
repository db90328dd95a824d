"""Shared base models and the append-only, hash-chained audit trail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and modification times for every domain record."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# The columns of an audit entry as every reader shows them (exports, the API). The personal column is left out:
# a person's data is handed out through the GDPR export only.
AUDIT_COLUMNS = (
    "sequence",
    "timestamp",
    "actor_kind",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "correlation_id",
    "message",
    "prev_hash",
    "entry_hash",
)
# Columns the database guard freezes: all but the personal ones, which GDPR erasure may blank.
GUARDED_COLUMNS = tuple(c for c in AUDIT_COLUMNS if c != "actor_label")


class AuditEntry(models.Model):
    """One change of state. Rows are only ever inserted (database triggers refuse UPDATE and DELETE).

    ``entry_hash`` chains each row to its predecessor over the non-personal columns, so an edited, deleted or
    reordered row breaks verification. Personal data (names, e-mail addresses of people) lives in ``personal``
    and ``actor_label``, which the chain leaves out: erasing them under GDPR Art. 17 keeps the chain intact.
    """

    sequence = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    personal = models.JSONField(_("personal data"), null=True, blank=True)
    correlation_id = models.CharField(_("correlation id"), max_length=64, db_index=True)
    message = models.TextField(_("message"), blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"
