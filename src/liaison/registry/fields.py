"""The registry's field lists, declared once: the services, forms, API serializers and the import/export
read them from here, so a field added to a product or a new identifier cannot be forgotten in one of them
(tests/registry/test_fields.py checks that each reader agrees)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.engines.identifiers import validate_edrpou, validate_lei, validate_vat
from liaison.registry.models import Product

PRODUCT_NAME_FIELDS = ("name_en", "name_de", "name_uk")
# A product's editable fields by model field name, in form order.
PRODUCT_FIELDS = (
    *PRODUCT_NAME_FIELDS,
    "description_en",
    "description_de",
    "description_uk",
    "technology_field",
    "trl",
    "category",
    "combat_proven",
    "annual_capacity",
    "capacity_unit",
)


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.attname)


# The same as the services take and audit them (a foreign key by its column: ``technology_field_id``).
PRODUCT_SERVICE_FIELDS = tuple(_attname(Product, name) for name in PRODUCT_FIELDS)


@dataclass(frozen=True)
class Identifier:
    """A register number that names one organisation: unique, normalised by its validator."""

    name: str
    label: Any
    validate: Callable[[str], str]


IDENTIFIERS = (
    Identifier("edrpou", "EDRPOU", validate_edrpou),
    Identifier("vat_id", _("VAT number"), validate_vat),
    Identifier("lei", "LEI", validate_lei),
)
IDENTIFIER_FIELDS = tuple(identifier.name for identifier in IDENTIFIERS)
# The German commercial register: a court and a number, unique together.
HANDELSREGISTER_FIELDS = ("hr_court", "hr_number")
ALL_IDENTIFIER_FIELDS = (*IDENTIFIER_FIELDS, *HANDELSREGISTER_FIELDS)
# Stored as NULL when empty, so that the unique constraints ignore organisations without one.
NULLABLE_IDENTIFIER_FIELDS = (*IDENTIFIER_FIELDS, "hr_number")
