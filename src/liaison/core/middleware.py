"""Request-level glue: one correlation id per request, echoed in the response for support requests; domain
errors turned into pages (one mapping for every view)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.core import errors
from liaison.core.context import correlation_scope

_SAFE_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class CorrelationIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Correlation-ID", "")
        with correlation_scope(incoming if _SAFE_ID.match(incoming) else None) as cid:
            request.correlation_id = cid  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Correlation-ID"] = cid
        return response


class DomainErrorMiddleware:
    """The view-layer mapping of :mod:`liaison.core.errors`: a domain error raised by a service or selector
    becomes Django's own 404/403 (same pages as ``Http404``/``PermissionDenied``) or a 400/409 page.

    Placed after the authentication middleware so ``process_exception`` sees every view's exceptions; the
    API does not reach it (DRF's exception handler answers there first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, errors.NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, errors.PermissionDenied):
            raise DjangoPermissionDenied(exception.reason) from exception
        if isinstance(exception, errors.ValidationError):
            return _error_page(request, 400, errors.message_dict(exception))
        if isinstance(exception, errors.DomainError):
            return _error_page(request, exception.status, {"non_field_errors": [exception.message]})
        return None


def _error_page(request: HttpRequest, status: int, messages: dict[str, list[str]]) -> HttpResponse:
    lines = [msg for msgs in messages.values() for msg in msgs]
    return render(request, "core/error.html", {"status": status, "error_messages": lines}, status=status)
