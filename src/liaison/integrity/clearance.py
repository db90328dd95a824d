"""``party_clearance``: may the programme commit to, pay, contract with or share data with this party?

Every other module asks this before a commitment. The answer is computed from the current hits each time
(never cached), so a decision in the review queue takes effect at once. An organisation is judged together
with its current directors and its ownership chain: owners that are registry organisations are followed
recursively (cycle-safe), so a company owned by a listed company is blocked, and the reason names the chain.

It fails closed: a party whose screened data or whose lists changed since it was last screened (a rescreen
still running, a screening that failed after a save) is "pending review", never "cleared".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.integrity import parties
from liaison.integrity.choices import ClearanceStatus, HitStatus, RelationKind
from liaison.integrity.models import OrganisationRelation, PartyScreening, ScreeningHit
from liaison.integrity.watchlist_index import NO_LISTS, lists_key
from liaison.registry.models import Organisation


@dataclass(frozen=True)
class Clearance:
    """The answer, with the reasons a person can act on (which hit, on which list, through which owner)."""

    status: str  # "cleared" | "blocked" | "pending_review" | "not_screened"
    reasons: list[str]

    @property
    def cleared(self) -> bool:
        return self.status == ClearanceStatus.CLEARED

    @property
    def label(self) -> str:
        """The status in the reader's language."""
        return str(ClearanceStatus(self.status).label)


@dataclass
class _Findings:
    lists_key: str
    confirmed: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _step(rel: OrganisationRelation) -> str:
    kind = RelationKind(rel.kind).label
    if rel.share_percent is not None:
        return _("%(kind)s %(name)s (%(share)s %%)") % {
            "kind": kind,
            "name": rel.display_name,
            "share": f"{rel.share_percent.normalize():f}",
        }
    return _("%(kind)s %(name)s") % {"kind": kind, "name": rel.display_name}


def _describe(hit: ScreeningHit, chain: list[str]) -> str:
    text = _("“%(party)s” matches “%(listed)s” on %(list)s (version %(version)s, score %(score).2f)") % {
        "party": hit.party_label,
        "listed": hit.entity_caption,
        "list": hit.list_name,
        "version": hit.list_version,
        "score": hit.score,
    }
    if chain:
        text += " — " + _("via %(chain)s") % {"chain": " → ".join(chain)}
    return text


def _own(party: Any, chain: list[str], found: _Findings) -> None:
    """The party's own hits, and whether its last screening is still current."""
    party_type = parties.party_type_of(party)
    hits = ScreeningHit.objects.filter(
        party_type=party_type, party_id=party.pk, status__in=[HitStatus.CONFIRMED, HitStatus.OPEN]
    )
    for hit in hits:
        target = found.confirmed if hit.status == HitStatus.CONFIRMED else found.open
        target.append(_describe(hit, chain))
    query = parties.party_query(party)
    if query is None or found.lists_key == NO_LISTS:
        return
    screened = PartyScreening.objects.filter(party_type=party_type, party_id=party.pk).first()
    if screened is None or screened.lists_key != found.lists_key or screened.fingerprint != parties.fingerprint(query):
        label = parties.party_label(party)
        text = _("“%(party)s” has not been screened against the current lists since it last changed.") % {
            "party": label
        }
        found.stale.append(text + (" — " + _("via %(chain)s") % {"chain": " → ".join(chain)} if chain else ""))


def _current_relations(org: Organisation) -> list[OrganisationRelation]:
    today = timezone.localdate()
    return list(
        OrganisationRelation.objects.filter(organisation=org)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .filter(Q(since__isnull=True) | Q(since__lte=today))
        .select_related("party_organisation")
    )


def _walk(org: Organisation, chain: list[str], visited: set[int], found: _Findings) -> None:
    """The organisation, its directors, and up its owners: registry owners recursively, each once."""
    if org.pk in visited:
        return
    visited.add(org.pk)
    _own(org, chain, found)
    for rel in _current_relations(org):
        path = [*(chain or [org.legal_name]), _step(rel)]
        if rel.party_organisation is not None:
            _walk(rel.party_organisation, path, visited, found)
        else:
            _own(rel, path, found)


def party_clearance(*, party: Any) -> Clearance:
    """Cleared, blocked (a confirmed hit on the party or up its chain), pending review (an open hit, or
    screening not current) or not screened (no watchlist loaded at all), with reasons.
    ``party``: an Organisation, a registry Person or an owner/director."""
    party = type(party).objects.get(pk=party.pk)  # judge what is stored, never a caller's stale copy
    found = _Findings(lists_key=lists_key())
    if isinstance(party, Organisation):
        _walk(party, [], set(), found)
    elif isinstance(party, OrganisationRelation) and party.party_organisation is not None:
        _walk(party.party_organisation, [party.organisation.legal_name, _step(party)], set(), found)
    else:
        _own(party, [], found)
    if found.confirmed:
        return Clearance(ClearanceStatus.BLOCKED, found.confirmed + found.open + found.stale)
    if found.open or found.stale:
        return Clearance(ClearanceStatus.PENDING_REVIEW, found.open + found.stale)
    if found.lists_key == NO_LISTS:
        return Clearance(ClearanceStatus.NOT_SCREENED, [_("No watchlist is loaded, so nothing was screened.")])
    return Clearance(ClearanceStatus.CLEARED, [_("No open or confirmed watchlist hits.")])
