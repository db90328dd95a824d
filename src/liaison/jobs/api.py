"""Jobs over the API: read-only, scoped like the pages (your own jobs; administrators and auditors all)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets

from liaison.core.api import READ_ERRORS
from liaison.jobs import selectors
from liaison.jobs.choices import JobStatus
from liaison.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    started_by = serializers.CharField(source="actor_label", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "params",
            "progress_done",
            "progress_total",
            "percent",
            "message",
            "error",
            "result",
            "started_by",
            "attempts",
            "max_attempts",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ]
        read_only_fields = fields


_FILTERS = [
    OpenApiParameter("status", str, enum=JobStatus.values),
    OpenApiParameter("kind", str, description="e.g. `integrity.rescreen`"),
]


@extend_schema(tags=["jobs"])
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background jobs, newest first: status, progress, error and result. Poll a job until it is finished."""

    serializer_class = JobSerializer
    filter_backends: list[Any] = []
    queryset = Job.objects.none()  # for the schema; requests go through the selector

    def get_queryset(self) -> Any:
        return selectors.job_list(viewer=self.request.user, filters=self.request.query_params)

    @extend_schema(parameters=_FILTERS, responses={200: JobSerializer(many=True), **READ_ERRORS})
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: JobSerializer, **READ_ERRORS})
    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().retrieve(request, *args, **kwargs)
