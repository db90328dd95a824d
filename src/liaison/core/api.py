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
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.response import Response

from liaison.accounts.models import ApiToken
from liaison.core import errors
from liaison.core.actors import Actor


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
    if isinstance(exc, errors.DomainError):
        return Response(errors.api_body(exc), status=exc.status)
    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field name → list of error messages.")
READ_ERRORS = {401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
WRITE_ERRORS = {**READ_ERRORS, 400: FIELD_ERRORS}
