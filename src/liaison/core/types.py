"""Types the apps share. ``Viewer`` is whoever a selector reads for or a permission predicate judges: a signed-in
user or the anonymous one. Predicates narrow it (``is_authenticated`` or an ``isinstance`` check) before asking a
user-only question such as ``has_role``, so an anonymous request cannot reach one by accident."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from liaison.accounts.models import User

# A string so that importing this module loads no models (core's import-time code must not need the app registry).
Viewer: TypeAlias = "User | AnonymousUser"


def signed_in(user: Viewer) -> TypeGuard[User]:
    """An active, authenticated user — not the anonymous one, not a deactivated account. Being a ``TypeGuard``,
    it narrows ``user`` to ``User`` where it holds, so user-only questions (``has_role``) type-check only there."""
    return bool(user.is_authenticated and user.is_active)
