"""Who may see and change what in the registry. Every view, API endpoint, export, search and CLI command asks
these predicates, and every list goes through ``restrict(user, action)`` (core/scoping.py), whose policies
are :func:`organisation_scope` and, for products, people and certifications, the parent's scope narrowed to
the field group they belong to. Filters, search and sort on a field go through :func:`group_scope`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from liaison.accounts.roles import ALL_SEEING_ROLES, Role
from liaison.core.permissions import Decision, allow, deny
from liaison.core.scoping import Action, json_list_contains
from liaison.core.types import Viewer, signed_in
from liaison.registry.choices import SharedGroup
from liaison.registry.fields import ALL_IDENTIFIER_FIELDS

if TYPE_CHECKING:
    from liaison.registry.models import Organisation

ALL_GROUPS = frozenset(SharedGroup.values)
EDITOR_ROLES = (Role.ADMINISTRATOR, Role.LIAISON_OFFICER)


def sees_everything(user: Viewer) -> bool:
    """The liaison office, compliance and audit read every organisation in full; ministry officials do not."""
    return signed_in(user) and (user.is_superuser or user.has_role(*ALL_SEEING_ROLES))


def _reads_shared(user: Viewer) -> bool:
    """Roles that read what organisations share: company representatives and ministry officials."""
    return signed_in(user) and user.has_role(Role.COMPANY_REPRESENTATIVE, Role.MINISTRY_OFFICIAL)


def _ministry_country(user: Viewer) -> str:
    """The country (``User.country``) whose organisations a ministry official reads in full; "" otherwise, and
    for an official without a country, who then reads only what organisations share."""
    if signed_in(user) and user.has_role(Role.MINISTRY_OFFICIAL):
        return str(user.country or "")
    return ""


def in_full_condition(user: Viewer) -> Q:
    """Organisations ``user`` reads in full whatever they share: their own (memberships) and, for a ministry
    official, those of the official's country."""
    condition = Q(pk__in=member_organisation_ids(user))
    country = _ministry_country(user)
    return condition | Q(country=country) if country else condition


def sees_in_full(user: Viewer, organisation: Organisation) -> bool:
    """The one-object form of :func:`in_full_condition` (or everything), for predicates on a loaded row."""
    return sees_row_in_full(user, organisation.pk, organisation.country)


def sees_row_in_full(user: Viewer, pk: int, country: str) -> bool:
    if sees_everything(user) or pk in member_organisation_ids(user):
        return True
    own_country = _ministry_country(user)
    return bool(own_country) and country == own_country


def member_organisation_ids(user: Viewer) -> frozenset[int]:
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("organisation_id", flat=True))
        user._membership_cache = cached
    return cached


def organisation_scope(queryset: QuerySet[Any], user: Viewer, action: Action = Action.VIEW) -> QuerySet[Any]:
    """View/export: the liaison office, compliance and audit see every organisation, archived ones too (lists hide
    those unless asked); a company representative the active ones that are their own or share anything; a
    ministry official the active ones of their country or that share anything. Change: the liaison office every
    one, a representative their own active ones. Delete (archive, merge away): the liaison office only."""
    if not signed_in(user):
        return queryset.none()
    if action in (Action.VIEW, Action.EXPORT):
        if sees_everything(user):
            return queryset
        if _reads_shared(user):
            own_or_shared = in_full_condition(user) | ~Q(shared_groups=[])
            return queryset.filter(own_or_shared, archived_at__isnull=True)
        return queryset.none()
    if user.is_superuser or user.has_role(*EDITOR_ROLES):
        return queryset
    if action == Action.CHANGE and user.has_role(Role.COMPANY_REPRESENTATIVE):
        return queryset.filter(pk__in=member_organisation_ids(user), archived_at__isnull=True)
    return queryset.none()


def group_scope(user: Viewer, group: str) -> Q:
    """A condition on organisations: ``user`` may read their field group ``group``. Every filter, search key
    and sort on a field of that group is combined with it — otherwise which rows come back reveals the hidden
    value (``?certification=AQAP 2110`` finding an organisation that hides its certifications)."""
    if sees_everything(user):
        return Q()
    return in_full_condition(user) | json_list_contains("shared_groups", group)


