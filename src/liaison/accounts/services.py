"""Writes for accounts: users, roles, memberships, tokens and TOTP devices. Each change is audited."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts.models import ApiToken, User, hash_token
from liaison.accounts.roles import Role
from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.permissions import deny, require


def _require_admin(actor: Actor) -> None:
    if actor.user is not None and not actor.user.is_administrator:
        require(deny(_("Only administrators manage users.")))


def user_create(
    *,
    actor: Actor,
    username: str,
    email: str,
    password: str,
    roles: list[str],
    country: str = "",
    check_password: bool = True,
) -> User:
    """Create a user with roles; the CLI and the admin call this, so both are audited. Memberships in
    organisations are the registry's (``registry.services.membership_add``)."""
    _require_admin(actor)
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(role)s") % {"role": ", ".join(unknown)}})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("A user with this name exists already.")})
    user = User(username=username, email=email, country=country)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        audit.record_change(
            actor=actor,
            action="user.created",
            instance=user,
            before=None,
            after={"roles": sorted(roles), "country": country},
            personal={"username": username, "email": email},
        )
    return user


def api_token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw key, which is never stored and shown only this once."""
    if actor.user is not None and actor.user.pk != user.pk:
        _require_admin(actor)
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[4:12], key_hash=hash_token(raw))
        audit.record_change(
            actor=actor,
            action="api_token.created",
            instance=token,
            before=None,
            after={"user": user.pk, "name": token.name, "prefix": token.prefix},
        )
    return token, raw


def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    if actor.user is not None and actor.user.pk != token.user_id:
        _require_admin(actor)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_change(
            actor=actor,
            action="api_token.revoked",
            instance=token,
            before={"revoked": False},
            after={"revoked": True},
        )


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device for the set-up screen; replaces any earlier unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_device_provision(*, actor: Actor, user: User, key: str, name: str = "provisioned") -> TOTPDevice:
    """A confirmed device with a key chosen by the operator (demo users, hardware tokens handed out in person).
    Idempotent: a user who already has a confirmed device keeps it."""
    _require_admin(actor)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return device
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True)
        audit.record(
            actor=actor,
            action="two_factor.enabled",
            object_type="accounts.user",
            object_id=user.pk,
            after={"device": device.pk, "provisioned": True},
        )
    return device


def totp_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> bool:
    """Confirm a device with a first valid code. Returns False (and changes nothing) on a wrong code."""
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            actor=actor,
            action="two_factor.enabled",
            object_type="accounts.user",
            object_id=device.user_id,
            after={"device": device.pk},
        )
    return True
