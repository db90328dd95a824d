"""The registry's REST API. Reads go through the selectors (so a company sees only what is shared with it),
writes through the services (so they are validated, permission-checked and audited); serializers only validate
input and shape output. Objects are looked up in the viewer's scope for the action (view for reads, change for
writes), so a denial on an existing object answers 404 like an absent one; domain errors become responses in
core.api.exception_handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import (
    CONFLICT,
    ETAG_HEADER,
    IF_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    VERSIONED_WRITE_ERRORS,
    WRITE_ERRORS,
    ErrorSerializer,
    actor_for,
    expected_version,
    with_etag,
)
from liaison.core.errors import NotFound
from liaison.core.idempotency import IDEMPOTENCY_KEY, KEY_REUSED, idempotent
from liaison.core.pagination import BoundedLimitOffsetPagination
from liaison.core.scoping import Action
from liaison.core.types import Viewer
from liaison.registry import selectors, services
from liaison.registry.api_serializers import (
    CertificationInputSerializer,
    CertificationSerializer,
    MeSerializer,
    OrganisationCardSerializer,
    OrganisationCreatedSerializer,
    OrganisationDetailSerializer,
    OrganisationInputSerializer,
    PersonErasureSerializer,
    PersonExportSerializer,
    PersonInputSerializer,
    PersonSerializer,
    ProductInputSerializer,
    ProductSerializer,
    TechnologyFieldInputSerializer,
    TechnologyFieldSerializer,
)
from liaison.registry.models import Organisation, Person, TechnologyField

ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
ORGANISATION_ID = OpenApiParameter("organisation_pk", int, OpenApiParameter.PATH, description="Organisation id")
ORGANISATION_FILTERS = [
    OpenApiParameter("q", str, description="Name search across scripts and transliterations; ranks results."),
    OpenApiParameter("country", str, description="ISO country code, e.g. `DE`, `UA`."),
    OpenApiParameter("technology_field", str, description="Technology field code; includes sub-fields."),
    OpenApiParameter("role", str, description="Organisation role, e.g. `series_production`."),
    OpenApiParameter("certification", str, description="Certification standard, e.g. `AQAP 2110`."),
    OpenApiParameter("archived", bool, description="Staff only: the archived organisations instead of the active."),
]


def _card(viewer: Viewer, organisation: Organisation) -> dict[str, Any]:
    return OrganisationCardSerializer(selectors.organisation_card(viewer=viewer, organisation=organisation)).data


@extend_schema(tags=["organisations"])
@extend_schema_view(
    list=extend_schema(
        parameters=ORGANISATION_FILTERS, responses={200: OrganisationCardSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(parameters=[ID, ETAG_HEADER], responses={200: OrganisationDetailSerializer, **READ_ERRORS}),
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=OrganisationInputSerializer,
        responses={201: OrganisationCreatedSerializer, **WRITE_ERRORS, 409: CONFLICT, 422: KEY_REUSED},
    ),
    partial_update=extend_schema(
        parameters=[ID, IF_MATCH, ETAG_HEADER],
        request=OrganisationInputSerializer,
        responses={200: OrganisationCardSerializer, **VERSIONED_WRITE_ERRORS},
    ),
)
class OrganisationViewSet(viewsets.ViewSet):
    """Organisations the caller may see, each reduced to the field groups shared with the caller."""

    lookup_value_regex = r"\d+"
    pagination_class = BoundedLimitOffsetPagination

    def list(self, request: Request) -> Response:
        filters = selectors.OrganisationFilters.from_mapping(request.query_params)
        paginator = self.pagination_class()
        if filters.q:
            # Rank ids, then load only the page returned.
            ranked = selectors.organisation_ranked_ids(viewer=request.user, filters=filters)
            # LimitOffsetPagination slices any sequence; the stubs ask for a queryset.
            shown: list[int] | None = paginator.paginate_queryset(ranked, request, view=self)  # type: ignore[arg-type]
            page = selectors.organisations_in_order(shown or [])
        else:
            rows = selectors.organisation_list(viewer=request.user, filters=filters).order_by("legal_name", "pk")
            page = paginator.paginate_queryset(rows, request, view=self) or []
        prefetch_related_objects(page, "technology_fields")
        # One serializer for the page, not one per row: per-row serializers made garbage-collection spikes.
        cards = [selectors.organisation_card(viewer=request.user, organisation=org) for org in page]
        return paginator.get_paginated_response(OrganisationCardSerializer(cards, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        org = selectors.organisation_get(viewer=request.user, pk=pk)
        viewer = request.user
        data = {
            **selectors.organisation_card(viewer=viewer, organisation=org),
            "products": selectors.products_visible(viewer=viewer, organisation=org),
            "certifications": selectors.certifications_visible(viewer=viewer, organisation=org),
            "people": selectors.people_visible(viewer=viewer, organisation=org),
        }
        return with_etag(Response(OrganisationDetailSerializer(data).data), org)

    def create(self, request: Request) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = _validated(OrganisationInputSerializer, request.data, partial=False)
        data.pop("version", None)
        result = services.organisation_create(actor=actor_for(request), data=data)
        visible = set(
            Organisation.objects.visible_to(request.user)
            .filter(pk__in=[o.pk for o in result.possible_duplicates])
            .values_list("pk", flat=True)
        )
        body = {
            **_card(request.user, result.organisation),
            "possible_duplicates": sorted(o.pk for o in result.possible_duplicates if o.pk in visible),
        }
        response = Response(OrganisationCreatedSerializer(body).data, status=status.HTTP_201_CREATED)
        return with_etag(response, result.organisation)

    def partial_update(self, request: Request, pk: str) -> Response:
        org = selectors.organisation_for_edit(viewer=request.user, pk=pk)
        data = _validated(OrganisationInputSerializer, request.data, partial=True)
        expected = expected_version(request, org, data.pop("version", None))
        result = services.organisation_update(
            actor=actor_for(request), organisation=org, data=data, expected_version=expected
        )
        fresh = selectors.organisation_get(viewer=request.user, pk=result.organisation.pk)
        return with_etag(Response(_card(request.user, fresh)), fresh)


def _validated(serializer_class: type[serializers.Serializer], data: Any, *, partial: bool) -> dict[str, Any]:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _OrganisationChildViewSet(viewsets.ViewSet):
    """Products, certifications and people of one organisation: read as the organisation card allows (a group
    that is not shared lists empty and its items are 404), written through the organisation's services."""

    lookup_value_regex = r"\d+"
    related_name: str
    output: type[serializers.Serializer]
    input: type[serializers.Serializer]

    def _organisation(self) -> Organisation:
        return selectors.organisation_get(viewer=self.request.user, pk=self.kwargs["organisation_pk"])

    def _organisation_for_edit(self) -> Organisation:
        return selectors.organisation_for_edit(viewer=self.request.user, pk=self.kwargs["organisation_pk"])

    def _get_for_edit(self, organisation: Organisation, pk: str) -> Any:
        viewer, related_name = self.request.user, self.related_name
        return selectors.child_get(viewer=viewer, organisation=organisation, related_name=related_name, pk=pk)

    def _visible(self, organisation: Organisation) -> list[Any]:
        raise NotImplementedError

    def _save(
        self, organisation: Organisation, data: dict[str, Any], instance: Any = None, version: int | None = None
    ) -> Any:
        raise NotImplementedError

    def _get(self, organisation: Organisation, pk: str) -> Any:
        found = next((item for item in self._visible(organisation) if str(item.pk) == pk), None)
        if found is None:
            raise NotFound()
        return found

    def list(self, request: Request, organisation_pk: str) -> Response:
        return Response(self.output(self._visible(self._organisation()), many=True).data)

    def retrieve(self, request: Request, organisation_pk: str, pk: str) -> Response:
        instance = self._get(self._organisation(), pk)
        return with_etag(Response(self.output(instance).data), instance)

    def create(self, request: Request, organisation_pk: str) -> Response:
        organisation = self._organisation_for_edit()
        return idempotent(request, lambda: self._create(request, organisation))

    def _create(self, request: Request, organisation: Organisation) -> Response:
        data = _validated(self.input, request.data, partial=False)
        data.pop("version", None)
        instance = self._save(organisation, data)
        return with_etag(Response(self.output(instance).data, status=status.HTTP_201_CREATED), instance)

    def partial_update(self, request: Request, organisation_pk: str, pk: str) -> Response:
        organisation = self._organisation_for_edit()
        instance = self._get_for_edit(organisation, pk)
        data = _validated(self.input, request.data, partial=True)
        version = expected_version(request, instance, data.pop("version", None))
        instance = self._save(organisation, data, instance, version)
        return with_etag(Response(self.output(instance).data), instance)

    def _destroy(self, request: Request, pk: str, delete: Callable[..., None]) -> Response:
        instance = self._get_for_edit(self._organisation_for_edit(), pk)
        delete(actor_for(request), instance, expected_version(request, instance))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _child_schema(output: Any, input_: Any, tag: str, *, deletable: bool = True) -> Any:
    destroy = (
        {
            "destroy": extend_schema(
                tags=[tag],
                parameters=[ORGANISATION_ID, ID, IF_MATCH],
                responses={204: None, **READ_ERRORS, 409: CONFLICT, 412: VERSIONED_WRITE_ERRORS[412]},
            )
        }
        if deletable
        else {}
    )
    return extend_schema_view(
        list=extend_schema(tags=[tag], parameters=[ORGANISATION_ID], responses={200: output(many=True), **READ_ERRORS}),
        retrieve=extend_schema(
            tags=[tag], parameters=[ORGANISATION_ID, ID, ETAG_HEADER], responses={200: output, **READ_ERRORS}
        ),
        create=extend_schema(
            tags=[tag],
            parameters=[ORGANISATION_ID, IDEMPOTENCY_KEY],
            request=input_,
            responses={201: output, **WRITE_ERRORS, 422: KEY_REUSED},
        ),
        partial_update=extend_schema(
            tags=[tag],
            parameters=[ORGANISATION_ID, ID, IF_MATCH, ETAG_HEADER],
            request=input_,
            responses={200: output, **VERSIONED_WRITE_ERRORS},
        ),
        **destroy,
    )


