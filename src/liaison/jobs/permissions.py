"""Who sees which jobs: everyone their own; administrators and auditors every job (the system's nightly runs
included), because they answer for what the platform did."""

from __future__ import annotations

from django.utils.translation import gettext as _

from liaison.accounts.roles import Role
from liaison.core.permissions import Decision, allow, deny
from liaison.core.types import Viewer


def can_view_all_jobs(user: Viewer) -> Decision:
    if user.is_authenticated and (
        user.is_superuser or user.has_role(Role.ADMINISTRATOR, Role.AUDITOR)
    ):
        return allow()
    return deny(_("Only administrators and auditors see the jobs of others."))
