"""Every write to the registry. Each service validates, checks permission, writes, keeps the search keys
current and records its audit entry in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, hooks, versioning
from liaison.core.actors import Actor
from liaison.core.permissions import allow, require
from liaison.engines.identifiers import IdentifierError, validate_handelsregister
from liaison.registry import permissions, search
from liaison.registry.choices import OrganisationRole, SharedGroup
from liaison.registry.fields import (
    ALL_IDENTIFIER_FIELDS,
    IDENTIFIERS,
    NULLABLE_IDENTIFIER_FIELDS,
    PRODUCT_NAME_FIELDS,
    PRODUCT_SERVICE_FIELDS,
)
from liaison.registry.models import (
    Certification,
    DuplicateDismissal,
    Membership,
    Organisation,
    Person,
    Product,
    TechnologyField,
)

if TYPE_CHECKING:
    from liaison.accounts.models import User

_Child = TypeVar("_Child", Product, Certification, Person)

ORGANISATION_FIELDS = (
    "legal_name",
    "short_name",
    "name_de",
    "name_uk",
    "name_en",
    "country",
    "street",
    "postal_code",
    "city",
    "region",
    "website",
    "size_class",
    "roles",
    "security_clearance",
    "description_de",
    "description_uk",
    "description_en",
    "edrpou",
    "hr_court",
    "hr_number",
    "vat_id",
    "lei",
    "shared_groups",
)
AUDITED_ORGANISATION_FIELDS = (*ORGANISATION_FIELDS, "technology_fields")
KEY_COLUMNS = ("search_text", "shared_search_text", "name_key")  # derived by _refresh_keys
PERSON_PERSONAL_FIELDS = ("full_name", "email", "phone")


@dataclass
class OrganisationResult:
    organisation: Organisation
    possible_duplicates: list[Organisation] = field(default_factory=list)


def _authorise(actor: Actor, predicate: Any, *args: Any) -> None:
    """Apply a policy predicate to the acting user; the system itself (migrations, the demo) acts unchecked."""
    if actor.user is not None:
        require(predicate(actor.user, *args))


def _check(condition: bool, errors: dict[str, list[str]], name: str, message: str) -> None:
    if not condition:
        errors.setdefault(name, []).append(message)


def _normalise_identifiers(org: Organisation, errors: dict[str, list[str]]) -> None:
    for identifier in IDENTIFIERS:
        name, validator = identifier.name, identifier.validate
        raw = (getattr(org, name) or "").strip()
        if not raw:
            setattr(org, name, None)
            continue
        try:
            setattr(org, name, validator(raw))
        except IdentifierError as exc:
            errors.setdefault(name, []).append(str(exc))
    court, number = (org.hr_court or "").strip(), (org.hr_number or "").strip()
    if court or number:
        try:
            org.hr_court, org.hr_number = validate_handelsregister(court, number)
        except IdentifierError as exc:
            errors.setdefault("hr_number", []).append(str(exc))
    else:
        org.hr_court, org.hr_number = "", None


def _identifier_conflicts(org: Organisation, errors: dict[str, list[str]]) -> None:
    """Refuse an identifier that another organisation holds, naming it."""
    others = Organisation.objects.exclude(pk=org.pk)
    for name, label in ((i.name, i.label) for i in IDENTIFIERS):
        value = getattr(org, name)
        holder = others.filter(**{name: value}).first() if value else None
        if holder is not None:
            errors.setdefault(name, []).append(
                _("%(label)s %(value)s is already registered for “%(holder)s”.")
                % {"label": label, "value": value, "holder": holder.legal_name}
            )
    if org.hr_number:
        holder = others.filter(hr_court=org.hr_court, hr_number=org.hr_number).first()
        if holder is not None:
            errors.setdefault("hr_number", []).append(
                _("%(court)s %(number)s is already registered for “%(holder)s”.")
                % {"court": org.hr_court, "number": org.hr_number, "holder": holder.legal_name}
            )


def _validate_organisation(org: Organisation) -> None:
    errors: dict[str, list[str]] = {}
    _normalise_identifiers(org, errors)
    bad_roles = [r for r in org.roles or [] if r not in OrganisationRole.values]
    _check(not bad_roles, errors, "roles", _("Unknown role: %(v)s") % {"v": ", ".join(map(str, bad_roles))})
    bad_groups = [g for g in org.shared_groups or [] if g not in SharedGroup.values]
    _check(not bad_groups, errors, "shared_groups", _("Unknown group: %(v)s") % {"v": ", ".join(bad_groups)})
    _identifier_conflicts(org, errors)
    try:
        org.full_clean(
            exclude=[*ALL_IDENTIFIER_FIELDS, "roles", "shared_groups"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _refresh_keys(org: Organisation) -> None:
    org.search_text, org.shared_search_text = search.organisation_documents(org)
    org.name_key = search.name_key(org.short_name or org.legal_name)[:300]


def _dismissed_partners(org: Organisation) -> set[int]:
    if org.pk is None:
        return set()
    pairs = DuplicateDismissal.objects.filter(Q(first=org) | Q(second=org)).values_list("first_id", "second_id")
    return {a if b == org.pk else b for a, b in pairs}


def find_possible_duplicates(org: Organisation, *, limit: int = 5) -> list[Organisation]:
    """Active organisations whose names sound alike across scripts ("Укроборонпром" / "Ukroboronprom"), except
    those the liaison office has declared different companies (DuplicateDismissal)."""
    keys = [k for k in {search.name_key(org.legal_name), search.name_key(org.short_name)} if k]
    if not keys:
        return []
    first_words = {k.split()[0] for k in keys}
    candidates = Organisation.objects.exclude(pk__in={org.pk, *_dismissed_partners(org)}).filter(
        archived_at__isnull=True
    )
    found: list[Organisation] = []
    for word in first_words:
        prefix = word[: max(3, len(word) - 2)]
        for other in candidates.filter(search_text__contains=" " + prefix).only(
            "pk", "legal_name", "short_name", "name_key"
        )[:200]:
            other_keys = {search.name_key(other.legal_name), other.name_key}
            if any(search.similar(a, b) >= 88 for a in keys for b in other_keys if b):
                found.append(other)
    unique = {o.pk: o for o in found}
    return list(unique.values())[:limit]


def _apply(org: Organisation, data: Mapping[str, Any]) -> list[int] | None:
    unknown = set(data) - set(ORGANISATION_FIELDS) - {"technology_fields"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    for name in ORGANISATION_FIELDS:
        if name in data:
            value = data[name]
            setattr(
                org,
                name,
                value if value is not None or name in NULLABLE_IDENTIFIER_FIELDS else "",
            )
    if "technology_fields" not in data:
        return None
    codes_or_ids = list(data["technology_fields"] or [])
    ids = [v.pk if isinstance(v, TechnologyField) else v for v in codes_or_ids]
    by_code = dict(
        TechnologyField.objects.filter(code__in=[i for i in ids if isinstance(i, str)]).values_list("code", "pk")
    )
    resolved = [by_code.get(i, -1) if isinstance(i, str) else int(i) for i in ids]
    missing = [str(v) for v, r in zip(ids, resolved, strict=True) if r == -1]
    if missing:
        raise ValidationError({"technology_fields": [_("Unknown technology field: %(v)s") % {"v": ", ".join(missing)}]})
    return resolved


def organisation_create(*, actor: Actor, data: Mapping[str, Any]) -> OrganisationResult:
    """Register an organisation. Refuses a duplicate identifier; flags names that sound alike."""
    _authorise(actor, permissions.can_create_organisation)
    org = Organisation()
    field_ids = _apply(org, data)
    _validate_organisation(org)
    _refresh_keys(org)
    with transaction.atomic():
        org.save()
        if field_ids is not None:
            org.technology_fields.set(field_ids)
        duplicates = find_possible_duplicates(org)
        if duplicates:
            org.possible_duplicates.set(duplicates)
        audit.record_change(
            actor=actor,
            action="organisation.created",
            instance=org,
            before=None,
            after=audit.snapshot(org, AUDITED_ORGANISATION_FIELDS),
        )
        hooks.party_changed("organisation", org, actor)
    return OrganisationResult(org, duplicates)


def _check_office_fields(actor: Actor, org: Organisation, before: Mapping[str, Any]) -> None:
    """A company representative may not change what the liaison office vouches for."""
    decision = permissions.can_edit_office_fields(actor.user) if actor.user else allow()
    if decision:
        return
    changed = [name for name in permissions.OFFICE_ONLY_FIELDS if getattr(org, name) != before.get(name)]
    if changed:
        raise ValidationError({name: [decision.reason] for name in changed})


def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> OrganisationResult:
    """Change an organisation. The row is locked and only the columns that changed are written, so a parallel
    change of other fields survives; with ``expected_version`` a change based on an older version is refused
    (:class:`~liaison.core.versioning.StaleVersion`). An update that changes nothing writes nothing (imports
    stay idempotent)."""
    _authorise(actor, permissions.can_edit_organisation, organisation)
    with transaction.atomic():
        org = versioning.lock(Organisation, organisation.pk)
        versioning.check(org, expected_version)
        before = audit.snapshot(org, AUDITED_ORGANISATION_FIELDS)
        field_ids = _apply(org, data)
        _validate_organisation(org)
        _check_office_fields(actor, org, before)
        keys_before = [getattr(org, k) for k in KEY_COLUMNS]
        _refresh_keys(org)
        keys = [k for k, old in zip(KEY_COLUMNS, keys_before, strict=True) if getattr(org, k) != old]
        after = {
            **audit.snapshot(org, ORGANISATION_FIELDS),
            "technology_fields": sorted(field_ids) if field_ids is not None else before["technology_fields"],
        }
        changed = sorted(k for k in after if after[k] != before.get(k))
        if not changed:
            return OrganisationResult(org, [])
        columns = [k for k in changed if k != "technology_fields"]
        versioning.save_changes(org, [*columns, *keys])
        if "technology_fields" in changed:
            org.technology_fields.set(field_ids or [])
        audit.record_change(
            actor=actor,
            action="organisation.updated",
            instance=org,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
        duplicates = find_possible_duplicates(org) if {"legal_name", "short_name"} & set(changed) else []
        if duplicates:
            org.possible_duplicates.add(*duplicates)
        hooks.party_changed("organisation", org, actor)
    return OrganisationResult(org, duplicates)


PRODUCT_FIELDS = PRODUCT_SERVICE_FIELDS


def _save_child(
    *,
    actor: Actor,
    instance: _Child,
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    action: str,
    expected_version: int | None = None,
    check: Callable[[Any], None] | None = None,
) -> _Child:
    """Create ``instance`` (no pk) or change the stored row it names: locked, version-checked, and only the
    columns that changed written. ``check`` validates across fields against the locked row."""
    _authorise(actor, permissions.can_edit_organisation, instance.organisation)
    unknown = set(data) - set(fields)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    creating = instance.pk is None
    with transaction.atomic():
        if not creating:
            instance = versioning.lock(type(instance), instance.pk)
            versioning.check(instance, expected_version)
        before = None if creating else audit.snapshot(instance, fields)
        for name, value in data.items():
            setattr(instance, name, value)
        if check is not None:
            check(instance)
        instance.full_clean()
        after = audit.snapshot(instance, fields)
        if after == before:
            return instance
        if creating:
            instance.save()
        else:
            versioning.save_changes(instance, [k for k in fields if after[k] != before[k]])  # type: ignore[index]
        audit.record_change(
            actor=actor,
            action=f"{action}.{'created' if creating else 'updated'}",
            instance=instance,
            before=before,
            after=after,
        )
    return instance


def product_save(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    product: Product | None = None,
    expected_version: int | None = None,
) -> Product:
    """Create (no ``product``) or update a product of ``organisation``."""
    instance = product or Product(organisation=organisation)
    if not any(data.get(name) for name in PRODUCT_NAME_FIELDS) and instance.pk is None:
        raise ValidationError({"name_en": [_("A product needs a name in at least one language.")]})
    return _save_child(
        actor=actor,
        instance=instance,
        data=data,
        fields=PRODUCT_FIELDS,
        action="product",
        expected_version=expected_version,
    )


def _delete_child(
    *, actor: Actor, instance: Any, fields: tuple[str, ...], action: str, expected_version: int | None = None
) -> None:
    _authorise(actor, permissions.can_edit_organisation, instance.organisation)
    with transaction.atomic():
        instance = versioning.lock(type(instance), instance.pk)
        versioning.check(instance, expected_version)
        audit.record_change(
            actor=actor,
            action=f"{action}.deleted",
            instance=instance,
            before=audit.snapshot(instance, fields),
            after=None,
        )
        instance.delete()


def product_delete(*, actor: Actor, product: Product, expected_version: int | None = None) -> None:
    _delete_child(
        actor=actor, instance=product, fields=PRODUCT_FIELDS, action="product", expected_version=expected_version
    )


CERTIFICATION_FIELDS = ("standard", "certificate_number", "issuer", "valid_from", "valid_until")


def _check_validity(certification: Certification) -> None:
    if certification.valid_from and certification.valid_until and certification.valid_until < certification.valid_from:
        raise ValidationError({"valid_until": [_("The end of validity lies before its start.")]})


def certification_save(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    certification: Certification | None = None,
    expected_version: int | None = None,
) -> Certification:
    """Create or change a certificate; its dates are checked against the stored other end when only one
    changes (on the locked row, so a parallel change of the other end cannot slip past)."""
    return _save_child(
        actor=actor,
        instance=certification or Certification(organisation=organisation),
        data=data,
        fields=CERTIFICATION_FIELDS,
        action="certification",
        expected_version=expected_version,
        check=_check_validity,
    )


def certification_delete(*, actor: Actor, certification: Certification, expected_version: int | None = None) -> None:
    _delete_child(
        actor=actor,
        instance=certification,
        fields=CERTIFICATION_FIELDS,
        action="certification",
        expected_version=expected_version,
    )


PERSON_FIELDS = ("full_name", "function", "languages", "email", "phone")


def _person_audit_split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Personal values go to the unchained ``personal`` column; the chain sees only which fields changed."""
    public = {k: v for k, v in data.items() if k not in PERSON_PERSONAL_FIELDS}
    personal = {k: v for k, v in data.items() if k in PERSON_PERSONAL_FIELDS}
    return public, personal


