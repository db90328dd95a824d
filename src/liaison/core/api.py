"""API base pieces shared by every app: the default permission (token, or a session that passed 2FA for staff),
the acting identity of a request, the one mapping of domain errors (core/errors.py) to HTTP, and the error
schemas.

This module is named in REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"], which DRF resolves while
``rest_framework.views`` is being imported; so it must not import views or viewsets itself (the audit endpoint
lives in core/audit_api.py for that reason)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.response import Response

from liaison.accounts.models import ApiToken
from liaison.core import errors
from liaison.core.actors import Actor
from liaison.core.versioning import PreconditionFailed, StaleVersion


class IsAuthenticatedWithSecondFactor(permissions.BasePermission):
    """Authenticated, and for staff roles verified by a second factor: a session that passed it, or a token
    that carries the proof of it (created on a freshly verified session, bound to the device, not expired).

    The browser middleware lets /api/ through unverified (API clients cannot answer a 2FA redirect), so without
    this check a staff password alone would open every record through the session API. The token's proof is
    checked here as well as in the authentication class, so that no other authentication class added later
    can make a bare token count as verified."""

    message = _("Staff accounts must pass two-factor authentication before using the API.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.is_staff_role:
            return True
        if isinstance(request.auth, ApiToken):
            return request.auth.user_id == user.pk and request.auth.is_usable()
        is_verified = getattr(user, "is_verified", None)
        return bool(is_verified and is_verified())


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Token <key>`` so Swagger UI offers it under "Authorize"."""

    target_class = "liaison.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token authentication: `Token <key>` (create a token under Account › API tokens).",
        }


def actor_for(request: Any) -> Actor:
    """The audited identity: a token request is recorded as such, so the trail tells scripts from people."""
    via = "token" if isinstance(request.auth, ApiToken) else "user"
    return Actor.for_user(request.user, via=via)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: domain errors get their status and DRF's body shape
    (``{"detail": …}``, or ``{field: [messages]}`` for 400); everything else goes to DRF's own handler."""
    from rest_framework.views import exception_handler as drf_exception_handler  # see the module docstring

    if isinstance(exc, errors.ValidationError):
        return Response(errors.api_body(exc), status=400)
    if isinstance(exc, StaleVersion) and "If-Match" in context["request"].headers:
        # The client named the version it read in If-Match: a precondition that failed (RFC 9110), not a 409.
        return Response(errors.api_body(exc), status=PreconditionFailed.status)
    if isinstance(exc, errors.DomainError):
        return Response(errors.api_body(exc), status=exc.status)
    return drf_exception_handler(exc, context)


def etag(version: int) -> str:
    """The strong entity tag of a versioned record: its version, quoted."""
    return f'"{version}"'


def _if_match_versions(header: str) -> set[int] | None:
    """The versions an ``If-Match`` header names; ``None`` for ``*``. Weak tags never match (strong comparison)."""
    if header.strip() == "*":
        return None
    versions = set()
    for tag in header.split(","):
        tag = tag.strip()
        if len(tag) > 2 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and len(tag) < 13:
            versions.add(int(tag[1:-1]))
    return versions


def expected_version(request: Any, current: Any, payload_version: int | None = None) -> int | None:
    """The version a write is based on: ``If-Match`` (412 at once when it names none of the stored one), else
    the body's ``version`` (checked by the service, 409 when stale), else ``None`` (no check: the service
    still writes only the fields sent, so parallel edits of different fields both survive)."""
    header = request.headers.get("If-Match")
    if header is None:
        return payload_version
    versions = _if_match_versions(header)
    stored = int(current.version)
    if versions is not None and stored not in versions:
        raise PreconditionFailed(
            _("The record was changed since you read it: If-Match does not name the stored version."),
            current_version=stored,
        )
    if payload_version is not None and payload_version != stored:
        raise PreconditionFailed(_("The version in the body is not the stored one."), current_version=stored)
    return stored if versions is not None else payload_version


def with_etag(response: Any, instance: Any) -> Any:
    response["ETag"] = etag(instance.version)
    return response


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False, help_text="The stored version, to reload.")
    hit_status = serializers.CharField(required=False, help_text="Screening hits: the status it has now.")


FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field name → list of error messages.")
READ_ERRORS = {401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
WRITE_ERRORS = {**READ_ERRORS, 400: FIELD_ERRORS}
LIST_ERRORS = {
    **READ_ERRORS,
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A paging parameter out of bounds."),
}
CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The stored record changed in the meantime (a stale `version` in the body, or a state already "
    "changed by someone else). Reload and apply the change again.",
)
PRECONDITION_FAILED = OpenApiResponse(
    ConflictSerializer, description="`If-Match` does not name the stored version (the ETag of a fresh GET)."
)
VERSIONED_WRITE_ERRORS = {**WRITE_ERRORS, 409: CONFLICT, 412: PRECONDITION_FAILED}
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='Optimistic concurrency: the `ETag` from a GET of this record, e.g. `"3"`. The change is '
    "refused with 412 if the record changed since. Optional: without it (and without `version` in the body) "
    "only the fields sent are written, so parallel changes of other fields are kept.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description="The record's version as a strong entity tag; send it back as `If-Match` when changing it.",
)
