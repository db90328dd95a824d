"""The acting identity every service takes explicitly: a person in the browser, an API token, the CLI, a job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from liaison.core.errors import PermissionDenied
from liaison.core.types import Viewer

if TYPE_CHECKING:
    from liaison.accounts.models import User


@dataclass(frozen=True)
class Actor:
    """Who did it (for the audit trail) and whose permissions apply (``user``; None means the system itself)."""

    kind: str  # "user" | "token" | "cli" | "system"
    user: User | None
    label: str

    @classmethod
    def for_user(cls, user: Viewer, *, via: str = "user") -> Actor:
        """The signed-in user of a request. Views reach here behind a login; should an anonymous request get
        through, it is refused rather than recorded as an actor with no identity."""
        if not user.is_authenticated:
            raise PermissionDenied(_("Please log in."))
        return cls(kind=via, user=user, label=user.get_username())

    @classmethod
    def cli(cls, user: User | None = None) -> Actor:
        return cls(kind="cli", user=user, label=user.get_username() if user is not None else "cli")

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(kind="system", user=None, label=name)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None
