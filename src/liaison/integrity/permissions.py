"""Who may do what in integrity screening. Compliance officers and administrators review; auditors read.

The ``*_scope`` functions are the ``restrict(user, action)`` policies of the integrity models
(core/scoping.py): every selector reads through them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from liaison.accounts.roles import Role
from liaison.core.permissions import Decision, allow, deny
from liaison.core.scoping import Action
from liaison.core.types import Viewer, signed_in

if TYPE_CHECKING:
    from liaison.integrity.models import ScreeningHit
    from liaison.registry.models import Organisation

from liaison.registry.permissions import can_edit_organisation, sees_everything, sees_in_full

REVIEWER_ROLES = (Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER)
READER_ROLES = (*REVIEWER_ROLES, Role.AUDITOR)


def is_reviewer(user: Viewer) -> bool:
    return signed_in(user) and (user.is_superuser or user.has_role(*REVIEWER_ROLES))


def can_view_screening(user: Viewer) -> Decision:
    """The review queue, watchlists, runs and the trail: compliance officers, administrators, auditors."""
    if signed_in(user) and (user.is_superuser or user.has_role(*READER_ROLES)):
        return allow()
    return deny(_("Only compliance officers, administrators and auditors see screening results."))


def can_decide_hit(user: Viewer, hit: ScreeningHit | None = None) -> Decision:
    if is_reviewer(user):
        return allow()
    return deny(_("Only compliance officers and administrators decide on screening hits."))


def can_import_watchlist(user: Viewer) -> Decision:
    if is_reviewer(user):
        return allow()
    return deny(_("Only compliance officers and administrators import watchlists."))


def can_rescreen(user: Viewer) -> Decision:
    return can_import_watchlist(user)


def can_export_trail(user: Viewer) -> Decision:
    return can_view_screening(user)


def can_view_clearance(user: Viewer, organisation: Organisation | None = None) -> Decision:
    """Clearance and hits of an organisation are for staff only: a company never learns it was flagged. A
    ministry official sees them for the organisations of the official's own country (``User.country``)."""
    if sees_everything(user):
        return allow()
    ministry = signed_in(user) and user.has_role(Role.MINISTRY_OFFICIAL)
    if ministry and organisation is not None and sees_in_full(user, organisation):
        return allow()
    return deny(_("Screening results are visible to staff only."))


def can_edit_relations(user: Viewer, organisation: Organisation) -> Decision:
    """Owners and directors: the organisation's editors and compliance officers."""
    if is_reviewer(user) or can_edit_organisation(user, organisation):
        return allow()
    return deny(_("Only the organisation's editors and compliance officers record owners and directors."))


def can_view_relations(user: Viewer, organisation: Organisation) -> Decision:
    if sees_in_full(user, organisation) or can_edit_relations(user, organisation):
        return allow()
    return deny(_("Owners and directors of this organisation are not shared with you."))


def screening_scope(queryset: QuerySet[Any], user: Viewer, action: Action) -> QuerySet[Any]:
    """Hits, runs and watchlists: readers view and export, reviewers change (decide, import, rescreen);
    nobody deletes (the trail is evidence)."""
    if action in (Action.VIEW, Action.EXPORT) and can_view_screening(user):
        return queryset
    if action == Action.CHANGE and is_reviewer(user):
        return queryset
    return queryset.none()


def relation_scope(queryset: QuerySet[Any], user: Viewer, action: Action) -> QuerySet[Any]:
    """Owners and directors, through their organisation: staff view all; reviewers change all; otherwise
    only those of organisations the user may change (their own company)."""
    from liaison.registry.models import Organisation

    if action in (Action.VIEW, Action.EXPORT) and sees_everything(user):
        return queryset
    if is_reviewer(user):
        return queryset
    return queryset.filter(organisation__in=Organisation.objects.restrict(user, Action.CHANGE).values("pk"))
