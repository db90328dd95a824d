"""A URLconf for tests/core/test_errors.py: one page view and one API view per domain error, mounted beside the
real routes so the settings' middleware and exception handler are the ones under test."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.config.urls import urlpatterns as real_urlpatterns
from liaison.core import errors

RAISED: dict[str, Any] = {
    "not_found": lambda: errors.NotFound(),
    "denied": lambda: errors.PermissionDenied("Only the liaison office registers organisations."),
    "invalid": lambda: errors.ValidationError({"trl": ["Too high."], "__all__": ["Inconsistent."]}),
    "invalid_plain": lambda: errors.ValidationError("No field here."),
    "conflict": lambda: errors.Conflict("Changed by someone else.", current_version=3),
}


def page(request: HttpRequest, kind: str) -> HttpResponse:
    raise RAISED[kind]()


class Api(APIView):
    def get(self, request: Any, kind: str) -> Response:
        raise RAISED[kind]()


urlpatterns = [
    path("test-errors/page/<str:kind>/", page),
    path("test-errors/api/<str:kind>/", Api.as_view()),
    *real_urlpatterns,
]
