"""REST API authentication by ``Authorization: Token <key>`` (or ``Bearer``) against hashed tokens.

A token is refused when revoked or expired, and a staff user's token also when it does not carry the proof of
the second factor it was created under (see ``ApiToken.is_usable``): a staff password alone opens nothing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions

from liaison.accounts.models import ApiToken, hash_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        token = (
            ApiToken.objects.select_related("user", "second_factor_device")
            .filter(key_hash=hash_token(header[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active or not token.is_usable():
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return "Token"
