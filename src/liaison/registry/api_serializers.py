"""Input and output schemas of the registry API. Inputs validate types and shape data for the services (which
own the business rules); outputs shape what selectors return. The OpenAPI document is generated from these."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from liaison.registry.choices import (
    CertificationStandard,
    Country,
    Language,
    OrganisationRole,
    ProductCategory,
    SecurityClearance,
    SharedGroup,
    SizeClass,
)
from liaison.registry.fields import PRODUCT_FIELDS
from liaison.registry.models import Certification, Person, Product, TechnologyField


def _text(max_length: int | None = None, **kwargs: Any) -> serializers.CharField:
    if max_length is not None:
        kwargs["max_length"] = max_length
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def version_input() -> serializers.IntegerField:
    """The version a change is based on (optional; ``If-Match`` does the same): a stale one is refused (409)."""
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The `version` you read; if the record changed since, the change is refused with 409.",
    )


def _choices(choices: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False)


class OrganisationCardSerializer(serializers.Serializer):
    """An organisation as the caller may read it: the fields of unshared groups are absent, not blank."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised with every change; send it back to change the record.")
    legal_name = serializers.CharField()
    short_name = serializers.CharField()
    country = serializers.ChoiceField(choices=Country.choices)
    visible_groups = serializers.ListField(child=serializers.ChoiceField(choices=SharedGroup.choices))
    name_de, name_uk, name_en, website = _text(), _text(), _text(), _text()
    size_class = serializers.ChoiceField(choices=SizeClass.choices, allow_blank=True, required=False)
    roles = _choices(OrganisationRole.choices)
    technology_fields = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Technology field codes."
    )
    description_de, description_uk, description_en = _text(), _text(), _text()
    street, postal_code, city, region = _text(), _text(), _text(), _text()
    edrpou, hr_court, hr_number, vat_id, lei = _text(), _text(), _text(), _text(), _text()
    security_clearance = serializers.ChoiceField(choices=SecurityClearance.choices, required=False)
    shared_groups = _choices(SharedGroup.choices)


class OrganisationCreatedSerializer(OrganisationCardSerializer):
    possible_duplicates = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of organisations whose names sound alike (check them)."
    )


class OrganisationInputSerializer(serializers.Serializer):
    """What a client may send to create or change an organisation; the service checks identifiers and rules."""

    legal_name = serializers.CharField(max_length=300)
    country = serializers.ChoiceField(choices=Country.choices)
    short_name, name_de, name_uk, name_en = _text(120), _text(300), _text(300), _text(300)
    street, postal_code, city, region = _text(200), _text(20), _text(120), _text(120)
    website = serializers.URLField(required=False, allow_blank=True)
    size_class = serializers.ChoiceField(choices=SizeClass.choices, allow_blank=True, required=False)
    roles = _choices(OrganisationRole.choices)
    technology_fields = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Technology field codes."
    )
    security_clearance = serializers.ChoiceField(choices=SecurityClearance.choices, required=False)
    description_de, description_uk, description_en = _text(), _text(), _text()
    edrpou, vat_id, lei = _text(40, allow_null=True), _text(40, allow_null=True), _text(40, allow_null=True)
    hr_court, hr_number = _text(120), _text(40, allow_null=True)
    shared_groups = _choices(SharedGroup.choices)
    version = version_input()


class ProductSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The name in the request's language.")
    technology_field: serializers.SlugRelatedField[TechnologyField] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Product
        fields = ["id", "version", "name", *PRODUCT_FIELDS]


class ProductInputSerializer(serializers.Serializer):
    name_en, name_de, name_uk = _text(200), _text(200), _text(200)
    description_en, description_de, description_uk = _text(), _text(), _text()
    technology_field = serializers.SlugRelatedField(
        slug_field="code", queryset=TechnologyField.objects.all(), allow_null=True, required=False
    )
    trl = serializers.IntegerField(min_value=1, max_value=9)
    category = serializers.ChoiceField(choices=ProductCategory.choices)
    combat_proven = serializers.BooleanField(required=False)
    annual_capacity = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    capacity_unit = _text(40)
    version = version_input()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "technology_field" in attrs:
            field = attrs.pop("technology_field")
            attrs["technology_field_id"] = field.pk if field else None
        return attrs


class CertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["id", "version", "standard", "certificate_number", "issuer", "valid_from", "valid_until"]


class CertificationInputSerializer(serializers.Serializer):
    standard = serializers.ChoiceField(choices=CertificationStandard.choices)
    certificate_number, issuer = _text(60), _text(160)
    valid_from = serializers.DateField(allow_null=True, required=False)
    valid_until = serializers.DateField(allow_null=True, required=False)
    version = version_input()


class PersonSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices))

    class Meta:
        model = Person
        fields = ["id", "version", "full_name", "function", "languages", "email", "phone"]


class PersonInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    function, phone = _text(200), _text(40)
    languages = _choices(Language.choices)
    email = serializers.EmailField(required=False, allow_blank=True)
    version = version_input()


class OrganisationDetailSerializer(OrganisationCardSerializer):
    """The card plus the products, certifications and people of the groups shared with the caller."""

    products = ProductSerializer(many=True)
    certifications = CertificationSerializer(many=True)
    people = PersonSerializer(many=True)


class PersonErasureSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="E.g. the request reference.")


class _PersonRecordSerializer(serializers.Serializer):
    full_name, function, email, phone = (serializers.CharField() for _ in range(4))
    languages = serializers.ListField(child=serializers.CharField())
    organisation_id = serializers.IntegerField()
    created_at, updated_at = serializers.DateTimeField(), serializers.DateTimeField()


class _PersonHistorySerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    action = serializers.CharField()
    # A field named like a DRF attribute is what the API documents; the stubs see the clash, DRF does not care.
    data = serializers.DictField(help_text="The personal values recorded with this change.")  # type: ignore[assignment]


class PersonExportSerializer(serializers.Serializer):
    person = _PersonRecordSerializer()
    organisation = serializers.CharField(help_text="Legal name of the person's organisation.")
    history = _PersonHistorySerializer(many=True)


class TechnologyFieldSerializer(serializers.ModelSerializer):
    parent: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    label: Any = serializers.CharField(read_only=True, help_text="The label in the request's language.")

    class Meta:
        model = TechnologyField
        fields = ["id", "version", "code", "parent", "label", "label_en", "label_de", "label_uk", "position"]


class TechnologyFieldInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=64)
    parent: Any = serializers.SlugRelatedField(
        slug_field="code", queryset=TechnologyField.objects.all(), allow_null=True, required=False
    )
    label_en, label_de, label_uk = (serializers.CharField(max_length=120) for _ in range(3))
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    version = version_input()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "parent" in attrs:
            parent = attrs.pop("parent")
            attrs["parent_id"] = parent.pk if parent else None
        return attrs


class _OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    short_name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    organisations = _OrganisationRefSerializer(many=True, help_text="The organisations the caller acts for.")
