"""Request-level glue: one correlation id per request, echoed in the response for support requests."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
