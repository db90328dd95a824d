"""Users and hashed API tokens. Memberships in organisations live with the organisations (registry.models)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.accounts.roles import STAFF_ROLES, Role


class User(AbstractUser):
    """A person who logs in. Roles are group memberships; ``country`` scopes a ministry official (DE or UA): the
    official reads that country's organisations in full and others as far as they share (registry.permissions);
    an official without a country reads only what is shared."""

    class Country(models.TextChoices):
        DE = "DE", _("Germany")
        UA = "UA", _("Ukraine")

    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)

    # Caches for the life of one instance (one request): role names, and the ids of the organisations the user
    # acts for (filled by the registry's scoping). Declared, not fields; unset until first asked.
    _role_cache: frozenset[str] | None
    _membership_cache: frozenset[int] | None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def role_names(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names() & set(roles))

    @property
    def is_staff_role(self) -> bool:
        """True for roles that must use two-factor authentication."""
        return self.is_superuser or bool(self.role_names() & STAFF_ROLES)

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMINISTRATOR)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once when created.

    A staff user's token carries the proof of the second factor it was created under (the device and when it
    was verified) and expires: without them a staff password alone could mint a token and skip the second
    factor for good. Deleting the device (a lost phone, a new enrolment) clears the proof and kills the token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    second_factor_device = models.ForeignKey(
        "otp_totp.TOTPDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_factor_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return "lia_" + secrets.token_urlsafe(32)

    def is_usable(self) -> bool:
        """Not revoked, not expired, and for a staff user still backed by a confirmed second-factor device."""
        if self.revoked_at is not None or (self.expires_at is not None and self.expires_at <= timezone.now()):
            return False
        if not self.user.is_staff_role:
            return True
        device = self.second_factor_device
        return (
            device is not None
            and device.confirmed
            and device.user_id == self.user_id
            and self.second_factor_at is not None
            and self.expires_at is not None
        )


class EnrolmentLink(models.Model):
    """A one-time link an administrator issues so that a staff user can bind an authenticator app.

    Knowing the password is not enough to enrol: whoever learnt a new staff user's password could otherwise bind
    their own phone before the real person does. Only the link's SHA-256 is stored; the link is shown once to
    the administrator who hands it over. It expires, and it is spent by the first successful enrolment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)

    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
