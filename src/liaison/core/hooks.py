"""A tiny hook registry: "a registry party changed" without the registry knowing who listens.

Why not signals: the house rule keeps signals for framework glue, and business reactions (screening a new
organisation against the watchlists) must be explicit and visible. Why not a direct call: the registry must
not import the apps that build on it (integrity, matching …). So a service announces the change here, and the
listening app registers its callback once in ``AppConfig.ready()``.

Callbacks run after the surrounding transaction commits (``transaction.on_commit``): they never see a change
that is later rolled back, and a failing listener cannot undo the registry write. They are "robust": an
exception is logged, not raised into the user's request — listeners must therefore make a missed run visible
themselves (integrity treats a party whose screening is out of date as "pending review").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

from liaison.core.actors import Actor
from liaison.core.types import Viewer

PartyCallback = Callable[[str, Any, Actor], None]

_party_callbacks: list[PartyCallback] = []


def on_party_changed(callback: PartyCallback) -> PartyCallback:
    """Register ``callback(kind, obj, actor)``; registering the same callback twice has no effect."""
    if callback not in _party_callbacks:
        _party_callbacks.append(callback)
    return callback


def party_changed(kind: str, obj: Any, actor: Actor) -> None:
    """Announce that a party (``kind`` "organisation" or "person") was created or changed."""
    for callback in list(_party_callbacks):
        transaction.on_commit(_bound(callback, kind, obj, actor), robust=True)


def _bound(callback: PartyCallback, kind: str, obj: Any, actor: Actor) -> Callable[[], None]:
    # A named closure, not functools.partial: Django logs a failing robust callback by its __qualname__.
    def run_party_callback() -> None:
        callback(kind, obj, actor)

    run_party_callback.__qualname__ = getattr(callback, "__qualname__", "party_callback")
    return run_party_callback


ErasureCallback = Callable[[str, Any, Actor], None]
_erasure_callbacks: list[ErasureCallback] = []


def on_personal_data_erased(callback: ErasureCallback) -> ErasureCallback:
    """Register ``callback(kind, pk, actor)``: blank every copy of the party's personal data the app keeps."""
    if callback not in _erasure_callbacks:
        _erasure_callbacks.append(callback)
    return callback


def personal_data_erased(kind: str, pk: Any, actor: Actor) -> None:
    """Announce a GDPR erasure. Unlike :func:`party_changed` this runs at once, inside the caller's transaction:
    an erasure either removes every copy or none."""
    for callback in list(_erasure_callbacks):
        callback(kind, pk, actor)


DashboardCallback = Callable[[Any], Mapping[str, Any]]
_dashboard_callbacks: list[DashboardCallback] = []


def on_dashboard(callback: DashboardCallback) -> DashboardCallback:
    """Register ``callback(viewer)`` returning the figures an app adds to the dashboard (already scoped to
    ``viewer``): core draws the page but knows no domain model."""
    if callback not in _dashboard_callbacks:
        _dashboard_callbacks.append(callback)
    return callback


def dashboard_figures(viewer: Viewer) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for callback in list(_dashboard_callbacks):
        figures.update(callback(viewer))
    return figures


MergeCallback = Callable[[Any, Any, Actor], Mapping[str, int]]
_merge_callbacks: list[MergeCallback] = []


def on_organisations_merged(callback: MergeCallback) -> MergeCallback:
    """Register ``callback(survivor, other, actor)``: move the app's references from ``other`` onto ``survivor``
    (auditing each) and return how many of each kind moved."""
    if callback not in _merge_callbacks:
        _merge_callbacks.append(callback)
    return callback


def organisations_merged(survivor: Any, other: Any, actor: Actor) -> dict[str, int]:
    """Announce a merge. Runs at once, inside the merging transaction: every reference moves, or none."""
    moved: dict[str, int] = {}
    for callback in list(_merge_callbacks):
        for kind, count in callback(survivor, other, actor).items():
            moved[kind] = moved.get(kind, 0) + count
    return moved
