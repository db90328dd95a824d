"""Services that end an organisation's active life without deleting it: archive, restore, dismiss a
possible-duplicate flag, and merge two records of the same company.

Nothing here deletes an organisation: audit entries, screening hits and relations keep pointing at the archived
record, so its history stays readable. Each service checks its permission, locks the rows it changes, writes
one audit entry per change and runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, hooks, versioning
from liaison.core.actors import Actor
from liaison.core.permissions import Decision, require
from liaison.registry import permissions
from liaison.registry.models import DuplicateDismissal, Membership, Organisation

MAX_REASON = 500


def _authorise(actor: Actor, predicate: Callable[..., Decision], *args: Any) -> None:
    """The acting user's decision; the system and an anonymous CLI run are not asked (they hold no user)."""
    if actor.user is not None:
        require(predicate(actor.user, *args))


def _reason(reason: str, *, required: bool = True) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationError({"reason": [_("Please give a reason.")]})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": MAX_REASON}]})
    return text


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _locked_pair(a: Organisation, b: Organisation) -> tuple[Organisation, Organisation]:
    """Both rows locked in id order, so two requests on the same pair in opposite roles cannot deadlock."""
    rows = {o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk")}
    return rows[a.pk], rows[b.pk]


def _archive(actor: Actor, org: Organisation, reason: str, merged_into: Organisation | None = None) -> None:
    org.archived_at = timezone.now()
    org.archive_reason = reason
    org.merged_into = merged_into
    versioning.save_changes(org, ["archived_at", "archive_reason", "merged_into"])  # a stale edit form is refused
    after: dict[str, Any] = {"archived": True}
    if merged_into is not None:
        after["merged_into"] = merged_into.pk
    audit.record_change(
        actor=actor, action="organisation.archived", instance=org, before={"archived": False}, after=after,
        message=reason,
    )


def organisation_archive(*, actor: Actor, organisation: Organisation, reason: str) -> Organisation:
    """Hide an organisation from lists, search and matchmaking; staff still find it with the archive filter."""
    _authorise(actor, permissions.can_archive_organisation, organisation)
    text = _reason(reason)
    with transaction.atomic():
        org = _locked(organisation)
        if org.archived_at is not None:
            raise ValidationError({"archived_at": [_("“%(name)s” is archived already.") % {"name": org.legal_name}]})
        _archive(actor, org, text)
    return org


def organisation_restore(*, actor: Actor, organisation: Organisation) -> Organisation:
    """Bring an archived organisation back. One merged into another stays archived: its records moved."""
    _authorise(actor, permissions.can_archive_organisation, organisation)
    with transaction.atomic():
        org = _locked(organisation)
        if org.archived_at is None:
            raise ValidationError({"archived_at": [_("“%(name)s” is not archived.") % {"name": org.legal_name}]})
        if org.merged_into_id is not None:
            raise ValidationError(
                {"merged_into": [_("“%(name)s” was merged into another organisation and cannot be restored.")
                                 % {"name": org.legal_name}]}
            )
        org.archived_at, org.archive_reason = None, ""
        versioning.save_changes(org, ["archived_at", "archive_reason"])
        audit.record_change(
            actor=actor, action="organisation.restored", instance=org, before={"archived": True},
            after={"archived": False},
        )
        hooks.party_changed("organisation", org, actor)
    return org


def _flagged_pair(organisation: Organisation, other: Organisation) -> tuple[Organisation, Organisation]:
    if organisation.pk == other.pk:
        raise ValidationError({"other": [_("An organisation cannot be its own duplicate.")]})
    if not organisation.possible_duplicates.filter(pk=other.pk).exists():
        raise ValidationError(
            {"other": [_("“%(a)s” and “%(b)s” are not flagged as possible duplicates.")
                       % {"a": organisation.legal_name, "b": other.legal_name}]}
        )
    first, second = sorted((organisation, other), key=lambda o: o.pk)
    return first, second


def duplicate_dismiss(*, actor: Actor, organisation: Organisation, other: Organisation, reason: str) -> None:
    """Record that the pair are different companies: the flag goes, and is not raised again for this pair."""
    _authorise(actor, permissions.can_resolve_duplicates)
    text = _reason(reason)
    with transaction.atomic():
        first, second = _flagged_pair(*_locked_pair(organisation, other))
        DuplicateDismissal.objects.create(first=first, second=second, reason=text, dismissed_by=actor.user)
        organisation.possible_duplicates.remove(other)
        audit.record_change(
            actor=actor, action="organisation.duplicate_dismissed", instance=organisation,
            before={"possible_duplicate": other.pk}, after={"possible_duplicate": None}, message=text,
        )


@dataclass
class MergeResult:
    survivor: Organisation
    archived: Organisation
    moved: dict[str, int] = field(default_factory=dict)


def _move_children(actor: Actor, survivor: Organisation, other: Organisation, moved: dict[str, int]) -> None:
    """Products, people and certifications change organisation, one audit entry each."""
    for related, action in (("products", "product"), ("people", "person"), ("certifications", "certification")):
        for child in getattr(other, related).select_for_update():
            child.organisation = survivor
            child.save(update_fields=["organisation"])
            audit.record_change(
                actor=actor, action=f"{action}.moved", instance=child, before={"organisation": other.pk},
                after={"organisation": survivor.pk},
            )
            moved[related] = moved.get(related, 0) + 1


def _move_memberships(actor: Actor, survivor: Organisation, other: Organisation, moved: dict[str, int]) -> None:
    """A representative of the archived record now represents the survivor; one who already does keeps that."""
    present = set(survivor.memberships.values_list("user_id", flat=True))
    for membership in Membership.objects.select_for_update().filter(organisation=other):
        if membership.user_id in present:
            audit.record_change(
                actor=actor, action="membership.deleted", instance=membership,
                before={"user": membership.user_id, "organisation": other.pk}, after=None,
            )
            membership.delete()
            continue
        membership.organisation = survivor
        membership.save(update_fields=["organisation"])
        audit.record_change(
            actor=actor, action="membership.moved", instance=membership, before={"organisation": other.pk},
            after={"organisation": survivor.pk},
        )
        moved["memberships"] = moved.get("memberships", 0) + 1


def organisation_merge(
    *, actor: Actor, survivor: Organisation, other: Organisation, reason: str = ""
) -> MergeResult:
    """Two records of one company become one: everything hanging off ``other`` moves onto ``survivor`` (its
    products, people, certifications, memberships, and — through the apps listening in core.hooks — owner and
    director relations and screening hits), then ``other`` is archived as merged. Identifiers stay with the
    archived record, where the unique constraints keep them."""
    _authorise(actor, permissions.can_resolve_duplicates)
    text = _reason(reason, required=False)
    with transaction.atomic():
        if survivor.pk == other.pk:
            raise ValidationError({"other": [_("An organisation cannot be merged into itself.")]})
        keep, gone = _locked_pair(survivor, other)
        for org in (keep, gone):
            if org.archived_at is not None:
                raise ValidationError(
                    {"other": [_("“%(name)s” is archived; restore it before merging.") % {"name": org.legal_name}]}
                )
        result = MergeResult(keep, gone)
        _move_children(actor, keep, gone, result.moved)
        _move_memberships(actor, keep, gone, result.moved)
        result.moved.update(hooks.organisations_merged(keep, gone, actor))
        keep.possible_duplicates.remove(gone)
        audit.record_change(
            actor=actor, action="organisation.merged", instance=keep, before=None,
            after={"merged": gone.pk, "moved": dict(sorted(result.moved.items()))}, message=text,
        )
        _archive(actor, gone, text or _("Merged into “%(name)s”.") % {"name": keep.legal_name}, merged_into=keep)
        hooks.party_changed("organisation", keep, actor)
    return result
