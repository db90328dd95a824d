"""Search keys of what an organisation shares with other companies (its names and shared field groups), so a
company's search cannot match a hidden city or a hidden translated name (issue 6, finding 4).

Filled for existing rows with the same function the services use; indexed like ``search_text``
(migration 0003): a trigram index on PostgreSQL, a name-ordered covering index on SQLite.
"""

from django.db import migrations, models

from liaison.registry.search import organisation_documents

SQLITE = [
    ("registry_org_legal_name_shared", "CREATE INDEX IF NOT EXISTS registry_org_legal_name_shared "
     "ON registry_organisation (legal_name, id, shared_search_text)"),
]
POSTGRESQL = [
    ("registry_org_shared_search_trgm", "CREATE INDEX IF NOT EXISTS registry_org_shared_search_trgm "
     "ON registry_organisation USING gin (shared_search_text gin_trgm_ops)"),
]


def fill(apps, schema_editor):
    Organisation = apps.get_model("registry", "Organisation")
    batch = []
    for org in Organisation.objects.all().iterator(chunk_size=2000):
        org.search_text, org.shared_search_text = organisation_documents(org)
        batch.append(org)
        if len(batch) >= 2000:
            Organisation.objects.bulk_update(batch, ["search_text", "shared_search_text"])
            batch = []
    Organisation.objects.bulk_update(batch, ["search_text", "shared_search_text"])


def create_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for _name, sql in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    for name, _sql in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_membership")]
    operations = [
        migrations.AddField(
            model_name="organisation",
            name="shared_search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
