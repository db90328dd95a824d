"""Make the audit table append-only inside the database (triggers), unless settings turn the guard off
(the test suite does, so that fixtures can flush tables; one test installs the guard and proves it holds)."""

from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    if not getattr(settings, "LIAISON_AUDIT_DB_GUARD", True):
        return
    from liaison.core.audit import guard_sql

    for statement in guard_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    from liaison.core.audit import unguard_sql

    for statement in unguard_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
