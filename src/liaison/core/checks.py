"""`liaison check --deploy`: is the audit trail protected as docs/deploy.md says?

On PostgreSQL the application must connect as a role that can only INSERT and SELECT on the audit table (and may
DELETE personal parts, which is how erasure works), owns neither table and is no superuser — otherwise it can
UPDATE, DELETE, TRUNCATE, disable or drop the triggers. SQLite has no roles: whoever can write the file can do
anything, and only the keyed chain and the anchors stand between that and an undetected change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from liaison.core.models import AuditEntry, AuditPersonal

ENTRY = AuditEntry._meta.db_table
PERSONAL = AuditPersonal._meta.db_table
# What the application role must not be able to do: (table, privilege).
FORBIDDEN = [(ENTRY, "UPDATE"), (ENTRY, "DELETE"), (ENTRY, "TRUNCATE"), (PERSONAL, "UPDATE"), (PERSONAL, "TRUNCATE")]
# What it needs.
REQUIRED = [(ENTRY, "INSERT"), (ENTRY, "SELECT"), (PERSONAL, "INSERT"), (PERSONAL, "SELECT"), (PERSONAL, "DELETE")]


def app_role_sql(role: str) -> list[str]:
    """The grants of docs/deploy.md for the application's role, run by the owner after every `liaison migrate`."""
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {ENTRY} FROM {role}",
        f"REVOKE UPDATE, TRUNCATE ON {PERSONAL} FROM {role}",
    ]


def _postgresql_problems() -> list[str]:
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, pg_get_userbyid(c.relowner) = current_user FROM pg_roles r, pg_class c "
            "WHERE r.rolname = current_user AND c.oid = %s::regclass",
            [ENTRY],
        )
        superuser, owner = cursor.fetchone()
        if superuser:
            problems.append(_("the database role is a superuser: it can alter, truncate or replace the audit trail"))
        if owner:
            problems.append(_("the database role owns the audit table: it can drop its triggers and truncate it"))
        for table, privilege in FORBIDDEN:
            cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege])
            if cursor.fetchone()[0] and not (superuser or owner):
                problems.append(
                    _("the database role may %(privilege)s %(table)s") % {"privilege": privilege, "table": table}
                )
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid IN (%s::regclass, %s::regclass) AND NOT tgisinternal "
            "AND tgenabled = 'O'",
            [ENTRY, PERSONAL],
        )
        if cursor.fetchone()[0] < 4:
            problems.append(_("the append-only triggers on the audit tables are missing or disabled"))
    return problems


def _anchor_messages() -> list[Any]:
    messages: list[Any] = []
    path = Path(settings.AUDIT_ANCHOR_PATH)
    if not path.parent.is_dir():
        messages.append(
            checks.Warning(
                _("The anchor directory %(dir)s does not exist; `liaison audit anchor` will create it.")
                % {"dir": path.parent},
                hint=_("Put the anchors on another disk or host than the database (AUDIT_ANCHOR_PATH)."),
                id="liaison.W102",
            )
        )
    elif connection.vendor == "sqlite":
        database = Path(str(connection.settings_dict["NAME"]))
        if database.exists() and os.stat(database).st_dev == os.stat(path.parent).st_dev:
            messages.append(
                checks.Warning(
                    _("The audit anchors are on the same disk as the SQLite database."),
                    hint=_("Whoever can replace the database file can then replace the anchors too."),
                    id="liaison.W103",
                )
            )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def check_audit_protection(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """The audit key, the anchors and the database rights the audit trail relies on."""
    messages: list[Any] = []
    if settings.AUDIT_HMAC_KEY == settings.AUDIT_DEV_HMAC_KEY:
        messages.append(
            checks.Error(
                _("The audit trail is keyed with the development key."),
                hint=_("Set AUDIT_HMAC_KEY (at least 32 random characters) in the environment."),
                id="liaison.E101",
            )
        )
    messages += _anchor_messages()
    if connection.vendor == "sqlite":
        messages.append(
            checks.Warning(
                _(
                    "SQLite cannot restrict the application's rights: whoever can write the database file can change "
                    "or delete audit entries. The keyed chain and the anchors detect that; nothing prevents it."
                ),
                hint=_("Use PostgreSQL with the role of docs/deploy.md for production."),
                id="liaison.W100",
            )
        )
        return messages
    if connection.vendor != "postgresql":
        return messages
    try:
        problems = _postgresql_problems()
    except DatabaseError as exc:
        return [
            *messages,
            checks.Warning(_("Could not check the database role: %(error)s") % {"error": exc}, id="liaison.W104"),
        ]
    messages += [
        checks.Warning(
            problem,
            hint=_("Run the application as a role with the grants of docs/deploy.md (`liaison audit grants ROLE`)."),
            id="liaison.W101",
        )
        for problem in problems
    ]
    return messages
