"""Optimistic versioning of the records people edit.

Every editable record carries ``version``, raised by one with each saved change. An editor (a form's hidden
field, an API client's ``If-Match`` or ``version``) says which version its change is based on; the service
locks the row, compares, and refuses a stale change with :class:`StaleVersion` instead of overwriting what
someone else saved in between. Services write only the columns that changed (:func:`save_changes`), so two
edits of different fields both survive even when neither names a version (partial API updates, imports).

The lock is ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every transaction begins IMMEDIATE (see
``config.env.database_config``) and so already holds the database's single write lock. The write itself is
``UPDATE … WHERE version = <read>``, which stays correct even where neither lock is in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.errors import Conflict

M = TypeVar("M", bound=models.Model)


class VersionedModel(models.Model):
    """Adds the edit counter; see the module docstring for how services use it."""

    version = models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        db_default=1,  # rows written by historical models (data migrations) that predate the column
        editable=False,
        help_text=gettext_lazy("Raised by one with every saved change; a change based on an older one is refused."),
    )

    class Meta:
        abstract = True


class StaleVersion(Conflict):
    """The change was based on a version that is no longer the stored one."""

    def __init__(self, instance: models.Model, expected: int) -> None:
        current = int(instance.version)  # type: ignore[attr-defined]
        super().__init__(
            _(
                "“%(object)s” was changed by someone else after you opened it (your version %(expected)d, "
                "stored version %(current)d). Your change was not saved."
            )
            % {"object": instance, "expected": expected, "current": current},
            current_version=current,
        )
        self.instance = instance
        self.expected = expected


class PreconditionFailed(Conflict):
    """HTTP 412: the request's ``If-Match`` names another version than the stored one (RFC 9110 §13.1.1)."""

    status = 412


class Gone(Conflict):
    """The record was deleted by someone else between reading it and changing it."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(
            _("This %(kind)s was deleted by someone else in the meantime.") % {"kind": model._meta.verbose_name}
        )


def parse_version(value: Any) -> int | None:
    """A version as sent by a form or client: empty means "not given"; anything else must be a whole number."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 2**31 - 1:
        raise ValidationError({"version": [_("A version is a whole number from 1 upwards.")]})
    return number


def lock(model: type[M], pk: Any) -> M:
    """The stored row, locked for the rest of the transaction; :class:`Gone` if it no longer exists."""
    try:
        return model._default_manager.select_for_update().get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Gone(model) from exc


def check(instance: models.Model, expected: int | None) -> None:
    """Refuse a change based on another version than the stored one (``None``: the caller named none)."""
    if expected is not None and expected != instance.version:  # type: ignore[attr-defined]
        raise StaleVersion(instance, expected)


def save_changes(instance: models.Model, fields: Iterable[str]) -> None:
    """Write ``fields`` (attribute names) of a locked row, raise its version, stamp ``updated_at`` if it has
    one. Nothing else is written, so a concurrent change of another column is kept."""
    names = list(dict.fromkeys(fields))
    read_version = int(instance.version)  # type: ignore[attr-defined]
    values = {name: getattr(instance, name) for name in names}
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        instance.updated_at = values["updated_at"] = timezone.now()  # type: ignore[attr-defined]
    values["version"] = read_version + 1
    written = type(instance)._base_manager.filter(pk=instance.pk, version=read_version).update(**values)
    if written != 1:
        current = type(instance)._base_manager.filter(pk=instance.pk).first()
        if current is None:
            raise Gone(type(instance))
        raise StaleVersion(current, read_version)
    instance.version = read_version + 1  # type: ignore[attr-defined]
