"""The one helper that decides between a fragment (HTMX request) and a full page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(request: HttpRequest, template: str, fragment: str, context: dict[str, Any]) -> HttpResponse:
    """Render ``fragment`` for HTMX swaps, ``template`` (which includes the fragment) otherwise."""
    response = render(request, fragment if is_htmx(request) else template, context)
    response["Vary"] = "HX-Request, Accept-Language, Cookie"
    return response
