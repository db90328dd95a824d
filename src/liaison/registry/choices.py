"""Fixed vocabularies of the registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    DE = "DE", _("Germany")
    UA = "UA", _("Ukraine")
    AT = "AT", _("Austria")
    BE = "BE", _("Belgium")
    CZ = "CZ", _("Czechia")
    DK = "DK", _("Denmark")
    EE = "EE", _("Estonia")
    ES = "ES", _("Spain")
    FI = "FI", _("Finland")
    FR = "FR", _("France")
    IT = "IT", _("Italy")
    LT = "LT", _("Lithuania")
    LV = "LV", _("Latvia")
    NL = "NL", _("Netherlands")
    NO = "NO", _("Norway")
    PL = "PL", _("Poland")
    RO = "RO", _("Romania")
    SE = "SE", _("Sweden")
    SK = "SK", _("Slovakia")
    GB = "GB", _("United Kingdom")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro (< 10 employees)")
    SMALL = "small", _("Small (< 50 employees)")
    MEDIUM = "medium", _("Medium (< 250 employees)")
    LARGE = "large", _("Large (250+ employees)")


class OrganisationRole(models.TextChoices):
    RND = "rnd", _("R&D / design")
    SERIES_PRODUCTION = "series_production", _("Series production")
    INTEGRATION = "integration", _("Integration")
    TESTING = "testing", _("Testing")
    MRO = "mro", _("Maintenance & repair")
    COMPONENT_SUPPLIER = "component_supplier", _("Component supplier")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    LOGISTICS = "logistics", _("Logistics")


class SecurityClearance(models.TextChoices):
    NONE = "none", _("None")
    RESTRICTED = "restricted", _("Restricted (VS-NfD / ДСК)")
    CONFIDENTIAL = "confidential", _("Confidential (VS-Vertraulich / Таємно)")
    SECRET = "secret", _("Secret (Geheim / Цілком таємно)")


class CertificationStandard(models.TextChoices):
    AQAP_2110 = "AQAP 2110", "AQAP 2110"
    AQAP_2210 = "AQAP 2210", "AQAP 2210"
    AQAP_2310 = "AQAP 2310", "AQAP 2310"
    ISO_9001 = "ISO 9001", "ISO 9001"
    EN_9100 = "EN 9100", "EN 9100"
    ISO_14001 = "ISO 14001", "ISO 14001"
    ISO_27001 = "ISO 27001", "ISO/IEC 27001"
    ISO_45001 = "ISO 45001", "ISO 45001"
    DSTU_ISO_9001 = "DSTU ISO 9001", "ДСТУ ISO 9001"
    EN_ISO_17025 = "ISO/IEC 17025", "ISO/IEC 17025"


CML_CATEGORIES = [(f"ML{i}", f"ML{i}") for i in range(1, 23)]


class ProductCategory(models.TextChoices):
    """EU Common Military List categories ML1–ML22, or dual-use."""

    ML1 = "ML1", _("ML1 Smooth-bore weapons < 20 mm")
    ML2 = "ML2", _("ML2 Smooth-bore weapons ≥ 20 mm")
    ML3 = "ML3", _("ML3 Ammunition and fuze setting devices")
    ML4 = "ML4", _("ML4 Bombs, torpedoes, rockets, missiles")
    ML5 = "ML5", _("ML5 Fire control and warning equipment")
    ML6 = "ML6", _("ML6 Ground vehicles")
    ML7 = "ML7", _("ML7 Chemical or biological agents, riot control")
    ML8 = "ML8", _("ML8 Energetic materials")
    ML9 = "ML9", _("ML9 Vessels of war")
    ML10 = "ML10", _("ML10 Aircraft, unmanned aerial vehicles")
    ML11 = "ML11", _("ML11 Electronic equipment")
    ML12 = "ML12", _("ML12 Kinetic energy weapon systems")
    ML13 = "ML13", _("ML13 Armoured or protective equipment")
    ML14 = "ML14", _("ML14 Training and simulation equipment")
    ML15 = "ML15", _("ML15 Imaging or countermeasure equipment")
    ML16 = "ML16", _("ML16 Forgings, castings, unfinished products")
    ML17 = "ML17", _("ML17 Miscellaneous equipment")
    ML18 = "ML18", _("ML18 Production equipment")
    ML19 = "ML19", _("ML19 Directed energy weapon systems")
    ML20 = "ML20", _("ML20 Cryogenic and superconductive equipment")
    ML21 = "ML21", _("ML21 Software")
    ML22 = "ML22", _("ML22 Technology")
    DUAL_USE = "dual_use", _("Dual-use (Regulation (EU) 2021/821)")


class SharedGroup(models.TextChoices):
    """Groups of fields an organisation's owners may share with the other companies on the platform.
    The legal name, short name and country are shown whenever anything is shared."""

    PROFILE = "profile", _("Profile (names, roles, technology fields, size, website, description)")
    ADDRESS = "address", _("Address")
    IDENTIFIERS = "identifiers", _("Registry identifiers")
    CERTIFICATIONS = "certifications", _("Certifications and security clearance")
    PRODUCTS = "products", _("Products")
    PEOPLE = "people", _("Contact persons")


class Language(models.TextChoices):
    DE = "de", _("German")
    UK = "uk", _("Ukrainian")
    EN = "en", _("English")
    RU = "ru", _("Russian")
    PL = "pl", _("Polish")
    FR = "fr", _("French")
