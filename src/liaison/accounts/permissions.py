"""Who may manage accounts. Administrators issue enrolment links; everyone manages their own tokens."""

from __future__ import annotations

from django.utils.translation import gettext as _

from liaison.core.permissions import Decision, allow, deny
from liaison.core.types import Viewer


def can_issue_enrolment_link(user: Viewer) -> Decision:
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_administrator:
        return allow()
    return deny(_("Only administrators issue enrolment links."))