def _child_scope(group: str) -> Callable[[QuerySet[Any], Viewer, Action], QuerySet[Any]]:
    def scope(queryset: QuerySet[Any], user: Viewer, action: Action) -> QuerySet[Any]:
        from liaison.registry.models import Organisation

        # Adding or removing a child changes its organisation; it does not delete it.
        parents = Organisation.objects.restrict(user, Action.CHANGE if action == Action.DELETE else action)
        if action in (Action.VIEW, Action.EXPORT):
            parents = parents.filter(group_scope(user, group))
        queryset = queryset.filter(organisation__in=parents.values("pk"))
        # An erased person is gone for every purpose but the audit trail.
        return queryset.filter(erased_at__isnull=True) if group == "people" else queryset

    scope.__doc__ = f"Through the parent organisation's scope; viewing also needs its '{group}' group."
    return scope


product_scope = _child_scope("products")
person_scope = _child_scope("people")
certification_scope = _child_scope("certifications")


def visible_groups(user: Viewer, organisation: Organisation) -> frozenset[str]:
    """The field groups of ``organisation`` that ``user`` may read (names and country come with any of them)."""
    if sees_in_full(user, organisation):
        return ALL_GROUPS
    if _reads_shared(user):
        return frozenset(organisation.shared_groups) & ALL_GROUPS
    return frozenset()


def can_create_organisation(user: Viewer) -> Decision:
    if signed_in(user) and (user.is_superuser or user.has_role(*EDITOR_ROLES)):
        return allow()
    return deny(_("Only the liaison office registers organisations."))


def can_edit_organisation(user: Viewer, organisation: Organisation) -> Decision:
    if not signed_in(user):
        return deny(_("Please log in."))
    if getattr(organisation, "archived_at", None) is not None:
        return deny(_("This organisation is archived; restore it before changing it."))
    if user.is_superuser or user.has_role(*EDITOR_ROLES):
        return allow()
    if user.has_role(Role.COMPANY_REPRESENTATIVE) and organisation.pk in member_organisation_ids(user):
        return allow()
    return deny(_("Only the organisation's own representatives and the liaison office edit it."))


# What the state vouches for is set by the liaison office, not self-declared by the company.
OFFICE_ONLY_FIELDS = ("security_clearance", *ALL_IDENTIFIER_FIELDS)


def can_edit_office_fields(user: Viewer) -> Decision:
    """Facility security clearance and registry identifiers: administrators and liaison officers only."""
    if signed_in(user) and (user.is_superuser or user.has_role(*EDITOR_ROLES)):
        return allow()
    return deny(_("Only the liaison office changes the security clearance and registry identifiers."))


def can_import(user: Viewer) -> Decision:
    return can_create_organisation(user)


def can_export(user: Viewer) -> Decision:
    if signed_in(user):
        return allow()
    return deny(_("Please log in."))


def can_manage_personal_data(user: Viewer, organisation: Organisation) -> Decision:
    """GDPR export and erasure of a contact person: the organisation's editors."""
    return can_edit_organisation(user, organisation)


def can_manage_memberships(user: Viewer) -> Decision:
    """Who acts for which organisation is decided by administrators."""
    if signed_in(user) and user.is_administrator:
        return allow()
    return deny(_("Only administrators manage users."))


def _office(user: Viewer) -> bool:
    return signed_in(user) and (user.is_superuser or user.has_role(*EDITOR_ROLES))


def can_archive_organisation(user: Viewer, organisation: Organisation) -> Decision:
    """Archiving and restoring: the liaison office (a company cannot hide itself from the registry)."""
    if _office(user):
        return allow()
    return deny(_("Only the liaison office archives and restores organisations."))


def can_resolve_duplicates(user: Viewer) -> Decision:
    """Dismissing a possible-duplicate flag or merging two records: the liaison office, which alone sees the
    flags (for a company they could reveal organisations not shared with it)."""
    if _office(user):
        return allow()
    return deny(_("Only the liaison office resolves possible duplicates."))


def can_edit_taxonomy(user: Viewer) -> Decision:
    if signed_in(user) and user.is_administrator:
        return allow()
    return deny(_("Only administrators edit the technology taxonomy."))
