"""Reads for accounts: enrolment links and the staff users' second-factor status for administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.accounts.models import EnrolmentLink, User, hash_token
from liaison.accounts.roles import STAFF_ROLES


def enrolment_link_find(*, user: User, raw: str) -> EnrolmentLink | None:
    """The open link ``raw`` of ``user``; None when it is unknown, someone else's, spent, revoked or expired."""
    link = EnrolmentLink.objects.filter(user=user, key_hash=hash_token(raw)).first()
    return link if link is not None and link.is_open() else None


@dataclass(frozen=True)
class EnrolmentRow:
    user: User
    has_device: bool
    open_link_expires: datetime | None


def enrolment_overview() -> list[EnrolmentRow]:
    """Every active user who must use a second factor, whether they have an authenticator and an open link."""
    now = timezone.now()
    staff = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=STAFF_ROLES))
        .distinct()
        .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("username")
    )
    open_links: dict[int, datetime] = {}
    for user_id, expires in EnrolmentLink.objects.filter(
        user__in=staff, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).values_list("user_id", "expires_at"):
        open_links[user_id] = max(expires, open_links.get(user_id, expires))
    return [EnrolmentRow(user, bool(user.has_device), open_links.get(user.pk)) for user in staff]
