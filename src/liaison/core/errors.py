"""Domain errors: what services and selectors raise, and the one place each becomes a response or an exit.

Raise these from services, selectors and permission checks — never ``Http404``, DRF exceptions or
``CommandError`` there (``Http404`` in a selector surfaced as a traceback in the CLI):

==========================  ======  ==========================================================================
``NotFound()``               404    absent, or not visible to the viewer: the two must look the same.
``PermissionDenied(reason)`` 403    the object is visible but the actor may not do this; the reason is shown.
                                     ``core.permissions.require(decision)`` raises it;
                                     ``core.permissions.PermissionDeniedError`` is the same class.
``ValidationError``          400    Django's, re-exported here: ``ValidationError({"field": [message]})``.
``Conflict(message, **extra)`` 409  valid request, but the stored state moved on (a stale version, a
                                     duplicate create in flight); ``extra`` is added to the API body,
                                     e.g. ``Conflict(_("…"), current_version=7)``.
==========================  ======  ==========================================================================

They are turned into responses in exactly three places, so every surface answers alike:

- API: :func:`liaison.core.api.exception_handler` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``). Bodies keep
  DRF's shape: ``{"detail": message}`` for 403/404/409 (plus ``extra`` for a conflict), ``{field: [messages]}``
  for 400 (errors without a field under ``non_field_errors``).
- Views: :class:`liaison.core.middleware.DomainErrorMiddleware` (404/403 pages via Django's handlers, 400,
  409). A view that re-renders a form catches ``ValidationError``/``Conflict`` itself and calls
  :func:`add_to_form`.
- CLI: :class:`LiaisonCommand` (base class of the platform's management commands) turns them into
  ``CommandError`` with a one-line message, exit status 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

__all__ = [
    "Conflict",
    "DomainError",
    "LiaisonCommand",
    "NotFound",
    "PermissionDenied",
    "ValidationError",
    "add_to_form",
    "api_body",
    "command_error",
    "message_dict",
]


class DomainError(Exception):
    """Base of the platform's own errors; ``status`` is the HTTP status every surface maps it to."""

    status = 500

    def __init__(self, message: Any = "", **extra: Any) -> None:
        super().__init__(str(message) if message else "")
        self._message = message
        self.extra: dict[str, Any] = extra

    @property
    def message(self) -> str:
        return str(self._message) if self._message else self.default_message()

    def default_message(self) -> str:
        return _("The request could not be completed.")

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """Absent or not visible: selectors raise this for both, so a response never confirms that a record exists."""

    status = 404

    def default_message(self) -> str:
        return _("Not found.")


class PermissionDenied(DomainError):
    """The actor may see the object but may not perform the action; carries the policy decision's reason.

    Accepts a :class:`liaison.core.permissions.Decision` (``.decision`` keeps it) or a plain reason."""

    status = 403

    def __init__(self, reason: Any = "") -> None:
        from liaison.core.permissions import Decision, deny

        decision = reason if isinstance(reason, Decision) else deny(str(reason or ""))
        super().__init__(decision.reason)
        self.decision = decision

    @property
    def reason(self) -> str:
        return self.message

    def default_message(self) -> str:
        return _("You do not have permission to perform this action.")


class Conflict(DomainError):
    """The stored state changed under the request (stale version, concurrent duplicate): reload and retry."""

    status = 409

    def default_message(self) -> str:
        return _("This record was changed by someone else in the meantime. Reload it and apply your change again.")


def message_dict(exc: ValidationError) -> dict[str, list[str]]:
    """``{field: [messages]}`` of a Django ``ValidationError``; errors without a field under ``non_field_errors``."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}


def add_to_form(form: Any, exc: ValidationError | Conflict) -> None:
    """Show a service's errors on the form that submitted the data: on the field where the form has it."""
    if isinstance(exc, Conflict):
        form.add_error(None, exc.message)
        return
    fields = getattr(form, "fields", {})
    for field, messages in message_dict(exc).items():
        name = field[:-3] if field not in fields and field.endswith("_id") else field  # technology_field_id
        form.add_error(name if name in fields else None, messages)


def _label(field: str, message: str) -> str:
    return message if field == "non_field_errors" else f"{field}: {message}"


def command_error(exc: DomainError | ValidationError) -> CommandError:
    """One line for the terminal, naming the field where there is one."""
    if isinstance(exc, ValidationError):
        text = "; ".join(f"{_label(field, ' '.join(msgs))}" for field, msgs in message_dict(exc).items())
    else:
        text = exc.message
    return CommandError(text)


class LiaisonCommand(BaseCommand):
    """Management command base: domain errors leave as ``CommandError`` (message on stderr, exit status 1)."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except (DomainError, ValidationError) as exc:
            raise command_error(exc) from exc


def api_body(exc: DomainError | ValidationError) -> Mapping[str, Any]:
    """The JSON body of a domain error in the API (see the module docstring)."""
    if isinstance(exc, ValidationError):
        return message_dict(exc)
    return {"detail": exc.message, **exc.extra}