def person_save(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    person: Person | None = None,
    expected_version: int | None = None,
) -> Person:
    """Create or update a contact person. Names, e-mail and phone stay out of the hash chain."""
    _authorise(actor, permissions.can_edit_organisation, organisation)
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    creating = person is None or person.pk is None
    with transaction.atomic():
        instance = person or Person(organisation=organisation)
        if not creating:
            instance = versioning.lock(Person, instance.pk)
            versioning.check(instance, expected_version)
        if instance.erased_at:
            raise ValidationError({"full_name": [_("This person's data was erased and cannot be edited.")]})
        before = None if creating else audit.snapshot(instance, PERSON_FIELDS)
        for name, value in data.items():
            setattr(instance, name, value)
        instance.full_clean(exclude=["search_text"])
        after = audit.snapshot(instance, PERSON_FIELDS)
        if after == before:
            return instance
        instance.search_text = search.document([instance.full_name])
        changed = sorted(k for k in after if before is None or after[k] != before.get(k))
        if creating:
            instance.save()
        else:
            versioning.save_changes(instance, [*changed, *(["search_text"] if "full_name" in changed else [])])
        public_after, personal_after = _person_audit_split({k: after[k] for k in changed})
        audit.record_change(
            actor=actor,
            action=f"person.{'created' if creating else 'updated'}",
            instance=instance,
            before={"changed": changed} if before else None,
            after={**public_after, "organisation": organisation.pk, "changed": changed},
            personal=personal_after,
        )
        hooks.party_changed("person", instance, actor)
    return instance


