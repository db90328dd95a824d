"""The shape of a policy decision. Domain rules live in each app's permissions.py as ``can_<verb>_<entity>``."""

from __future__ import annotations

from dataclasses import dataclass

from liaison.core import errors


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


# The domain error a refused decision raises (core/errors.py); the old name stays for existing imports.
PermissionDeniedError = errors.PermissionDenied


def require(decision: Decision) -> None:
    if not decision:
        raise errors.PermissionDenied(decision)

