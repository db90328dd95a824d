"""Reads across the platform: dashboard figures and the audit trail (auditors and administrators only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from liaison.core import hooks
from liaison.core.errors import NotFound
from liaison.core.models import AuditEntry
from liaison.core.types import Viewer


def can_view_audit(user: Viewer) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role("auditor", "administrator")))


def audit_entries(*, viewer: Viewer, filters: Mapping[str, Any]) -> QuerySet[AuditEntry]:
    if not can_view_audit(viewer):
        raise NotFound()
    qs = AuditEntry.objects.select_related("personal_part").order_by("-sequence")
    if filters.get("action"):
        qs = qs.filter(action__startswith=str(filters["action"])[:64])
    if filters.get("object_type"):
        qs = qs.filter(object_type=str(filters["object_type"])[:64])
    if filters.get("correlation_id"):
        qs = qs.filter(correlation_id=str(filters["correlation_id"])[:64])
    return qs


def dashboard_figures(*, viewer: Viewer) -> dict[str, Any]:
    """The apps' figures (registered in core.hooks, each scoped to the viewer) and, for auditors, recent changes."""
    return {
        **hooks.dashboard_figures(viewer),
        "recent_audit": (
            list(AuditEntry.objects.select_related("personal_part").order_by("-sequence")[:10])
            if can_view_audit(viewer)
            else []
        ),
    }
