"""When the registry merges two records of one company, integrity's references follow the survivor: owner and
director relations on either side and screening hits. Registered in IntegrityConfig.ready() with core.hooks;
runs inside the registry's merging transaction, one audit entry per change."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.integrity.choices import PartyType
from liaison.integrity.models import OrganisationRelation, ScreeningHit


def _move_relations(survivor: Any, other: Any, actor: Actor) -> int:
    moved = 0
    relations = OrganisationRelation.objects.select_for_update().filter(
        Q(organisation=other) | Q(party_organisation=other)
    )
    for rel in relations.order_by("pk"):
        before = {"organisation": rel.organisation_id, "party_organisation": rel.party_organisation_id}
        if rel.organisation_id == other.pk:
            rel.organisation = survivor
        if rel.party_organisation_id == other.pk:
            rel.party_organisation = survivor
        if rel.organisation_id == rel.party_organisation_id:
            # The two records held each other: after the merge the company would own itself.
            audit.record_change(actor=actor, action="relation.deleted", instance=rel, before=before, after=None,
                                message="merge")
            rel.delete()
            continue
        rel.save(update_fields=["organisation", "party_organisation", "updated_at"])
        after = {"organisation": rel.organisation_id, "party_organisation": rel.party_organisation_id}
        audit.record_change(actor=actor, action="relation.moved", instance=rel, before=before, after=after)
        moved += 1
    return moved


def _move_hits(survivor: Any, other: Any, actor: Actor) -> int:
    moved = 0
    own = Q(party_type=PartyType.ORGANISATION, party_id=other.pk)
    for hit in ScreeningHit.objects.select_for_update().filter(Q(organisation=other) | own).order_by("pk"):
        before = {"organisation": hit.organisation_id, "party_id": hit.party_id}
        hit.organisation = survivor
        if hit.party_type == PartyType.ORGANISATION and hit.party_id == other.pk:
            hit.party_id = survivor.pk
        hit.save(update_fields=["organisation", "party_id"])
        audit.record_change(
            actor=actor, action="screening_hit.moved", instance=hit, before=before,
            after={"organisation": hit.organisation_id, "party_id": hit.party_id},
        )
        moved += 1
    return moved


def on_organisations_merged(survivor: Any, other: Any, actor: Actor) -> dict[str, int]:
    return {"relations": _move_relations(survivor, other, actor), "screening_hits": _move_hits(survivor, other, actor)}
