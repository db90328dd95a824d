"""Reads across the platform: dashboard figures and the audit trail (auditors and administrators only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from liaison.core.models import AuditEntry


def can_view_audit(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role("auditor", "administrator")))


def audit_entries(*, viewer: Any, filters: Mapping[str, Any]) -> QuerySet[AuditEntry]:
    if not can_view_audit(viewer):
        raise Http404
    qs = AuditEntry.objects.all().order_by("-sequence")
    if filters.get("action"):
        qs = qs.filter(action__startswith=str(filters["action"])[:64])
    if filters.get("object_type"):
        qs = qs.filter(object_type=str(filters["object_type"])[:64])
    if filters.get("correlation_id"):
        qs = qs.filter(correlation_id=str(filters["correlation_id"])[:64])
    return qs


def dashboard_figures(*, viewer: Any) -> dict[str, Any]:
    from liaison.registry.models import Organisation, Product

    orgs = Organisation.objects.visible_to(viewer)
    by_country = dict(orgs.values_list("country").annotate(n=Count("pk")).values_list("country", "n"))
    return {
        "organisation_count": orgs.count(),
        "by_country": sorted(by_country.items(), key=lambda kv: -kv[1]),
        "product_count": Product.objects.filter(organisation__in=orgs.values("pk")).count(),
        "my_organisations": list(
            Organisation.objects.filter(memberships__user=viewer).order_by("legal_name")
        ),
        "recent_audit": list(AuditEntry.objects.order_by("-sequence")[:10]) if can_view_audit(viewer) else [],
    }
