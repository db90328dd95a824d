"""Reads of the registry, always narrowed to what the viewer may do (``restrict(viewer, action)``). Absent and
forbidden raise the same :class:`~liaison.core.errors.NotFound`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import Count, Prefetch, Q, QuerySet

from liaison.core.errors import NotFound
from liaison.core.scoping import Action, json_list_contains
from liaison.core.types import Viewer
from liaison.registry import permissions, search
from liaison.registry.models import Certification, Organisation, Person, Product, TechnologyField

_M = TypeVar("_M", bound=models.Model)

MAX_SEARCH_CANDIDATES = 500


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    country: str = ""
    technology_field: str = ""  # code; includes the field's descendants
    role: str = ""
    certification: str = ""
    archived: bool = False  # staff only: the archived organisations instead of the active ones

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> OrganisationFilters:
        def get(name: str) -> str:
            return str(data.get(name) or "").strip()[:200]

        return cls(
            q=get("q"),
            country=get("country").upper(),
            technology_field=get("technology_field"),
            role=get("role"),
            certification=get("certification"),
            archived=get("archived").lower() in {"1", "true", "on", "yes"},
        )


def field_with_descendants(code: str) -> list[int]:
    rows = list(TechnologyField.objects.values_list("pk", "parent_id", "code"))
    root = next((pk for pk, _parent, c in rows if c == code), None)
    if root is None:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, parent, _c in rows:
        children.setdefault(parent, []).append(pk)
    found, stack = [], [root]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def _apply_filters(qs: QuerySet[Organisation], filters: OrganisationFilters, viewer: Viewer) -> QuerySet[Organisation]:
    """Each filter matches only organisations whose field group it reads is visible to ``viewer``
    (:func:`permissions.group_scope`); country comes with every group.

    Joins to many-valued relations go through `pk IN (subquery)`, not JOIN + DISTINCT: the distinct over
    every column made counting 100,000 organisations take a quarter of a second (docs/benchmarks.md)."""
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.technology_field:
        through = Organisation.technology_fields.through.objects.filter(
            technologyfield_id__in=field_with_descendants(filters.technology_field)
        )
        qs = qs.filter(Q(pk__in=through.values("organisation_id")) & permissions.group_scope(viewer, "profile"))
    if filters.role:
        qs = qs.filter(json_list_contains("roles", filters.role) & permissions.group_scope(viewer, "profile"))
    if filters.certification:
        certified = Certification.objects.filter(standard=filters.certification).values("organisation_id")
        qs = qs.filter(Q(pk__in=certified) & permissions.group_scope(viewer, "certifications"))
    return qs


def _search_condition(viewer: Viewer, key: str) -> Q:
    """One search key, matched only in what the viewer may read: staff and the organisation's own people in
    every searched field, other companies in the names and the groups the organisation shares."""
    if permissions.sees_everything(viewer):
        return Q(search_text__contains=" " + key)
    # The full-text branch is a subquery over the few organisations read in full, so the scan of the others
    # tests shared_search_text alone (on SQLite, on the covering index of migration 0006).
    in_full = Organisation.objects.filter(permissions.in_full_condition(viewer), search_text__contains=" " + key)
    return Q(shared_search_text__contains=" " + key) | Q(pk__in=in_full.values("pk"))


def organisation_list(*, viewer: Viewer, filters: OrganisationFilters | None = None) -> QuerySet[Organisation]:
    """Organisations the viewer may see, filtered; with a query, only matches (rank with :func:`ranked`)."""
    filters = filters or OrganisationFilters()
    archived = filters.archived and permissions.sees_everything(viewer)
    scoped = Organisation.objects.visible_to(viewer).filter(archived_at__isnull=not archived)
    qs = _apply_filters(scoped, filters, viewer)
    if filters.q:
        for key in search.query_keys(filters.q):
            qs = qs.filter(_search_condition(viewer, key))
    return qs


def organisation_ranked_ids(*, viewer: Viewer, filters: OrganisationFilters) -> list[int]:
    """Ids of the organisations matching ``filters.q``, best first (at most MAX_SEARCH_CANDIDATES candidates).

    On PostgreSQL the candidates come unordered, straight from the trigram index: ordering by name made it walk
    the name index past every Latin name before reaching Cyrillic ones. On SQLite the name order is kept: the
    name index carries ``search_text``, so the LIKE is tested on index entries instead of table rows
    (migration 0003, docs/benchmarks.md)."""
    qs = organisation_list(viewer=viewer, filters=filters)
    qs = qs.order_by() if connection.vendor == "postgresql" else qs.order_by("legal_name", "pk")
    names = [name for name, _group in search.RANKED_NAMES]
    rows = list(qs.values_list("pk", "country", "shared_groups", *names)[:MAX_SEARCH_CANDIDATES])
    candidates = [
        (pk, search.rank_names(values, None if permissions.sees_row_in_full(viewer, pk, country) else shared or []))
        for pk, country, shared, *values in rows
    ]
    return search.rank(filters.q, candidates)


def organisations_in_order(ids: list[int]) -> list[Organisation]:
    """Load a page of already scoped ids (from a selector) in the given order."""
    by_pk = Organisation.objects.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def organisation_search(*, viewer: Viewer, filters: OrganisationFilters, limit: int = 50) -> list[Organisation]:
    """Search results ranked by name similarity (across scripts and transliterations)."""
    if not filters.q:
        return list(organisation_list(viewer=viewer, filters=filters).order_by("legal_name", "pk")[:limit])
    return organisations_in_order(organisation_ranked_ids(viewer=viewer, filters=filters)[:limit])


def get_in_scope(queryset: QuerySet[_M], pk: Any) -> _M:
    """The row ``pk`` of an already restricted queryset, or NotFound (also for a malformed key)."""
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def organisation_get(*, viewer: Viewer, pk: Any) -> Organisation:
    queryset = (
        Organisation.objects.visible_to(viewer)
        .prefetch_related(
            "technology_fields",
            "certifications",
            Prefetch("products", queryset=Product.objects.select_related("technology_field")),
        )
        .prefetch_related(Prefetch("people", queryset=Person.objects.filter(erased_at__isnull=True)))
    )
    return get_in_scope(queryset, pk)


def organisation_for(*, viewer: Viewer, pk: Any, action: Action) -> Organisation:
    """The organisation if the viewer may take ``action`` on it; otherwise the same NotFound as an absent one."""
    return get_in_scope(Organisation.objects.restrict(viewer, action), pk)


def organisation_for_edit(*, viewer: Viewer, pk: Any) -> Organisation:
    return organisation_for(viewer=viewer, pk=pk, action=Action.CHANGE)


CHILD_MODELS: dict[str, type[Product | Person | Certification]] = {
    "products": Product,
    "people": Person,
    "certifications": Certification,
}


def child_get(
    *, viewer: Viewer, organisation: Organisation, related_name: str, pk: Any, action: Action = Action.CHANGE
) -> Product | Person | Certification:
    """One product, person or certification of ``organisation``, reached through its model's scope for
    ``action`` (which goes through the parent's): a foreign or absent child is the same NotFound."""
    model = CHILD_MODELS[related_name]
    child = get_in_scope(model.objects.restrict(viewer, action).filter(organisation=organisation), pk)
    # The three managers' union is seen as a plain Model; the row is one of the three, as CHILD_MODELS says.
    assert isinstance(child, (Product, Person, Certification))
    return child


def person_get(*, viewer: Viewer, pk: Any, action: Action = Action.VIEW) -> Person:
    """A contact person (not erased) by key alone, through its organisation's scope (GDPR export/erasure)."""
    queryset = Person.objects.restrict(viewer, action).select_related("organisation")
    return get_in_scope(queryset, pk)


def organisation_card(*, viewer: Viewer, organisation: Organisation) -> dict[str, Any]:
    """The organisation as the viewer may read it: the shared field groups only."""
    groups = permissions.visible_groups(viewer, organisation)
    card: dict[str, Any] = {
        "id": organisation.pk,
        "version": organisation.version,
        "legal_name": organisation.legal_name,
        "short_name": organisation.short_name,
        "country": organisation.country,
        "visible_groups": sorted(groups),
    }
    if "profile" in groups:
        card.update(
            name_de=organisation.name_de,
            name_uk=organisation.name_uk,
            name_en=organisation.name_en,
            website=organisation.website,
            size_class=organisation.size_class,
            roles=list(organisation.roles),
            technology_fields=[f.code for f in organisation.technology_fields.all()],
            description_de=organisation.description_de,
            description_uk=organisation.description_uk,
            description_en=organisation.description_en,
        )
    if "address" in groups:
        card.update(
            street=organisation.street,
            postal_code=organisation.postal_code,
            city=organisation.city,
            region=organisation.region,
        )
    if "identifiers" in groups:
        card.update(
            edrpou=organisation.edrpou or "",
            hr_court=organisation.hr_court,
            hr_number=organisation.hr_number or "",
            vat_id=organisation.vat_id or "",
            lei=organisation.lei or "",
        )
    if "certifications" in groups:
        card["security_clearance"] = organisation.security_clearance
    if permissions.sees_everything(viewer) or organisation.pk in permissions.member_organisation_ids(viewer):
        card["shared_groups"] = list(organisation.shared_groups)
    return card


def products_visible(*, viewer: Viewer, organisation: Organisation) -> list[Product]:
    if "products" not in permissions.visible_groups(viewer, organisation):
        return []
    return list(organisation.products.all())


def people_visible(*, viewer: Viewer, organisation: Organisation) -> list[Person]:
    if "people" not in permissions.visible_groups(viewer, organisation):
        return []
    return [p for p in organisation.people.all() if p.erased_at is None]


def certifications_visible(*, viewer: Viewer, organisation: Organisation) -> list[Any]:
    if "certifications" not in permissions.visible_groups(viewer, organisation):
        return []
    return list(organisation.certifications.all())


def technology_field_tree() -> list[tuple[TechnologyField, int]]:
    """Every field with its depth, in tree order (for select boxes and the taxonomy page)."""
    fields = list(TechnologyField.objects.all())
    children: dict[int | None, list[TechnologyField]] = {}
    for f in fields:
        children.setdefault(f.parent_id, []).append(f)
    out: list[tuple[TechnologyField, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for f in children.get(parent, []):
            out.append((f, depth))
            walk(f.pk, depth + 1)

    walk(None, 0)
    return out


def dashboard_figures(viewer: Viewer) -> dict[str, Any]:
    """The registry's part of the dashboard (registered with core.hooks in RegistryConfig.ready)."""
    orgs = organisation_list(viewer=viewer)
    by_country = dict(orgs.values_list("country").annotate(n=Count("pk")).values_list("country", "n"))
    return {
        "organisation_count": orgs.count(),
        "by_country": sorted(by_country.items(), key=lambda kv: -kv[1]),
        "product_count": Product.objects.filter(organisation__in=orgs.values("pk")).count(),
        "my_organisations": (
            list(Organisation.objects.filter(memberships__user=viewer, archived_at__isnull=True).order_by("legal_name"))
            if viewer.is_authenticated
            else []
        ),
    }
