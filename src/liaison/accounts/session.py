"""What a browser session has proved, and when: the password at log-in, the second factor after it.

Creating a credential (an API token) needs a fresh proof, not just a session that once passed: a session left
open on a shared desk, or one taken over, must not mint a token that outlives it. Each proof rotates the session
key, so an identifier fixed or read before the proof is worth nothing after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login

PASSWORD_AT = "liaison_password_at"  # noqa: S105 (a session key, not a password)
SECOND_FACTOR_AT = "liaison_second_factor_at"
LAST_SEEN = "liaison_last_seen"


def _stamp(request: HttpRequest, key: str) -> None:
    request.session[key] = timezone.now().timestamp()


def _read(request: HttpRequest, key: str) -> datetime | None:
    value = request.session.get(key)
    if not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, tz=timezone.get_current_timezone())


def password_proved(request: HttpRequest, *, rotate: bool = True) -> None:
    """After a log-in (``django.contrib.auth.login`` rotated the key already: ``rotate=False``) or a
    re-authentication."""
    if rotate:
        request.session.cycle_key()
    _stamp(request, PASSWORD_AT)
    _stamp(request, LAST_SEEN)


def second_factor_proved(request: HttpRequest, device: Any) -> None:
    """Mark the session verified by ``device`` and give it a new key."""
    otp_login(request, device)
    request.session.cycle_key()
    _stamp(request, SECOND_FACTOR_AT)
    _stamp(request, LAST_SEEN)


def recent_proof(request: HttpRequest) -> tuple[datetime, Any] | None:
    """(when, device) if the session proved its identity within ``LIAISON_REAUTH_SECONDS``, else None.

    Staff users need the second factor (device is the verified one); everyone else the password (device None)."""
    user: Any = request.user
    if not user.is_authenticated:
        return None
    if user.is_staff_role:
        device = getattr(user, "otp_device", None)
        when = _read(request, SECOND_FACTOR_AT) if device is not None else None
    else:
        device, when = None, _read(request, PASSWORD_AT)
    if when is None or timezone.now() - when > timedelta(seconds=settings.LIAISON_REAUTH_SECONDS):
        return None
    return when, device


def idle_limit(user: Any) -> timedelta:
    minutes = settings.LIAISON_STAFF_IDLE_MINUTES if user.is_staff_role else settings.LIAISON_IDLE_MINUTES
    return timedelta(minutes=minutes)


def touch(request: HttpRequest) -> bool:
    """Record activity; returns False when the session had been idle for longer than the user's limit."""
    last = _read(request, LAST_SEEN)
    now = timezone.now()
    if last is not None and now - last > idle_limit(request.user):
        return False
    # Write at most once a minute, so that reading pages does not save the session on every request.
    if last is None or now - last > timedelta(seconds=60):
        _stamp(request, LAST_SEEN)
    return True
