"""The platform's roles. Each is a Django group (created by migration) with model permissions; scope is data:
memberships name a company representative's organisations, ``User.country`` a ministry official's side."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    MINISTRY_OFFICIAL = "ministry_official", _("Ministry official")
    COMPANY_REPRESENTATIVE = "company_representative", _("Company representative")
    COMPLIANCE_OFFICER = "compliance_officer", _("Compliance officer")
    AUDITOR = "auditor", _("Auditor")


# Everyone who works for the liaison office, a ministry or in oversight must use two factors.
STAFF_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.LIAISON_OFFICER, Role.MINISTRY_OFFICIAL, Role.COMPLIANCE_OFFICER, Role.AUDITOR}
)
# Roles that see every organisation in full (read); editing is narrower, see registry.permissions. A ministry
# official is not among them: ``User.country`` limits the full view to the official's own country's
# organisations, and of the others the official reads what they share, as companies do.
ALL_SEEING_ROLES = STAFF_ROLES - {Role.MINISTRY_OFFICIAL}
