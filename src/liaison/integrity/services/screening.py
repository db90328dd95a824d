"""Screening parties against the loaded lists: one party (on every registry save) or all of them (a run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, workflow
from liaison.core.actors import Actor
from liaison.core.errors import Conflict
from liaison.core.permissions import allow, require
from liaison.engines.screening import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Match
from liaison.integrity import parties, permissions
from liaison.integrity.choices import HitStatus, PartyType, RunTrigger
from liaison.integrity.models import (
    OrganisationRelation,
    PartyScreening,
    ScreeningHit,
    ScreeningRun,
    Watchlist,
    WatchlistEntity,
)
from liaison.integrity.watchlist_index import IndexState, current_index, resolve
from liaison.integrity.workflows import HIT_WORKFLOW, RUN_WORKFLOW
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job
from liaison.jobs.services import job_enqueue
from liaison.registry.models import Organisation, Person

Progress = Callable[[int, int], None]
RESCREEN_JOB = "integrity.rescreen"  # declared in liaison.integrity.jobs
CATCH_UP_JOB = "integrity.catch_up"


def threshold() -> float:
    return float(getattr(settings, "LIAISON_SCREENING_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass
class ScreenResult:
    raised: list[ScreeningHit] = field(default_factory=list)
    lapsed: int = 0
    deferred: bool = False  # no index for the current lists in this process yet: a job screens the party


def _hit_facts(hit: ScreeningHit) -> dict[str, Any]:
    return {
        "party_type": hit.party_type,
        "party_id": hit.party_id,
        "list": hit.list_name,
        "list_version": hit.list_version,
        "entity": hit.entity_key,
    }


def _hit_personal(hit: ScreeningHit, party: Any) -> dict[str, Any] | None:
    return {"party": hit.party_label, "query": hit.query} if parties.is_personal(party) else None


def _hit_audit(actor: Actor, action: str, hit: ScreeningHit, party: Any, after: dict[str, Any]) -> None:
    audit.record_change(
        actor=actor,
        action=action,
        instance=hit,
        before=None,
        personal=_hit_personal(hit, party),
        after={**_hit_facts(hit), **after},
    )


def _via_chain(party: Any) -> list[dict[str, Any]]:
    if not isinstance(party, OrganisationRelation):
        return []
    share = str(party.share_percent) if party.share_percent is not None else ""
    return [
        {
            "organisation_id": party.organisation_id,
            "organisation": party.organisation.legal_name,
            "kind": party.kind,
            "share_percent": share,
        }
    ]


def _apply_match(
    actor: Actor,
    party: Any,
    match: Match,
    entity: WatchlistEntity,
    known: list[ScreeningHit],
    fp: str,
    query: dict[str, Any],
) -> ScreeningHit | None:
    """Raise a new hit, refresh an open one, or do nothing (confirmed; dismissed with nothing changed)."""
    same = [h for h in known if h.list_name == entity.watchlist.name and h.entity_key == entity.entity_id]
    if any(h.status == HitStatus.CONFIRMED for h in same):
        return None
    if any(
        h.status == HitStatus.DISMISSED and h.party_fingerprint == fp and h.entity_content_hash == entity.content_hash
        for h in same
    ):
        return None
    values = {
        "party_label": parties.party_label(party)[:300],
        "party_fingerprint": fp,
        "query": query,
        "entity": entity,
        "list_version": entity.watchlist.version,
        "entity_caption": entity.caption[:500],
        "entity_content_hash": entity.content_hash,
        "score": round(match.score, 4),
        "matched_name": match.matched_name[:500],
        "explanation": match.explanation,
        "via_chain": _via_chain(party),
    }
    hit = next((h for h in same if h.status == HitStatus.OPEN), None)
    if hit is not None:
        if all(getattr(hit, k) == v for k, v in values.items()):
            return None
        for k, v in values.items():
            setattr(hit, k, v)
        hit.save()
        _hit_audit(actor, "screening_hit.refreshed", hit, party, {"score": hit.score})
        return None
    hit = ScreeningHit.objects.create(
        party_type=parties.party_type_of(party),
        party_id=party.pk,
        organisation_id=parties.party_organisation_id(party),
        list_name=entity.watchlist.name,
        entity_key=entity.entity_id,
        **values,
    )
    _hit_audit(actor, "screening_hit.raised", hit, party, {"score": hit.score, "status": hit.status})
    return hit


def lapse_hits(actor: Actor, party: Any, hits: list[ScreeningHit], reason: str) -> int:
    """Close open hits that no longer apply; they stay in the trail, marked as lapsed with the reason."""
    lapsed = 0
    for hit in hits:
        try:
            workflow.transition(
                workflow=HIT_WORKFLOW,
                instance=hit,
                name="lapse",
                actor=actor,
                fields={"decided_at": timezone.now(), "reason": reason},
                audit_after=_hit_facts(hit),
                personal=_hit_personal(hit, party),
            )
        except Conflict:
            continue  # decided meanwhile: a decision is final, nothing to lapse
        lapsed += 1
    return lapsed


def party_screen(
    *, actor: Actor, party: Organisation | Person | OrganisationRelation, state: IndexState | None = None
) -> ScreenResult:
    """Screen one party against every loaded list and update its hits.

    A dismissed hit is not raised again while both the party's screened data and the listed entity are
    unchanged; an open hit that no longer matches lapses, so a renamed party does not stay pending forever.
    Without an index for the current lists in this process (a web process never builds one) the party is
    left to the catch-up job and stays "not screened against the current lists" until then.
    """
    require(permissions.can_rescreen(actor.user) if actor.user else allow())
    state = state or current_index()
    if not state.ready:
        screening_catch_up_request()
        return ScreenResult(deferred=True)
    query = parties.party_query(party)
    matches = (
        state.index.screen(query, threshold=threshold(), limit=DEFAULT_LIMIT)
        if query is not None and state.index is not None
        else []
    )
    fp, query_json = parties.fingerprint(query), parties.query_data(query)
    party_type = parties.party_type_of(party)
    result = ScreenResult()
    with transaction.atomic():
        known = list(
            ScreeningHit.objects.filter(party_type=party_type, party_id=party.pk).exclude(status=HitStatus.LAPSED)
        )
        seen: set[tuple[str, str]] = set()
        for match in matches:
            entity = resolve(match.entity_id)
            if entity is None:
                continue
            seen.add((entity.watchlist.name, entity.entity_id))
            hit = _apply_match(actor, party, match, entity, known, fp, query_json)
            if hit is not None:
                result.raised.append(hit)
        stale = [h for h in known if h.status == HitStatus.OPEN and (h.list_name, h.entity_key) not in seen]
        result.lapsed = lapse_hits(actor, party, stale, _("No longer matches after a change of the party or the list."))
        PartyScreening.objects.update_or_create(
            party_type=party_type,
            party_id=party.pk,
            defaults={"fingerprint": fp, "lists_key": state.key, "screened_at": timezone.now()},
        )
    return result


def on_registry_party_changed(kind: str, obj: Any, actor: Actor) -> None:
    """Hook callback (core.hooks): screen the organisation or person the registry just saved."""
    model = Organisation if kind == "organisation" else Person if kind == "person" else None
    party = model.objects.filter(pk=obj.pk).first() if model is not None else None
    if party is not None:
        party_screen(actor=Actor.system("integrity.screening"), party=party)


def erase_party_personal_data(kind: str, pk: Any, actor: Actor) -> None:
    """GDPR erasure of a contact person: hits keep the decision and the listed entity, not the person's name."""
    if kind != PartyType.PERSON:
        return
    erased = _("[erased]")
    ScreeningHit.objects.filter(party_type=PartyType.PERSON, party_id=pk).update(
        party_label=erased, query={}, explanation=erased
    )


