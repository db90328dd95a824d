"""API actions that end an organisation's active life: archive, restore, dismiss a possible duplicate, merge.

The organisations come through the delete scope (``restrict(user, "delete")``: the liaison office), so absent,
invisible and not-yours are the same 404 and the API never confirms a record the caller may not act on."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import WRITE_ERRORS, actor_for
from liaison.core.scoping import Action
from liaison.registry import archiving, selectors
from liaison.registry.models import Organisation

ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description="Organisation id")
OTHER = OpenApiParameter("other_pk", int, OpenApiParameter.PATH, description="Id of the flagged possible duplicate")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MergeInputSerializer(serializers.Serializer):
    other = serializers.IntegerField(help_text="The organisation merged into this one (it is archived).")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ArchiveStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    archived_at = serializers.DateTimeField(allow_null=True)
    archive_reason = serializers.CharField()
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)


class MergeResultSerializer(serializers.Serializer):
    survivor = serializers.IntegerField(source="survivor.pk")
    archived = serializers.IntegerField(source="archived.pk")
    moved = serializers.DictField(child=serializers.IntegerField(), help_text="Records moved, by kind.")


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _organisation(request: Request, pk: Any) -> Organisation:
    return selectors.organisation_for(viewer=request.user, pk=pk, action=Action.DELETE)


@extend_schema(tags=["organisations"], parameters=[ID])
class OrganisationArchiveView(APIView):
    """Archive an organisation (liaison office): hidden from lists and search, its history kept."""

    @extend_schema(request=ReasonSerializer, responses={200: ArchiveStateSerializer, **WRITE_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        org, data = _organisation(request, pk), _valid(ReasonSerializer, request.data)
        org = archiving.organisation_archive(actor=actor_for(request), organisation=org, reason=data["reason"])
        return Response(ArchiveStateSerializer(org).data)


@extend_schema(tags=["organisations"], parameters=[ID])
class OrganisationRestoreView(APIView):
    """Bring an archived organisation back (liaison office)."""

    @extend_schema(request=None, responses={200: ArchiveStateSerializer, **WRITE_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        org = _organisation(request, pk)
        org = archiving.organisation_restore(actor=actor_for(request), organisation=org)
        return Response(ArchiveStateSerializer(org).data)


@extend_schema(tags=["organisations"], parameters=[ID, OTHER])
class DuplicateDismissView(APIView):
    """Declare a flagged pair different companies; the pair is not flagged again (liaison office)."""

    @extend_schema(request=ReasonSerializer, responses={204: None, **WRITE_ERRORS})
    def post(self, request: Request, pk: int, other_pk: int) -> Response:
        org, other = _organisation(request, pk), _organisation(request, other_pk)
        data = _valid(ReasonSerializer, request.data)
        archiving.duplicate_dismiss(actor=actor_for(request), organisation=org, other=other, reason=data["reason"])
        return Response(status=204)


@extend_schema(tags=["organisations"], parameters=[ID])
class OrganisationMergeView(APIView):
    """Merge ``other`` into this organisation (liaison office): its records move here, it is archived."""

    @extend_schema(request=MergeInputSerializer, responses={200: MergeResultSerializer, **WRITE_ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        survivor, data = _organisation(request, pk), _valid(MergeInputSerializer, request.data)
        other = _organisation(request, data["other"])
        result = archiving.organisation_merge(
            actor=actor_for(request), survivor=survivor, other=other, reason=data["reason"]
        )
        return Response(MergeResultSerializer(result).data)
