"""Membership moves to the registry (registry 0005 takes over the model state).

The table is renamed, not copied: rows, ids and constraints stay as they are. The state drops the model here and
registry 0005 declares it again on the renamed table, so no data passes through Python."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("Membership", "registry_membership")],
            state_operations=[migrations.DeleteModel("Membership")],
        )
    ]
