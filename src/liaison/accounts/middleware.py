"""Session security: idle timeout, no caching of anything a logged-in person sees, and the staff second factor.

Staff roles cannot use the site until they have passed a second factor in this session. Only what an unverified
person genuinely needs stays open: logging in and out, the second-factor page itself, enrolment by an
administrator's link, the password-reset pages and the language switch. The API is open here because it answers
with its own 403 (``core.api.IsAuthenticatedWithSecondFactor``) rather than a redirect an API client cannot follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from liaison.accounts import session

OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor",
        "accounts:enrol",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "set_language",
        "core:healthz",
    }
)
_OPEN_PREFIXES = ("/static/", "/api/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff_role or user.is_verified():
            return None
        match = request.resolver_match
        if (match is not None and match.view_name in OPEN_VIEWS) or request.path.startswith(_OPEN_PREFIXES):
            return None
        return redirect("accounts:two_factor")


class SessionSecurityMiddleware:
    """Ends sessions idle for longer than the user's limit, and marks every authenticated response
    ``Cache-Control: no-store, private`` so that no browser, proxy or back button keeps a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not session.touch(request):
            logout(request)
            if not request.path.startswith("/api/"):
                ended = redirect_to_login(request.get_full_path())
                add_never_cache_headers(ended)
                return ended
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets it for token requests during the view
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
