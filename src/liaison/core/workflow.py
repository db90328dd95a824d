"""Workflows as data (Hypha's ``workflow.py``): a model's states, the transitions between them and who may take
each are declared in one table; :func:`transition` is the one service that moves an object and logs the move.

Declare a workflow next to the model's choices and call it from the app's services::

    HIT_WORKFLOW = Workflow(
        "screening_hit",
        states=HitStatus,
        transitions=[
            Transition("confirm", {HitStatus.OPEN}, HitStatus.CONFIRMED, allowed=can_decide_hit),
            Transition("lapse", {HitStatus.OPEN}, HitStatus.LAPSED),  # the screening process itself
        ],
    )
    hit = transition(workflow=HIT_WORKFLOW, instance=hit, name="confirm", actor=actor, fields={"reason": r})

``transition`` locks the row, refuses a transition the current state does not allow (:class:`Conflict`: someone
else moved it first) or the actor may not take (:class:`PermissionDenied` with the predicate's reason), writes
the new state and the given fields, and records ``<workflow>.<target state>`` in the audit trail, all in one
transaction. ``allowed=None`` means the transition is taken by the platform's own processes (a screening run
lapsing a hit), whose callers have authorised the operation as a whole. Needs, proposals and contracts are
meant to declare their stage machines the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.errors import Conflict, PermissionDenied
from liaison.core.permissions import Decision, allow

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str] | set[str]
    target: str
    allowed: Callable[[Any], Decision] | None = None  # (user) -> Decision; None: the platform's processes

    def permits(self, actor: Actor) -> Decision:
        """Users need the predicate; a system actor (no user) may take every transition."""
        if self.allowed is None or actor.user is None:
            return allow()
        return self.allowed(actor.user)


@dataclass(frozen=True)
class Workflow:
    """States (a TextChoices), transitions by name, and the model field that holds the state."""

    name: str
    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    state_field: str = "status"
    by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {t.name: t for t in self.transitions}
        valid = set(self.states.values)
        for t in table.values():
            unknown = {*t.sources, t.target} - valid
            if unknown:
                raise ValueError(f"workflow {self.name}: transition {t.name} names unknown states {sorted(unknown)}")
        object.__setattr__(self, "transitions", tuple(table.values()))
        object.__setattr__(self, "by_name", table)

    def get(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise ValueError(f"workflow {self.name} has no transition {name!r}") from None

    def state_of(self, instance: models.Model) -> str:
        return str(getattr(instance, self.state_field))

    def available(self, instance: models.Model, actor: Actor) -> list[Transition]:
        """The transitions ``actor`` may take from the instance's current state (for buttons in the UI)."""
        state = self.state_of(instance)
        return [t for t in self.transitions if state in t.sources and t.permits(actor)]

    def for_target(self, target: str) -> Transition:
        """The one transition that ends in ``target`` (e.g. a decision given as the resulting state)."""
        found = [t for t in self.transitions if t.target == target]
        if len(found) != 1:
            raise ValueError(f"workflow {self.name}: {len(found)} transitions end in {target!r}")
        return found[0]


def transition(
    *,
    workflow: Workflow,
    instance: _M,
    name: str,
    actor: Actor,
    fields: Mapping[str, Any] | None = None,
    message: str = "",
    audit_after: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
) -> _M:
    """Move ``instance`` along the transition ``name`` and log it; ``instance`` is updated in place and returned.

    ``fields`` are written together with the state (a reason, the reviewer, a timestamp); ``audit_after`` adds
    to the logged state (never personal data: that goes in ``personal``, outside the hash chain)."""
    step = workflow.get(name)
    decision = step.permits(actor)
    if not decision:
        raise PermissionDenied(decision)
    model = type(instance)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=instance.pk)
        before = workflow.state_of(locked)
        if before not in step.sources:
            raise Conflict(
                _("This cannot be done any more: the record is now “%(state)s”.")
                % {"state": workflow.states(before).label}
            )
        setattr(locked, workflow.state_field, step.target)
        for key, value in (fields or {}).items():
            setattr(locked, key, value)
        locked.save(update_fields=[workflow.state_field, *(fields or {})])
        audit.record_change(
            actor=actor,
            action=f"{workflow.name}.{step.target}",
            instance=locked,
            before={workflow.state_field: before},
            after={**(audit_after or {}), workflow.state_field: step.target},
            message=message[:500],
            personal=personal,
        )
    # The caller's object follows the row (callers keep using it, e.g. a run's counters during screening).
    for name_ in (workflow.state_field, *(fields or {})):
        setattr(instance, name_, getattr(locked, name_))
    return instance