def person_export(*, actor: Actor, person: Person) -> dict[str, Any]:
    """Everything stored about a person (GDPR Art. 15), including audit entries that name them."""
    from liaison.core.models import AuditEntry

    _authorise(actor, permissions.can_manage_personal_data, person.organisation)
    entries = AuditEntry.objects.filter(object_type="registry.person", object_id=str(person.pk)).select_related(
        "personal_part"
    )
    with transaction.atomic():
        audit.record_change(
            actor=actor,
            action="person.exported",
            instance=person,
            before=None,
            after={"organisation": person.organisation_id},
        )
    return {
        "person": audit.snapshot(person, (*PERSON_FIELDS, "organisation_id", "created_at", "updated_at")),
        "organisation": person.organisation.legal_name,
        "history": [{"time": e.timestamp.isoformat(), "action": e.action, "data": e.personal or {}} for e in entries],
    }


def person_erase(*, actor: Actor, person: Person, reason: str) -> None:
    """Erase a person (GDPR Art. 17): blank the record and delete the personal parts of its audit entries.
    The chain is unaffected because only salted digests of personal data entered it; the erasure entry lists the
    entries it erased, which is what lets verification accept exactly those gaps."""
    _authorise(actor, permissions.can_manage_personal_data, person.organisation)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the erasure (e.g. the request reference).")]})
    with transaction.atomic():
        person = versioning.lock(Person, person.pk)
        person.full_name = _("[erased]")
        person.function, person.email, person.phone, person.languages = "", "", "", []
        person.search_text = ""
        person.erased_at = timezone.now()
        versioning.save_changes(person, [*PERSON_FIELDS, "search_text", "erased_at"])
        erased = audit.erase_personal(object_type="registry.person", object_id=person.pk)
        hooks.personal_data_erased("person", person.pk, actor)
        audit.record_change(
            actor=actor,
            action="person.erased",
            instance=person,
            before=None,
            after={"erased": True, audit.ERASED_ENTRIES: erased},
            message=reason.strip()[:500],
        )


