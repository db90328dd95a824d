"""Reads of integrity screening, narrowed to the viewer. Absent and forbidden raise the same 404.

Hits and clearance are for staff only: a company must never learn from the platform that it was flagged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from liaison.integrity import permissions
from liaison.integrity.choices import HitStatus
from liaison.integrity.clearance import Clearance, party_clearance
from liaison.integrity.models import OrganisationRelation, ScreeningHit, ScreeningRun, Watchlist
from liaison.registry.models import Organisation


def _require(decision: Any) -> None:
    if not decision:
        raise Http404


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def hit_list(*, viewer: Any, filters: Mapping[str, Any]) -> QuerySet[ScreeningHit]:
    """The review queue: open hits by default; ``status=all`` or one status; ``list`` narrows to a list."""
    _require(permissions.can_view_screening(viewer))
    qs = ScreeningHit.objects.select_related("organisation", "reviewer").order_by("-score", "-pk")
    status = str(filters.get("status") or HitStatus.OPEN)
    if status in HitStatus.values:
        qs = qs.filter(status=status)
    if filters.get("list"):
        qs = qs.filter(list_name=str(filters["list"])[:100])
    return qs


def hit_get(*, viewer: Any, pk: Any) -> ScreeningHit:
    _require(permissions.can_view_screening(viewer))
    hit = ScreeningHit.objects.select_related("organisation", "reviewer").filter(pk=_pk(pk)).first()
    if hit is None:
        raise Http404
    return hit


def watchlist_list(*, viewer: Any) -> QuerySet[Watchlist]:
    _require(permissions.can_view_screening(viewer))
    return Watchlist.objects.order_by("name")


def run_list(*, viewer: Any, limit: int = 5) -> list[ScreeningRun]:
    _require(permissions.can_view_screening(viewer))
    return list(ScreeningRun.objects.order_by("-pk")[:limit])


def run_get(*, viewer: Any, pk: Any) -> ScreeningRun:
    _require(permissions.can_view_screening(viewer))
    run = ScreeningRun.objects.filter(pk=_pk(pk)).first()
    if run is None:
        raise Http404
    return run


def _organisation(viewer: Any, pk: Any) -> Organisation:
    org = Organisation.objects.visible_to(viewer).filter(pk=_pk(pk)).first()
    if org is None:
        raise Http404
    return org


def relations_of(organisation: Organisation) -> list[OrganisationRelation]:
    return list(organisation.integrity_relations.select_related("party_organisation").order_by("kind", "pk"))


@dataclass(frozen=True)
class OrganisationPanel:
    organisation: Organisation
    clearance: Clearance
    hits: list[ScreeningHit]
    relations: list[OrganisationRelation]


def organisation_panel(*, viewer: Any, pk: Any) -> OrganisationPanel:
    """Clearance, hits and owners/directors of one organisation, for staff."""
    org = _organisation(viewer, pk)
    _require(permissions.can_view_clearance(viewer, org))
    hits = list(ScreeningHit.objects.filter(organisation=org).exclude(status=HitStatus.LAPSED).order_by("-pk"))
    return OrganisationPanel(org, party_clearance(party=org), hits, relations_of(org))


def organisation_clearance(*, viewer: Any, pk: Any) -> tuple[Organisation, Clearance]:
    org = _organisation(viewer, pk)
    _require(permissions.can_view_clearance(viewer, org))
    return org, party_clearance(party=org)


def organisation_for_relations(*, viewer: Any, pk: Any) -> Organisation:
    """The organisation if the viewer may see its owners and directors; else the same 404 as an absent one."""
    org = _organisation(viewer, pk)
    _require(permissions.can_view_relations(viewer, org))
    return org


def relation_for_edit(*, viewer: Any, pk: Any) -> OrganisationRelation:
    rel = OrganisationRelation.objects.select_related("organisation").filter(pk=_pk(pk)).first()
    if rel is None or not Organisation.objects.visible_to(viewer).filter(pk=rel.organisation_id).exists():
        raise Http404
    _require(permissions.can_edit_relations(viewer, rel.organisation))
    return rel


TRAIL_COLUMNS = (
    "hit_id", "created_at", "party_type", "party_id", "party", "organisation_id", "query", "list_name",
    "list_version", "entity_id", "listed_name", "matched_name", "score", "explanation", "via_chain", "status",
    "reviewer", "reason", "decided_at",
)  # fmt: skip


def trail(*, viewer: Any) -> Iterator[dict[str, Any]]:
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
