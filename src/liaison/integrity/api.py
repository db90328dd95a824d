"""The integrity REST API: watchlists (list, upload), hits (list, decide), clearance of an organisation, and
owners/directors. Reads through the selectors, writes through the services; forbidden looks like absent (404).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import (
    CONFLICT,
    IF_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    VERSIONED_WRITE_ERRORS,
    WRITE_ERRORS,
    actor_for,
    expected_version,
    with_etag,
)
from liaison.core.idempotency import IDEMPOTENCY_KEY, KEY_REUSED, idempotent
from liaison.core.pagination import BoundedLimitOffsetPagination, paging_parameters
from liaison.core.scoping import Action
from liaison.integrity import selectors, services
from liaison.integrity.choices import ClearanceStatus, HitDecision, RelationKind
from liaison.integrity.models import OrganisationRelation, ScreeningHit, ScreeningRun, Watchlist
from liaison.jobs.api import JobSerializer
from liaison.registry.api_serializers import version_input

ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
TAGS = ["integrity"]


class WatchlistSerializer(serializers.ModelSerializer):
    class Meta:
        model = Watchlist
        fields = ["id", "name", "version", "loaded_at", "entity_count", "sha256"]


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScreeningRun
        fields = [
            "id",
            "trigger",
            "status",
            "total",
            "done",
            "hits_raised",
            "hits_lapsed",
            "list_versions",
            "error",
            "job",
            "started_at",
            "finished_at",
        ]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    source = serializers.CharField(max_length=100)  # type: ignore[assignment]  # the API's name; DRF allows it
    version = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ImportedSerializer(serializers.Serializer):
    watchlist = WatchlistSerializer()
    run = RunSerializer(allow_null=True)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()


class HitSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", default="", read_only=True)

    class Meta:
        model = ScreeningHit
        fields = [
            "id",
            "party_type",
            "party_id",
            "party_label",
            "organisation",
            "query",
            "list_name",
            "list_version",
            "entity_key",
            "entity_caption",
            "matched_name",
            "score",
            "explanation",
            "via_chain",
            "status",
            "reviewer",
            "reason",
            "decided_at",
            "created_at",
        ]


class HitPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HitSerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=HitDecision.choices)
    reason = serializers.CharField(max_length=2000)


class ClearanceSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ClearanceStatus.values)
    reasons = serializers.ListField(child=serializers.CharField())


class RelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationRelation
        fields = [
            "id",
            "version",
            "organisation",
            "kind",
            "party_organisation",
            "name",
            "is_company",
            "birth_date",
            "country",
            "registration_number",
            "share_percent",
            "since",
            "until",
        ]


class RelationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    party_organisation_id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    is_company = serializers.BooleanField(required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    registration_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    since = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)
    version = version_input()


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class WatchlistView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=TAGS, responses={200: WatchlistSerializer(many=True), **READ_ERRORS})
    def get(self, request: Request) -> Response:
        """The loaded lists with version, entity count and checksum."""
        return Response(WatchlistSerializer(selectors.watchlist_list(viewer=request.user), many=True).data)

    @extend_schema(
        tags=TAGS,
        request=UploadSerializer,
        responses={201: ImportedSerializer, 202: JobSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        """Import or replace a list. The rescreen of every party is queued (``run``, pending): follow it at
        ``/api/jobs/{run.job}/``. A file above ``LIAISON_WATCHLIST_SYNC_MAX_BYTES`` is not read here: the answer
        is 202 with the import's job (``/api/jobs/{id}/``); its ``result`` names the rescreen job."""
        data = _valid(UploadSerializer, request.data)
        if services.watchlist_import_is_large(data["file"].size):
            job = services.watchlist_import_enqueue(
                actor=actor_for(request),
                raw=data["file"].read(),
                filename=data["file"].name,
                source=data["source"],
                version=data.get("version") or None,
            )
            return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        result = services.watchlist_import(
            actor=actor_for(request),
            path_or_bytes=data["file"].read(),
            filename=data["file"].name,
            source=data["source"],
            version=data.get("version") or None,
        )
        return Response(ImportedSerializer(result).data, status=status.HTTP_201_CREATED)