def _all_parties() -> list[Any]:
    orgs = list(Organisation.objects.order_by("pk"))
    people = list(Person.objects.filter(erased_at__isnull=True).order_by("pk"))
    relations = list(
        OrganisationRelation.objects.filter(party_organisation__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    )
    return [*orgs, *people, *relations]


def _run_create(actor: Actor, trigger: str) -> ScreeningRun:
    versions = dict(Watchlist.objects.values_list("name", "version"))
    run = ScreeningRun.objects.create(trigger=trigger, list_versions=versions, started_by=actor.label[:150])
    audit.record_change(
        actor=actor,
        action="screening_run.started",
        instance=run,
        before=None,
        after={"trigger": trigger, "list_versions": versions},
    )
    return run


def screening_run_start(*, actor: Actor, trigger: str = RunTrigger.RESCREEN) -> ScreeningRun:
    """Record a pending run and queue the job that performs it (after the caller's transaction commits); the
    request returns at once and the UI polls the run. ``run.job`` is the job (status, errors, attempts)."""
    require(permissions.can_rescreen(actor.user) if actor.user else allow())
    with transaction.atomic():
        run = _run_create(actor, trigger)
        run.job = job_enqueue(actor=actor, kind=RESCREEN_JOB, params={"run_id": run.pk})
        run.save(update_fields=["job"])
    return run


def screening_run_for_job(*, actor: Actor, job: Any, trigger: str) -> ScreeningRun:
    """A scheduled job has no run yet: it records one for itself."""
    require(permissions.can_rescreen(actor.user) if actor.user else allow())
    with transaction.atomic():
        run = _run_create(actor, trigger)
        run.job = job
        run.save(update_fields=["job"])
    return run


def _finish(actor: Actor, run: ScreeningRun, name: str, error: str = "") -> ScreeningRun:
    """The run's last transition (``finish`` or ``fail``), logged with its counters."""
    counters = {"total": run.total, "done": run.done}
    return workflow.transition(
        workflow=RUN_WORKFLOW,
        instance=run,
        name=name,
        actor=actor,
        fields={**counters, "error": error[:2000], "finished_at": timezone.now()},
        message=error,
        audit_after={**counters, "hits_raised": run.hits_raised, "hits_lapsed": run.hits_lapsed},
    )


def screening_run_fail(*, actor: Actor, run: ScreeningRun, reason: str) -> None:
    """Close a run that will not finish (its job failed, or its worker died with no attempt left)."""
    with transaction.atomic():
        current = ScreeningRun.objects.select_for_update().get(pk=run.pk)  # the worker's latest counters
        if current.is_active:  # already finished or failed: nothing to close
            _finish(actor, current, "fail", reason)


def _screened_during(run: ScreeningRun, key: str) -> set[tuple[str, int]]:
    """Parties already screened against these lists since the run began: a resumed run skips them."""
    if run.started_at is None:
        return set()
    rows = PartyScreening.objects.filter(lists_key=key, screened_at__gte=run.started_at)
    return set(rows.values_list("party_type", "party_id"))


def screening_run_execute(*, actor: Actor, run: ScreeningRun, progress: Progress | None = None) -> ScreeningRun:
    """Screen every organisation, person and free-name owner/director, saving progress as it goes.

    Each party commits together with the run's counters, so a poller sees progress and a crash keeps exactly
    what was done and counted. Run again on the same run (a retry, or a job resumed after its worker died), it
    continues: parties screened against the current lists since the run began are skipped. Failures are left to
    the caller (the job marks the run failed through :func:`screening_run_fail` when it gives up)."""
    require(permissions.can_rescreen(actor.user) if actor.user else allow())
    state = current_index(build=True)
    every = _all_parties()
    done_before = _screened_during(run, state.key)
    run = workflow.transition(
        workflow=RUN_WORKFLOW,
        instance=run,
        name="start",
        actor=actor,
        fields={"total": len(every), "started_at": run.started_at or timezone.now(), "error": ""},
    )
    for number, party in enumerate(every, start=1):
        if (parties.party_type_of(party), party.pk) not in done_before:
            with transaction.atomic():
                result = party_screen(actor=actor, party=party, state=state)
                run.hits_raised += len(result.raised)
                run.hits_lapsed += result.lapsed
                run.done = number
                run.save(update_fields=["done", "hits_raised", "hits_lapsed"])
        if progress is not None:
            progress(number, len(every))
    run.done = len(every)
    return _finish(actor, run, "finish")


def screening_catch_up_request() -> Job | None:
    """Queue one catch-up job unless one is already waiting (a burst of registry saves queues one job)."""
    if Job.objects.filter(kind=CATCH_UP_JOB, status=JobStatus.QUEUED).exists():
        return None
    return job_enqueue(actor=Actor.system("integrity.screening"), kind=CATCH_UP_JOB)


def _up_to_date(party: Any, key: str, known: dict[tuple[str, int], tuple[str, str]]) -> bool:
    screened = known.get((parties.party_type_of(party), party.pk))
    return screened is not None and screened == (key, parties.fingerprint(parties.party_query(party)))


def screening_catch_up(*, actor: Actor, progress: Progress | None = None) -> dict[str, int]:
    """Build the index if needed, then screen every party that is not screened against the current lists in
    its current state (saved while no index was available in the web process, or missed by a hook)."""
    require(permissions.can_rescreen(actor.user) if actor.user else allow())
    state = current_index(build=True)
    known = {
        (t, i): (k, f)
        for t, i, k, f in PartyScreening.objects.values_list("party_type", "party_id", "lists_key", "fingerprint")
    }
    every, screened, raised = _all_parties(), 0, 0
    for number, party in enumerate(every, start=1):
        if not _up_to_date(party, state.key, known):
            raised += len(party_screen(actor=actor, party=party, state=state).raised)
            screened += 1
        if progress is not None:
            progress(number, len(every))
    return {"parties": len(every), "screened": screened, "hits_raised": raised}
