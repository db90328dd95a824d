"""Template context every page needs: the navigation the user may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset()}
    return {
        "nav_roles": user.role_names(),
        "nav_can_audit": user.is_superuser or user.has_role("auditor", "administrator"),
        "nav_can_import": user.is_superuser or user.has_role("administrator", "liaison_officer"),
        "nav_is_admin": user.is_administrator,
    }