TAXONOMY_FIELDS = ("code", "parent_id", "label_en", "label_de", "label_uk", "position")


def technology_field_save(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    technology_field: TechnologyField | None = None,
    expected_version: int | None = None,
) -> TechnologyField:
    """Administrators edit the taxonomy; a field cannot become its own ancestor."""
    _authorise(actor, permissions.can_edit_taxonomy)
    for name in data:
        if name not in TAXONOMY_FIELDS:
            raise ValidationError({name: [_("Unknown field.")]})
    creating = technology_field is None or technology_field.pk is None
    with transaction.atomic():
        instance = technology_field or TechnologyField()
        if not creating:
            instance = versioning.lock(TechnologyField, instance.pk)
            versioning.check(instance, expected_version)
        parent_id = data.get("parent_id")
        ancestor = TechnologyField.objects.filter(pk=parent_id).first() if parent_id else None
        while ancestor is not None and instance.pk is not None:
            if ancestor.pk == instance.pk:
                raise ValidationError({"parent": [_("A field cannot be placed below itself.")]})
            ancestor = ancestor.parent
        before = None if creating else audit.snapshot(instance, TAXONOMY_FIELDS)
        for name, value in data.items():
            setattr(instance, name, value)
        instance.full_clean()
        after = audit.snapshot(instance, TAXONOMY_FIELDS)
        if after == before:
            return instance
        if creating:
            instance.save()
        else:
            versioning.save_changes(instance, [k for k in TAXONOMY_FIELDS if after[k] != before[k]])  # type: ignore[index]
        audit.record_change(
            actor=actor,
            action=f"technology_field.{'created' if creating else 'updated'}",
            instance=instance,
            before=before,
            after=after,
        )
    return instance


def memberships_add(*, actor: Actor, user: User, organisation_ids: list[int]) -> list[Membership]:
    """Let ``user`` act for these organisations (administrators only). Unknown ids are refused before anything is
    written; an existing membership is kept as it is; each new one is audited."""
    _authorise(actor, permissions.can_manage_memberships)
    found = set(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", flat=True))
    missing = sorted(set(organisation_ids) - found)
    if missing:
        raise ValidationError(
            {"organisations": _("No organisation with id %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
        )
    memberships = []
    with transaction.atomic():
        for org_id in dict.fromkeys(organisation_ids):
            membership, created = Membership.objects.get_or_create(user=user, organisation_id=org_id)
            if created:
                audit.record_change(
                    actor=actor,
                    action="membership.created",
                    instance=membership,
                    before=None,
                    after={"user": user.pk, "organisation": org_id},
                )
            memberships.append(membership)
    return memberships
