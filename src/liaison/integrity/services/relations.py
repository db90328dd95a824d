"""Beneficial owners and directors of an organisation: recorded by its editors and compliance officers,
screened like every other party as soon as they are saved."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core import audit, versioning
from liaison.core.actors import Actor
from liaison.core.permissions import allow, require
from liaison.integrity import permissions
from liaison.integrity.choices import HitStatus, RelationKind
from liaison.integrity.models import OrganisationRelation, ScreeningHit
from liaison.integrity.services.screening import lapse_hits, party_screen
from liaison.registry.models import Organisation

RELATION_FIELDS = (
    "kind",
    "party_organisation_id",
    "name",
    "is_company",
    "birth_date",
    "country",
    "registration_number",
    "share_percent",
    "since",
    "until",
)
PERSONAL_FIELDS = ("name", "birth_date")


def _share(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        share = Decimal(-1)
    if not Decimal(0) < share <= Decimal(100):
        errors.setdefault("share_percent", []).append(_("A share lies above 0 and at most 100 per cent."))
        return None
    return share.quantize(Decimal("0.01"))


def _validate(actor: Actor, rel: OrganisationRelation) -> None:
    rel.name, rel.country = (rel.name or "").strip(), (rel.country or "").strip().upper()
    if rel.party_organisation_id:
        rel.is_company = True
    errors: dict[str, list[str]] = {}
    rel.share_percent = _share(rel.share_percent, errors)
    try:
        rel.full_clean(exclude=["share_percent"])  # converts dates from text, checks lengths and choices
    except ValidationError as exc:
        errors.update({name: list(messages) for name, messages in exc.message_dict.items()})
    if bool(rel.party_organisation_id) == bool(rel.name):
        errors.setdefault("name", []).append(_("Give either a registered organisation or a name, not both."))
    if rel.party_organisation_id and rel.party_organisation_id == rel.organisation_id:
        errors["party_organisation"] = [_("An organisation cannot own or direct itself.")]
    elif (
        rel.party_organisation_id
        and actor.user is not None
        and not (Organisation.objects.visible_to(actor.user).filter(pk=rel.party_organisation_id).exists())
    ):
        errors["party_organisation"] = [_("Unknown organisation.")]
    if rel.birth_date and rel.is_company:
        errors.setdefault("birth_date", []).append(_("A company has no date of birth."))
    if not errors and rel.since and rel.until and rel.until < rel.since:
        errors["until"] = [_("The end lies before the start.")]
    if not errors:
        _check_total_share(rel, errors)
    if errors:
        raise ValidationError(errors)


def _check_total_share(rel: OrganisationRelation, errors: dict[str, list[str]]) -> None:
    if rel.kind != RelationKind.OWNER or rel.share_percent is None or rel.until is not None:
        return
    others = (
        OrganisationRelation.objects.filter(
            organisation_id=rel.organisation_id, kind=RelationKind.OWNER, until__isnull=True
        )
        .exclude(pk=rel.pk)
        .values_list("share_percent", flat=True)
    )
    if sum((s for s in others if s is not None), Decimal(0)) + rel.share_percent > 100:
        errors.setdefault("share_percent", []).append(_("The current owners' shares would exceed 100 per cent."))


def _audit_split(data: dict[str, Any], personal: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if not personal:
        return data, None
    return (
        {k: v for k, v in data.items() if k not in PERSONAL_FIELDS},
        {k: v for k, v in data.items() if k in PERSONAL_FIELDS},
    )


def relation_save(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    relation: OrganisationRelation | None = None,
    expected_version: int | None = None,
) -> OrganisationRelation:
    """Create (no ``relation``) or change an owner or director; it is screened right after commit. A change
    locks the row, refuses a stale ``expected_version`` and writes only the columns that changed."""
    require(permissions.can_edit_relations(actor.user, organisation) if actor.user else allow())
    unknown = set(data) - set(RELATION_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    creating = relation is None or relation.pk is None
    with transaction.atomic():
        rel = relation or OrganisationRelation(organisation=organisation)
        if not creating:
            rel = versioning.lock(OrganisationRelation, rel.pk)
            versioning.check(rel, expected_version)
        if rel.organisation_id != organisation.pk:
            raise ValidationError({"organisation": [_("This owner or director belongs to another organisation.")]})
        before = None if creating else audit.snapshot(rel, RELATION_FIELDS)
        for name, value in data.items():
            setattr(rel, name, value)
        _validate(actor, rel)
        after = audit.snapshot(rel, RELATION_FIELDS)
        if after == before:
            return rel
        personal = not rel.is_company
        if creating:
            rel.save()
        else:
            versioning.save_changes(rel, [k for k in RELATION_FIELDS if after[k] != before[k]])  # type: ignore[index]
        public, private = _audit_split(after, personal)
        old, _old_private = _audit_split(before, personal) if before else (None, None)
        audit.record_change(
            actor=actor,
            action=f"relation.{'created' if creating else 'updated'}",
            instance=rel,
            before=old,
            after={**public, "organisation": organisation.pk},
            personal=private,
        )
        transaction.on_commit(lambda: party_screen(actor=Actor.system("integrity.screening"), party=rel))
    return rel


def relation_delete(*, actor: Actor, relation: OrganisationRelation, expected_version: int | None = None) -> None:
    """Remove an owner or director; its open hits lapse (decided ones stay in the trail)."""
    require(permissions.can_edit_relations(actor.user, relation.organisation) if actor.user else allow())
    with transaction.atomic():
        relation = versioning.lock(OrganisationRelation, relation.pk)
        versioning.check(relation, expected_version)
        public, private = _audit_split(audit.snapshot(relation, RELATION_FIELDS), not relation.is_company)
        open_hits = list(
            ScreeningHit.objects.filter(party_type="relation", party_id=relation.pk, status=HitStatus.OPEN)
        )
        lapse_hits(actor, relation, open_hits, _("The owner or director was removed."))
        audit.record_change(
            actor=actor,
            action="relation.deleted",
            instance=relation,
            before={**public, "organisation": relation.organisation_id},
            after=None,
            personal=private,
        )
        relation.delete()
