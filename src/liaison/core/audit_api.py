"""The audit trail over the API: read-only, newest first, for auditors and administrators (404 for others)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets

from liaison.core import selectors
from liaison.core.api import LIST_ERRORS
from liaison.core.models import AUDIT_COLUMNS, AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    """The chained columns and the labels the chain covers through ``personal_digest`` (empty once erased);
    personal data of people stays with the GDPR export, not in bulk reads."""

    actor_label = serializers.CharField(read_only=True)
    object_repr = serializers.CharField(read_only=True)

    class Meta:
        model = AuditEntry
        fields = list(AUDIT_COLUMNS)


_AUDIT_FILTERS = [
    OpenApiParameter("action", str, description="Action prefix, e.g. `organisation.`"),
    OpenApiParameter("object_type", str, description="e.g. `registry.organisation`"),
    OpenApiParameter("correlation_id", str, description="All entries of one request, command or job."),
]


@extend_schema(tags=["audit"])
class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail, newest first. Auditors and administrators only; everyone else gets 404."""

    serializer_class = AuditEntrySerializer
    filter_backends: list[Any] = []
    queryset = AuditEntry.objects.none()  # for the schema; requests go through the selector

    def get_queryset(self) -> Any:
        return selectors.audit_entries(viewer=self.request.user, filters=self.request.query_params)

    @extend_schema(parameters=_AUDIT_FILTERS, responses={200: AuditEntrySerializer(many=True), **LIST_ERRORS})
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().list(request, *args, **kwargs)
