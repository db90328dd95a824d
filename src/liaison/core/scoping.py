"""Scoping by action (NetBox's ``RestrictedQuerySet.restrict(user, action)``): one method per listable model
answers "which rows may this user view / change / delete / export". Lists, search, exports, API, CLI and
reports go through it, so none of them can forget; children are reached through their parent's scope.

A model opts in with a queryset class that names its policy::

    class ProductQuerySet(RestrictedQuerySet["Product"]):
        scope_policy = "liaison.registry.permissions.product_scope"

The policy is ``f(queryset, user, action) -> queryset``; it lives in the app's permissions.py (imported
lazily, so models do not import permissions). An action the policy does not know yields no rows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from django.db import connection, models
from django.db.models import Q
from django.utils.module_loading import import_string

from liaison.core.types import Viewer

_M = TypeVar("_M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"


class RestrictedQuerySet(models.QuerySet[_M, _M]):
    scope_policy: str = ""

    def restrict(self, user: Viewer, action: Action | str = Action.VIEW) -> RestrictedQuerySet[_M]:
        """The rows ``user`` may act on with ``action``; none for an unknown action (fail closed)."""
        try:
            action = Action(action)
        except ValueError:
            return self.none()
        policy = import_string(self.scope_policy)
        return policy(self, user, action)


def json_list_contains(field: str, value: str) -> Q:
    """``value`` is an element of the JSON list in ``field``: containment where PostgreSQL indexes it (GIN), a
    match on the quoted value elsewhere (SQLite has no JSON containment; values here are plain codes)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})
