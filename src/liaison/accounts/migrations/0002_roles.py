"""One group per role, with the model permissions the Django admin uses. Object scope is data (memberships)."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "administrator": "*",
    "liaison_officer": ["registry.*"],
    "ministry_official": ["registry.view_*"],
    "company_representative": [],
    "compliance_officer": ["registry.view_*"],
    "auditor": ["registry.view_*", "core.view_auditentry"],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.select_related("content_type")
        chosen = []
        for perm in perms:
            label = f"{perm.content_type.app_label}.{perm.codename}"
            if patterns == "*" or any(
                label.startswith(p[:-1]) if p.endswith("*") else label == p for p in patterns
            ):
                chosen.append(perm)
        group.permissions.set(chosen)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("registry", "0001_initial"), ("core", "0001_initial"),
                    ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
