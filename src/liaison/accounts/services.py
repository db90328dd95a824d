"""Writes for accounts: users, roles, memberships, tokens and TOTP devices. Each change is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts.models import ApiToken, EnrolmentLink, User, hash_token
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


def api_token_create(
    *,
    actor: Actor,
    user: User,
    name: str,
    proved_at: datetime | None,
    device: TOTPDevice | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw key, which is never stored and shown only this once.

    A token is a credential that outlives the session, so it is minted only on a fresh proof of identity:
    ``proved_at`` is when the session last proved it (the second factor for staff, the password otherwise) and
    must lie within ``LIAISON_REAUTH_SECONDS``. A staff user's token records the device that proved it and
    expires after ``LIAISON_STAFF_TOKEN_DAYS``. Only the person themself can give that proof, so nobody mints
    a token for someone else."""
    if actor.user is None or actor.user.pk != user.pk:
        require(deny(_("API tokens are created by their owner only.")))
    now = timezone.now()
    if proved_at is None or now - proved_at > timedelta(seconds=settings.LIAISON_REAUTH_SECONDS):
        require(deny(_("Confirm your identity again before creating an API token.")))
    expires_at = None
    if user.is_staff_role:
        if device is None or not device.confirmed or device.user_id != user.pk:
            require(deny(_("Staff accounts create API tokens only after passing two-factor authentication.")))
        expires_at = now + timedelta(days=settings.LIAISON_STAFF_TOKEN_DAYS)
    else:
        device = None
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=raw[4:12],
            key_hash=hash_token(raw),
            expires_at=expires_at,
            second_factor_device=device,
            second_factor_at=proved_at if device is not None else None,
        )
        audit.record_change(
            actor=actor,
            action="api_token.created",
            instance=token,
            before=None,
            after={
                "user": user.pk,
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": expires_at,
                "second_factor_device": device.pk if device is not None else None,
            },
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


def enrolment_link_issue(*, actor: Actor, user: User) -> tuple[EnrolmentLink, str]:
    """An administrator (or the operator on the command line) lets ``user`` bind an authenticator.

    Returns the link row and its raw key, shown once. Earlier open links of the user are revoked, so only the
    latest one handed over works. Issuing a link for a user who has a device already is how a lost phone is
    replaced: the device bound through the link supersedes the old one."""
    _require_admin(actor)
    if not user.is_active:
        raise ValidationError({"user": _("%(username)s is not active.") % {"username": user.get_username()}})
    raw = EnrolmentLink.generate()
    now = timezone.now()
    with transaction.atomic():
        revoked = EnrolmentLink.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        link = EnrolmentLink.objects.create(
            user=user,
            key_hash=hash_token(raw),
            expires_at=now + timedelta(hours=settings.LIAISON_ENROLMENT_LINK_HOURS),
        )
        audit.record_change(
            actor=actor,
            action="two_factor.enrolment_link_issued",
            instance=link,
            before=None,
            after={"user": user.pk, "expires_at": link.expires_at, "revoked_earlier": revoked},
        )
    return link, raw


def enrolment_complete(*, actor: Actor, link: EnrolmentLink, device: TOTPDevice, token: str) -> bool:
    """Spend the link on a first valid code from the new device: confirm it and retire every other device of
    the user (their API tokens lose their proof with it). False, and nothing changed, on a wrong code or a link
    that was spent in the meantime by a parallel request."""
    if device.user_id != link.user_id or device.confirmed or not device.verify_token(token):
        return False
    with transaction.atomic():
        spent = EnrolmentLink.objects.filter(
            pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now())
        if not spent:
            return False
        others = TOTPDevice.objects.filter(user_id=link.user_id).exclude(pk=device.pk)
        replaced = sorted(others.values_list("pk", flat=True))
        TOTPDevice.objects.filter(pk__in=replaced).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record_change(
            actor=actor,
            action="two_factor.enrolment_link_used",
            instance=link,
            before={"used": False},
            after={"used": True},
        )
        audit.record(
            actor=actor,
            action="two_factor.enabled",
            object_type="accounts.user",
            object_id=link.user_id,
            after={"device": device.pk, "replaced": replaced},
        )
    return True


def user_password_reset(*, actor: Actor, user: User, password: str) -> None:
    """Set a new password from a reset link. The session is not logged in by it, and for staff the second
    factor is still asked at the next log-in: the e-mail inbox is a way back to the password, not past 2FA."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(
            actor=actor,
            action="user.password_reset",
            object_type="accounts.user",
            object_id=user.pk,
            before=None,
            after={"via": "e-mail link"},
        )
