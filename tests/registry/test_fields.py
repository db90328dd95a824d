"""Every reader of the registry's field declarations (registry/fields.py) agrees with it: the product form,
the API's product input and output, the services, the organisation form and input, the office-only fields and
the import/export columns. A field added to the declaration and forgotten in one of them turns this red."""

from __future__ import annotations

import pytest

from liaison.registry import forms, importing, permissions, services
from liaison.registry.api_serializers import OrganisationInputSerializer, ProductInputSerializer, ProductSerializer
from liaison.registry.fields import (
    ALL_IDENTIFIER_FIELDS,
    IDENTIFIERS,
    PRODUCT_FIELDS,
    PRODUCT_SERVICE_FIELDS,
)
from liaison.registry.models import Organisation


@pytest.mark.django_db
def test_product_readers_take_the_declared_fields() -> None:
    version = {"version"}  # the edit's base version (core.versioning), carried beside the product's own fields
    assert set(forms.ProductForm().fields) == set(PRODUCT_FIELDS) | version
    assert set(ProductInputSerializer().fields) == set(PRODUCT_FIELDS) | version
    assert set(ProductSerializer().fields) == {"id", "name", *PRODUCT_FIELDS} | version
    assert services.PRODUCT_FIELDS == PRODUCT_SERVICE_FIELDS
    assert "technology_field_id" in PRODUCT_SERVICE_FIELDS and "technology_field" not in PRODUCT_SERVICE_FIELDS


@pytest.mark.django_db
def test_identifier_readers_take_the_declared_identifiers() -> None:
    for identifier in IDENTIFIERS:
        assert Organisation._meta.get_field(identifier.name).unique
    assert set(ALL_IDENTIFIER_FIELDS) <= set(services.ORGANISATION_FIELDS)
    assert set(ALL_IDENTIFIER_FIELDS) <= set(forms.OrganisationForm(office=True).fields)
    assert set(ALL_IDENTIFIER_FIELDS) <= set(OrganisationInputSerializer().fields)
    assert set(ALL_IDENTIFIER_FIELDS) <= set(permissions.OFFICE_ONLY_FIELDS)
    assert set(ALL_IDENTIFIER_FIELDS) <= set(importing.COLUMNS)


def test_identifier_validators_normalise() -> None:
    by_name = {identifier.name: identifier.validate for identifier in IDENTIFIERS}
    assert by_name["vat_id"]("de 136 695 976") == "DE136695976"
