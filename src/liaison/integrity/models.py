"""Watchlists and their entities, owners and directors of organisations, screening hits and runs.

Hits copy what the reviewer saw (list name and version, entity id and caption, the query, score and
explanation) instead of relying only on foreign keys: a list update may remove the entity and a party may be
renamed, but the screening trail must still show exactly what was decided, on what evidence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel
from liaison.core.scoping import RestrictedQuerySet
from liaison.core.versioning import VersionedModel
from liaison.integrity.choices import HitStatus, PartyType, RelationKind, RunStatus, RunTrigger


# Hits, runs and watchlists share one policy: screening is for compliance staff only.
class WatchlistQuerySet(RestrictedQuerySet["Watchlist"]):
    scope_policy = "liaison.integrity.permissions.screening_scope"


class RunQuerySet(RestrictedQuerySet["ScreeningRun"]):
    scope_policy = "liaison.integrity.permissions.screening_scope"


class HitQuerySet(RestrictedQuerySet["ScreeningHit"]):
    scope_policy = "liaison.integrity.permissions.screening_scope"


class RelationQuerySet(RestrictedQuerySet["OrganisationRelation"]):
    scope_policy = "liaison.integrity.permissions.relation_scope"


class Watchlist(models.Model):
    """One sanctions or watch list (e.g. an OpenSanctions export), replaced as a whole on each import."""

    name = models.CharField(_("source"), max_length=100, unique=True)
    version = models.CharField(_("version"), max_length=100)
    loaded_at = models.DateTimeField(_("loaded"))
    entity_count = models.PositiveIntegerField(_("entities"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)

    objects = WatchlistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class WatchlistEntity(models.Model):
    """A listed person or company, stored so that the screening index can be rebuilt from the database.

    ``data`` holds names, birth dates, countries and registration numbers as the engine normalised them;
    ``content_hash`` changes whenever any of them changes, which re-raises dismissed hits on this entity.
    """

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="entities")
    entity_id = models.CharField(_("entity id"), max_length=200)
    schema = models.CharField(_("schema"), max_length=40)
    caption = models.CharField(_("name"), max_length=500)
    data = models.JSONField(_("data"), default=dict)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["watchlist", "entity_id"]
        verbose_name = _("listed entity")
        verbose_name_plural = _("listed entities")
        constraints = [models.UniqueConstraint(fields=["watchlist", "entity_id"], name="unique_list_entity")]

    def __str__(self) -> str:
        return self.caption


class OrganisationRelation(TimeStampedModel, VersionedModel):
    """A beneficial owner or director of an organisation: another registry organisation, or a free name.

    Owners that are registry organisations are followed recursively when clearing a party, so a company
    owned by a listed company is blocked too.
    """

    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.CASCADE,
        related_name="integrity_relations",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RelationKind.choices)
    party_organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_held_relations",
        verbose_name=_("registered organisation"),
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    is_company = models.BooleanField(_("is a company"), default=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    objects = RelationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "kind", "name"]
        verbose_name = _("owner or director")
        verbose_name_plural = _("owners and directors")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.party_organisation_id is not None:
            return str(self.party_organisation)
        return self.name


class ScreeningRun(models.Model):
    """One pass over every registry party (after an import, or on demand), with progress for the UI."""

    trigger = models.CharField(_("trigger"), max_length=10, choices=RunTrigger.choices)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    total = models.PositiveIntegerField(_("parties"), default=0)
    done = models.PositiveIntegerField(_("screened"), default=0)
    hits_raised = models.PositiveIntegerField(_("hits raised"), default=0)
    hits_lapsed = models.PositiveIntegerField(_("hits lapsed"), default=0)
    list_versions = models.JSONField(_("list versions"), default=dict)
    error = models.TextField(_("error"), blank=True)
    started_by = models.CharField(_("started by"), max_length=150, blank=True)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.PENDING, RunStatus.RUNNING)


class PartyScreening(models.Model):
    """When a party was last screened, against which lists, in which state.

    Lets :func:`~liaison.integrity.services.party_clearance` refuse to clear a party whose data or whose
    lists changed since its last screening (a missed hook, a rescreen still running): fail closed.
    """

    party_type = models.CharField(max_length=12, choices=PartyType.choices)
    party_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64)
    lists_key = models.CharField(max_length=64)
    screened_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["party_type", "party_id"], name="unique_party_screening")]

    def __str__(self) -> str:
        return f"{self.party_type}:{self.party_id} screened {self.screened_at:%Y-%m-%d %H:%M}"


class ScreeningHit(models.Model):
    """A possible match of a party with a listed entity, and the compliance officer's decision on it."""

    party_type = models.CharField(_("party type"), max_length=12, choices=PartyType.choices)
    party_id = models.PositiveBigIntegerField(_("party id"))
    party_label = models.CharField(_("party"), max_length=300)
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screening_hits",
        verbose_name=_("organisation"),
    )
    party_fingerprint = models.CharField(max_length=64)
    query = models.JSONField(_("query"), default=dict)
    entity = models.ForeignKey(WatchlistEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="hits")
    list_name = models.CharField(_("list"), max_length=100)
    list_version = models.CharField(_("list version"), max_length=100)
    entity_key = models.CharField(_("entity id"), max_length=200)
    entity_caption = models.CharField(_("listed name"), max_length=500)
    entity_content_hash = models.CharField(max_length=64)
    score = models.FloatField(_("score"))
    matched_name = models.CharField(_("matched name"), max_length=500)
    explanation = models.TextField(_("explanation"))
    via_chain = models.JSONField(_("via"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=HitStatus.choices, default=HitStatus.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    objects = HitQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")
        indexes = [models.Index(fields=["party_type", "party_id"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.party_label} ~ {self.entity_caption} ({self.score:.2f})"
