"""The registry of German and Ukrainian defence companies: organisations, their products, certifications,
contact persons, and the technology-field taxonomy."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel
from liaison.core.scoping import Action, RestrictedQuerySet
from liaison.core.types import Viewer
from liaison.core.versioning import VersionedModel
from liaison.registry.choices import (
    CertificationStandard,
    Country,
    ProductCategory,
    SecurityClearance,
    SizeClass,
)


def localized(obj: object, base: str) -> str:
    """The field ``base_<lang>`` in the active language, falling back to English, German, Ukrainian."""
    lang = (get_language() or "en")[:2]
    for code in (lang, "en", "de", "uk"):
        value = getattr(obj, f"{base}_{code}", "")
        if value:
            return str(value)
    return ""


class TechnologyField(VersionedModel):
    """A node of the technology taxonomy (drones › FPV …), labelled in three languages."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    label_en = models.CharField(_("label (English)"), max_length=120)
    label_de = models.CharField(_("label (German)"), max_length=120)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("technology field")
        verbose_name_plural = _("technology fields")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "label")


class OrganisationQuerySet(RestrictedQuerySet["Organisation"]):
    scope_policy = "liaison.registry.permissions.organisation_scope"

    def visible_to(self, user: Viewer) -> RestrictedQuerySet[Organisation]:
        """The one narrowing every list, search, export, API and report goes through (``restrict(user, "view")``)."""
        return self.restrict(user, Action.VIEW)


class ProductQuerySet(RestrictedQuerySet["Product"]):
    scope_policy = "liaison.registry.permissions.product_scope"


class PersonQuerySet(RestrictedQuerySet["Person"]):
    scope_policy = "liaison.registry.permissions.person_scope"


class CertificationQuerySet(RestrictedQuerySet["Certification"]):
    scope_policy = "liaison.registry.permissions.certification_scope"


class Organisation(TimeStampedModel, VersionedModel):
    """A company, research institute or agency in the programme (DE, UA or another European country)."""

    legal_name = models.CharField(_("legal name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=300, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, db_index=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    technology_fields = models.ManyToManyField(
        TechnologyField, blank=True, related_name="organisations", verbose_name=_("technology fields")
    )
    security_clearance = models.CharField(
        _("facility security clearance"),
        max_length=16,
        choices=SecurityClearance.choices,
        default=SecurityClearance.NONE,
    )
    description_de = models.TextField(_("description (German)"), blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    edrpou = models.CharField(_("EDRPOU"), max_length=8, null=True, blank=True, unique=True)
    hr_court = models.CharField(_("register court"), max_length=120, blank=True)
    hr_number = models.CharField(_("Handelsregister number"), max_length=20, null=True, blank=True)
    vat_id = models.CharField(_("VAT number"), max_length=20, null=True, blank=True, unique=True)
    lei = models.CharField(_("LEI"), max_length=20, null=True, blank=True, unique=True)
    shared_groups = models.JSONField(_("shared with other companies"), default=list, blank=True)
    # Script- and transliteration-independent keys (engines.translit), maintained by the services.
    search_text = models.TextField(editable=False, default="")
    # The same keys from the names and the field groups the organisation shares only: what other companies
    # may search (registry.search.organisation_documents).
    shared_search_text = models.TextField(editable=False, default="")
    name_key = models.CharField(max_length=300, editable=False, default="", db_index=True)
    possible_duplicates = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Archived, not deleted: audit entries and screening history keep pointing at the record (services
    # organisation_archive / organisation_restore / organisation_merge).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, db_index=True)
    archive_reason = models.CharField(_("reason for archiving"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["hr_court", "hr_number"], name="unique_handelsregister"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.legal_name

    @property
    def display_name(self) -> str:
        return localized(self, "name") or self.legal_name

    @property
    def description(self) -> str:
        return localized(self, "description")


class DuplicateDismissal(models.Model):
    """The liaison office's decision that two organisations with similar names are different companies, so the
    pair is not flagged again. Stored once per pair, the lower id first."""

    first = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed duplicate")
        verbose_name_plural = _("dismissed duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_duplicate_dismissal"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class Certification(VersionedModel):
    """A quality or security certificate held by an organisation, valid for a period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="certifications")
    standard = models.CharField(_("standard"), max_length=20, choices=CertificationStandard.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=160, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["standard"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return f"{self.standard} ({self.organisation})"


class Product(TimeStampedModel, VersionedModel):
    """Something an organisation makes or offers, classified by technology field, TRL and CML category."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="products")
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    technology_field = models.ForeignKey(
        TechnologyField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("technology field"),
    )
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    category = models.CharField(_("CML category"), max_length=10, choices=ProductCategory.choices)
    combat_proven = models.BooleanField(_("combat-proven"), default=False)
    annual_capacity = models.PositiveIntegerField(_("annual production capacity"), null=True, blank=True)
    capacity_unit = models.CharField(_("capacity unit"), max_length=40, blank=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=models.Q(trl__gte=1, trl__lte=9), name="product_trl_1_9"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Person(TimeStampedModel, VersionedModel):
    """A contact person. Personal data: exportable (GDPR Art. 15) and erasable (Art. 17) by service."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    full_name = models.CharField(_("full name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """A company representative acts for an organisation through a membership.

    It lives beside the organisation it scopes (not with the user) so that accounts knows nothing of the
    registry: the registry's permissions read memberships, accounts only provides the user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
