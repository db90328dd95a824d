"""Indexes for the filters after the selectors moved to ``pk IN (subquery)`` (docs/benchmarks.md):

- both engines: the technology-field link table by field first, so "organisations in these fields" is an index
  range (Django's own unique index leads with the organisation);
- PostgreSQL: a GIN index for the role filter (``roles @> '["series_production"]'``); SQLite has no JSON
  containment and keeps a text match."""

from django.db import migrations


FIELD_LINK = (
    "CREATE INDEX IF NOT EXISTS registry_org_fields_by_field "
    "ON registry_organisation_technology_fields (technologyfield_id, organisation_id)"
)


def create(apps, schema_editor):
    schema_editor.execute(FIELD_LINK)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_org_roles_gin ON registry_organisation USING gin (roles jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS registry_org_fields_by_field")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_org_roles_gin")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_organisation_read_indexes")]
    operations = [migrations.RunPython(create, drop)]
