"""Reads of integrity screening, narrowed to the viewer through ``restrict(viewer, action)``. Absent and
forbidden raise the same :class:`~liaison.core.errors.NotFound`.

Hits and clearance are for staff only: a company must never learn from the platform that it was flagged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet

from liaison.core.errors import NotFound
from liaison.core.permissions import Decision
from liaison.core.scoping import Action
from liaison.core.types import Viewer
from liaison.integrity import permissions
from liaison.integrity.choices import HitStatus
from liaison.integrity.clearance import Clearance, party_clearance
from liaison.integrity.models import OrganisationRelation, ScreeningHit, ScreeningRun, Watchlist
from liaison.registry.models import Organisation

_M = TypeVar("_M", bound=models.Model)


def _require(decision: Decision) -> None:
    """A whole page or list the viewer may not see is as absent as a single record."""
    if not decision:
        raise NotFound()


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


def _one(queryset: QuerySet[_M], pk: Any) -> _M:
    found = queryset.filter(pk=_pk(pk)).first()
    if found is None:
        raise NotFound()
    return found


def hit_list(*, viewer: Viewer, filters: Mapping[str, Any]) -> QuerySet[ScreeningHit]:
    """The review queue: open hits by default; ``status=all`` or one status; ``list`` narrows to a list."""
    _require(permissions.can_view_screening(viewer))
    qs = ScreeningHit.objects.select_related("organisation", "reviewer").order_by("-score", "-pk")
    status = str(filters.get("status") or HitStatus.OPEN)
    if status in HitStatus.values:
        qs = qs.filter(status=status)
    if filters.get("list"):
        qs = qs.filter(list_name=str(filters["list"])[:100])
    return qs


def hit_get(*, viewer: Viewer, pk: Any, action: Action = Action.VIEW) -> ScreeningHit:
    """One hit in the viewer's scope for ``action`` (``change`` = decide on it)."""
    queryset = ScreeningHit.objects.restrict(viewer, action).select_related("organisation", "reviewer")
    return _one(queryset, pk)


def watchlist_list(*, viewer: Viewer) -> QuerySet[Watchlist]:
    _require(permissions.can_view_screening(viewer))
    return Watchlist.objects.order_by("name")


def run_list(*, viewer: Viewer, limit: int = 5) -> list[ScreeningRun]:
    _require(permissions.can_view_screening(viewer))
    return list(ScreeningRun.objects.order_by("-pk")[:limit])


def run_get(*, viewer: Viewer, pk: Any) -> ScreeningRun:
    return _one(ScreeningRun.objects.restrict(viewer, Action.VIEW), pk)


def _organisation(viewer: Viewer, pk: Any) -> Organisation:
    return _one(Organisation.objects.visible_to(viewer), pk)


def relations_of(organisation: Organisation) -> list[OrganisationRelation]:
    return list(organisation.integrity_relations.select_related("party_organisation").order_by("kind", "pk"))


@dataclass(frozen=True)
class OrganisationPanel:
    organisation: Organisation
    clearance: Clearance
    hits: list[ScreeningHit]
    relations: list[OrganisationRelation]


def organisation_panel(*, viewer: Viewer, pk: Any) -> OrganisationPanel:
    """Clearance, hits and owners/directors of one organisation, for staff."""
    org = _organisation(viewer, pk)
    _require(permissions.can_view_clearance(viewer, org))
    hits = list(ScreeningHit.objects.filter(organisation=org).exclude(status=HitStatus.LAPSED).order_by("-pk"))
    return OrganisationPanel(org, party_clearance(party=org), hits, relations_of(org))


def organisation_clearance(*, viewer: Viewer, pk: Any) -> tuple[Organisation, Clearance]:
    org = _organisation(viewer, pk)
    _require(permissions.can_view_clearance(viewer, org))
    return org, party_clearance(party=org)


def organisation_for_relations(*, viewer: Viewer, pk: Any) -> Organisation:
    """The organisation if the viewer may see its owners and directors; else the same 404 as an absent one."""
    org = _organisation(viewer, pk)
    _require(permissions.can_view_relations(viewer, org))
    return org


def relation_for_edit(*, viewer: Viewer, pk: Any) -> OrganisationRelation:
    """An owner or director the viewer may change (through its organisation's scope), else NotFound."""
    queryset = OrganisationRelation.objects.restrict(viewer, Action.CHANGE).select_related("organisation")
    return _one(queryset, pk)


TRAIL_COLUMNS = (
    "hit_id", "created_at", "party_type", "party_id", "party", "organisation_id", "query", "list_name",
    "list_version", "entity_id", "listed_name", "matched_name", "score", "explanation", "via_chain", "status",
    "reviewer", "reason", "decided_at",
)  # fmt: skip


def trail(*, viewer: Viewer) -> Iterator[dict[str, Any]]:
    """Every hit ever raised with its decision, oldest first: what was screened, against which list version,
    how it scored and why, who decided what and when. For auditors and compliance officers."""
    _require(permissions.can_export_trail(viewer))  # checked now, not when the caller starts iterating
    return trail_records()


def trail_records() -> Iterator[dict[str, Any]]:
    """The whole trail without a viewer: only for the shell operator (``liaison screening export``)."""
    qs = ScreeningHit.objects.select_related("reviewer").order_by("pk")
    for hit in qs.iterator(chunk_size=2000):
        yield {
            "hit_id": hit.pk,
            "created_at": hit.created_at.isoformat(),
            "party_type": hit.party_type,
            "party_id": hit.party_id,
            "party": hit.party_label,
            "organisation_id": hit.organisation_id,
            "query": hit.query,
            "list_name": hit.list_name,
            "list_version": hit.list_version,
            "entity_id": hit.entity_key,
            "listed_name": hit.entity_caption,
            "matched_name": hit.matched_name,
            "score": hit.score,
            "explanation": hit.explanation,
            "via_chain": hit.via_chain,
            "status": hit.status,
            "reviewer": hit.reviewer.get_username() if hit.reviewer else "",
            "reason": hit.reason,
            "decided_at": hit.decided_at.isoformat() if hit.decided_at else "",
        }