@_child_schema(ProductSerializer, ProductInputSerializer, "products")
class ProductViewSet(_OrganisationChildViewSet):
    output, input, related_name = ProductSerializer, ProductInputSerializer, "products"

    def _visible(self, organisation: Organisation) -> list[Any]:
        return selectors.products_visible(viewer=self.request.user, organisation=organisation)

    def _save(
        self, organisation: Organisation, data: dict[str, Any], instance: Any = None, version: int | None = None
    ) -> Any:
        return services.product_save(
            actor=actor_for(self.request),
            organisation=organisation,
            data=data,
            product=instance,
            expected_version=version,
        )

    def destroy(self, request: Request, organisation_pk: str, pk: str) -> Response:
        return self._destroy(
            request,
            pk,
            lambda actor, product, v: services.product_delete(actor=actor, product=product, expected_version=v),
        )


@_child_schema(CertificationSerializer, CertificationInputSerializer, "certifications")
class CertificationViewSet(_OrganisationChildViewSet):
    output, input, related_name = CertificationSerializer, CertificationInputSerializer, "certifications"

    def _visible(self, organisation: Organisation) -> list[Any]:
        return selectors.certifications_visible(viewer=self.request.user, organisation=organisation)

    def _save(
        self, organisation: Organisation, data: dict[str, Any], instance: Any = None, version: int | None = None
    ) -> Any:
        return services.certification_save(
            actor=actor_for(self.request),
            organisation=organisation,
            data=data,
            certification=instance,
            expected_version=version,
        )

    def destroy(self, request: Request, organisation_pk: str, pk: str) -> Response:
        return self._destroy(
            request,
            pk,
            lambda actor, cert, v: services.certification_delete(actor=actor, certification=cert, expected_version=v),
        )


