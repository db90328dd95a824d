"""The shape of a policy decision. Domain rules live in each app's permissions.py as ``can_<verb>_<entity>``."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404


@dataclass(frozen=True)
class Decision:
    """Allowed or not, and why: the UI shows the reason where a button is missing."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str = "") -> Decision:
    return Decision(True, reason)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


class PermissionDeniedError(Exception):
    """Raised by services when the actor may not perform the action; views map it to 403 (or 404 to hide)."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


def require(decision: Decision) -> None:
    if not decision:
        raise PermissionDeniedError(decision)


def not_found() -> Http404:
    """Absent and forbidden look the same to the client."""
    return Http404("not found")
