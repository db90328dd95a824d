"""Indexes for the organisation list, filters and search, found with the registry benchmark
(docs/benchmarks.md).

- Every list is ordered by legal name (then id): without an index, page 1 sorts the whole table. On SQLite
  the index also carries ``search_text``, so a search (which takes its candidates in name order) tests the
  LIKE on the index entries instead of fetching every row (120-200 ms -> 20-30 ms at 100,000 rows); a
  PostgreSQL index scan cannot do that, and long search texts would exceed its btree entry limit.
- The country filter with that order: legal names cluster by script (Cyrillic sorts after Latin), so walking
  the name index and skipping other countries reads half the table before it finds a Ukrainian one.
- The certification filter looks certificates up by standard.
- PostgreSQL only: a trigram (pg_trgm) GIN index serves the search (``search_text LIKE '% key%'``).

The SQL is written by hand (vendor-guarded) because the trigram index cannot be expressed portably; the
model state is unchanged, so ``makemigrations --check`` stays clean. pg_trgm is a trusted extension
(PostgreSQL 13+): the database owner may create it without superuser rights.
"""

from django.db import migrations

COMMON = [
    ("registry_org_country_legal_name", "CREATE INDEX IF NOT EXISTS registry_org_country_legal_name "
     "ON registry_organisation (country, legal_name, id)"),
    ("registry_cert_standard", "CREATE INDEX IF NOT EXISTS registry_cert_standard "
     "ON registry_certification (standard, organisation_id)"),
]
SQLITE = [
    ("registry_org_legal_name_id", "CREATE INDEX IF NOT EXISTS registry_org_legal_name_id "
     "ON registry_organisation (legal_name, id, search_text)"),
]
POSTGRESQL = [
    ("registry_org_legal_name_id", "CREATE INDEX IF NOT EXISTS registry_org_legal_name_id "
     "ON registry_organisation (legal_name, id)"),
    ("registry_org_search_trgm", "CREATE INDEX IF NOT EXISTS registry_org_search_trgm "
     "ON registry_organisation USING gin (search_text gin_trgm_ops)"),
]


def _indexes(vendor):
    return COMMON + {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, [])


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for _name, sql in _indexes(vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name, _sql in _indexes(schema_editor.connection.vendor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_seed_technology_fields")]
    operations = [migrations.RunPython(create, drop)]