@_child_schema(PersonSerializer, PersonInputSerializer, "people", deletable=False)
class PersonViewSet(_OrganisationChildViewSet):
    """Contact persons. There is no delete: people are erased (GDPR Art. 17) through /api/people/{id}/erase/."""

    output, input, related_name = PersonSerializer, PersonInputSerializer, "people"

    def _visible(self, organisation: Organisation) -> list[Any]:
        return selectors.people_visible(viewer=self.request.user, organisation=organisation)

    def _save(
        self, organisation: Organisation, data: dict[str, Any], instance: Any = None, version: int | None = None
    ) -> Any:
        return services.person_save(
            actor=actor_for(self.request),
            organisation=organisation,
            data=data,
            person=instance,
            expected_version=version,
        )


def _person(request: Request, pk: str) -> Person:
    """A person whose data the caller may manage: the organisation's editors (absent otherwise)."""
    return selectors.person_get(viewer=request.user, pk=pk, action=Action.CHANGE)


class PersonExportView(APIView):
    @extend_schema(
        tags=["people"],
        operation_id="people_export",
        parameters=[ID],
        responses={200: PersonExportSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: str) -> Response:
        """Everything stored about a person (GDPR Art. 15). The export itself is audited."""
        person = _person(request, pk)
        export = services.person_export(actor=actor_for(request), person=person)
        return Response(PersonExportSerializer(export).data)


class PersonEraseView(APIView):
    @extend_schema(
        tags=["people"],
        operation_id="people_erase",
        parameters=[ID],
        request=PersonErasureSerializer,
        responses={204: None, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: str) -> Response:
        """Erase a person (GDPR Art. 17) giving the reason, e.g. the request reference."""
        person = _person(request, pk)
        data = _validated(PersonErasureSerializer, request.data, partial=False)
        services.person_erase(actor=actor_for(request), person=person, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["technology fields"])
@extend_schema_view(
    list=extend_schema(responses={200: TechnologyFieldSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[ID, ETAG_HEADER], responses={200: TechnologyFieldSerializer, **READ_ERRORS}),
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=TechnologyFieldInputSerializer,
        responses={201: TechnologyFieldSerializer, **WRITE_ERRORS, 422: KEY_REUSED},
    ),
    partial_update=extend_schema(
        parameters=[ID, IF_MATCH, ETAG_HEADER],
        request=TechnologyFieldInputSerializer,
        responses={200: TechnologyFieldSerializer, **VERSIONED_WRITE_ERRORS},
    ),
)
class TechnologyFieldViewSet(viewsets.ViewSet):
    """The taxonomy, in tree order. Everyone may read it; administrators edit it (others get 403 and why)."""

    lookup_value_regex = r"\d+"

    def list(self, request: Request) -> Response:
        fields = [f for f, _depth in selectors.technology_field_tree()]
        return Response(TechnologyFieldSerializer(fields, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        field = _technology_field(pk)
        return with_etag(Response(TechnologyFieldSerializer(field).data), field)

    def create(self, request: Request) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = _validated(TechnologyFieldInputSerializer, request.data, partial=False)
        data.pop("version", None)
        field = services.technology_field_save(actor=actor_for(request), data=data)
        return with_etag(Response(TechnologyFieldSerializer(field).data, status=status.HTTP_201_CREATED), field)

    def partial_update(self, request: Request, pk: str) -> Response:
        field = _technology_field(pk)
        data = _validated(TechnologyFieldInputSerializer, request.data, partial=True)
        version = expected_version(request, field, data.pop("version", None))
        field = services.technology_field_save(
            actor=actor_for(request), data=data, technology_field=field, expected_version=version
        )
        return with_etag(Response(TechnologyFieldSerializer(field).data), field)


def _technology_field(pk: str) -> TechnologyField:
    field = TechnologyField.objects.select_related("parent").filter(pk=pk).first()
    if field is None:
        raise NotFound()
    return field


class MeView(APIView):
    @extend_schema(tags=["accounts"], responses={200: MeSerializer, 401: ErrorSerializer, 403: ErrorSerializer})
    def get(self, request: Request) -> Response:
        """Who the API sees: username, roles and the organisations the caller acts for."""
        user = request.user
        assert not isinstance(user, AnonymousUser)  # the default permission class admits signed-in users only
        organisations = Organisation.objects.filter(memberships__user=user).order_by("legal_name")
        body = {"username": user.get_username(), "roles": sorted(user.role_names()), "organisations": organisations}
        return Response(MeSerializer(body).data)