class HitListView(APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("status", str, description="open (default), confirmed, dismissed, lapsed or all"),
            OpenApiParameter("list", str, description="only hits on this list"),
            *paging_parameters(),
        ],
        responses={200: HitPageSerializer, **LIST_ERRORS},
    )
    def get(self, request: Request) -> Response:
        """The review queue (compliance officers, administrators, auditors)."""
        hits = selectors.hit_list(viewer=request.user, filters=request.query_params)
        paginator = BoundedLimitOffsetPagination()
        page = paginator.paginate_queryset(hits, request, view=self)
        return paginator.get_paginated_response(HitSerializer(page, many=True).data)


class HitDecideView(APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[ID],
        request=DecisionSerializer,
        responses={200: HitSerializer, **WRITE_ERRORS, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Confirm or dismiss an open hit, with a reason. Of two decisions at once one wins; the other is
        refused with 409 and the status the hit has now."""
        hit = selectors.hit_get(viewer=request.user, pk=pk, action=Action.CHANGE)
        data = _valid(DecisionSerializer, request.data)
        hit = services.hit_decide(actor=actor_for(request), hit=hit, **data)
        return Response(HitSerializer(hit).data)


class ClearanceView(APIView):
    @extend_schema(tags=TAGS, parameters=[ID], responses={200: ClearanceSerializer, **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """cleared / blocked / pending_review / not_screened, with reasons; staff only."""
        org, clearance = selectors.organisation_clearance(viewer=request.user, pk=pk)
        return Response({"organisation": org.pk, "status": clearance.status, "reasons": clearance.reasons})


class RelationListView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAGS, parameters=[ID], responses={200: RelationSerializer(many=True), **READ_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """Owners and directors of an organisation."""
        org = selectors.organisation_for_relations(viewer=request.user, pk=pk)
        return Response(RelationSerializer(selectors.relations_of(org), many=True).data)

    @extend_schema(
        tags=TAGS,
        parameters=[ID, IDEMPOTENCY_KEY],
        request=RelationInputSerializer,
        responses={201: RelationSerializer, **WRITE_ERRORS, 422: KEY_REUSED},
    )
    def post(self, request: Request, pk: int) -> Response:
        org = selectors.organisation_for_relations(viewer=request.user, pk=pk)
        return idempotent(request, lambda: self._create(request, org))

    def _create(self, request: Request, org: Any) -> Response:
        data = _valid(RelationInputSerializer, request.data)
        data.pop("version", None)
        rel = services.relation_save(actor=actor_for(request), organisation=org, data=data)
        return with_etag(Response(RelationSerializer(rel).data, status=status.HTTP_201_CREATED), rel)


class RelationDetailView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=TAGS,
        parameters=[ID, IF_MATCH],
        request=RelationInputSerializer,
        responses={200: RelationSerializer, **VERSIONED_WRITE_ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        """Replace an owner or director. Send the `version` from the list (or `If-Match: "<version>"`) so that
        a change saved by someone else since is refused instead of overwritten."""
        rel = selectors.relation_for_edit(viewer=request.user, pk=pk)
        data = _valid(RelationInputSerializer, request.data)
        version = expected_version(request, rel, data.pop("version", None))
        rel = services.relation_save(
            actor=actor_for(request),
            organisation=rel.organisation,
            data=data,
            relation=rel,
            expected_version=version,
        )
        return with_etag(Response(RelationSerializer(rel).data), rel)

    @extend_schema(
        tags=TAGS,
        parameters=[ID, IF_MATCH],
        responses={204: None, **READ_ERRORS, 409: CONFLICT, 412: VERSIONED_WRITE_ERRORS[412]},
    )
    def delete(self, request: Request, pk: int) -> Response:
        rel = selectors.relation_for_edit(viewer=request.user, pk=pk)
        version = expected_version(request, rel)
        services.relation_delete(actor=actor_for(request), relation=rel, expected_version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)
