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


# The columns of an audit entry as every reader shows them (exports, the API, the auditors' view). Each is covered by
# the keyed chain: directly, or (actor_label, object_repr) through the digest of the erasable personal part. The
# personal column itself is left out: a person's data is handed out through the GDPR export only.
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
    "key_id",
    "personal_digest",
    "prev_hash",
    "entry_hash",
)


class AuditEntry(models.Model):
    """One change of state. Rows are only ever inserted (database triggers refuse UPDATE, DELETE and TRUNCATE;
    in production the application's role has no such rights either, see docs/deploy.md).

    ``entry_hash`` is an HMAC-SHA256, under a key the database never sees (``key_id`` names it), over every column
    of the row and the previous row's ``entry_hash``: an edited, deleted, reordered, renumbered or forged row fails
    verification even if the forger recomputes hashes. Personal data (a person's name in the object label, the
    actor's user name, e-mail addresses) lives in :class:`AuditPersonal`; the chain covers only its salted digest
    (``personal_digest``), so erasing it under GDPR Art. 17 leaves the chain intact. See docs/audit-tamper.md.
    """

    sequence = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    correlation_id = models.CharField(_("correlation id"), max_length=64, db_index=True)
    message = models.TextField(_("message"), blank=True)
    key_id = models.CharField(_("key id"), max_length=16, default="")
    personal_digest = models.CharField(max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def personal_part_or_none(self) -> AuditPersonal | None:
        try:
            return self.personal_part
        except AuditPersonal.DoesNotExist:
            return None  # erased (GDPR) — the chain keeps the digest, verification checks the erasure record

    @property
    def actor_label(self) -> str:
        part = self.personal_part_or_none()
        return part.actor_label if part else ""

    @property
    def object_repr(self) -> str:
        part = self.personal_part_or_none()
        return part.object_repr if part else ""

    @property
    def personal(self) -> dict[str, object] | None:
        part = self.personal_part_or_none()
        return part.data if part else None


class AuditPersonal(models.Model):
    """The erasable part of an audit entry: the names it shows and the personal data it records.

    Kept in its own table so that the audit table itself never needs UPDATE or DELETE rights: erasure deletes this
    row (and its random ``salt`` with it), which leaves the entry's ``personal_digest`` unverifiable by anyone —
    the digest cannot be tested against a guessed name once the salt is gone — while the chain stays intact.
    An erasure is only accepted by verification if a later entry records it (``after.erased_entries``).
    """

    entry = models.OneToOneField(
        AuditEntry, on_delete=models.PROTECT, primary_key=True, related_name="personal_part"
    )
    salt = models.CharField(max_length=32)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("personal data"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal part of an audit entry")
        verbose_name_plural = _("personal parts of audit entries")
        default_permissions = ()

    def __str__(self) -> str:
        return f"personal part of #{self.entry_id}"


class IdempotencyKey(models.Model):
    """The answer to an API create request sent with an ``Idempotency-Key`` header, kept so that a retry (a
    lost response, a double click, a client that sends in parallel) gets the same answer instead of creating a
    second record. The row is inserted in the same transaction as the record it created; the unique
    constraint makes parallel requests with one key wait for the first and then replay its answer."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(null=True)
    response_etag = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
