"""PostgreSQL: a GIN index for the role filter (``roles @> '["series_production"]'``); the selector uses JSON
containment there. SQLite has no JSON containment and keeps a text match (docs/benchmarks.md)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_org_roles_gin ON registry_organisation USING gin (roles jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_org_roles_gin")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_organisation_read_indexes")]
    operations = [migrations.RunPython(create, drop)]
