"""Drop the personal columns from the entry table (0003 moved them to core_auditpersonal) and install the guard:
no UPDATE, DELETE or TRUNCATE on entries; no UPDATE or TRUNCATE on personal parts, whose rows erasure deletes.
A separate migration from 0003 so that PostgreSQL commits 0003's rows before these tables are altered."""

from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    if not getattr(settings, "LIAISON_AUDIT_DB_GUARD", True):
        return
    from liaison.core.audit import guard_sql, personal_guard_sql

    vendor = schema_editor.connection.vendor
    for statement in [*guard_sql(vendor), *personal_guard_sql(vendor)]:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    from liaison.core.audit import personal_unguard_sql, unguard_sql

    vendor = schema_editor.connection.vendor
    for statement in [*unguard_sql(vendor), *personal_unguard_sql(vendor)]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_keyed_chain")]

    operations = [
        migrations.RunPython(uninstall, migrations.RunPython.noop),
        migrations.RemoveField(model_name="auditentry", name="actor_label"),
        migrations.RemoveField(model_name="auditentry", name="object_repr"),
        migrations.RemoveField(model_name="auditentry", name="personal"),
        migrations.RunPython(install, uninstall),
    ]
