"""The default technology taxonomy, labelled in English, German and Ukrainian. Administrators edit it later."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "technology_fields.json"


def seed(apps, schema_editor):
    TechnologyField = apps.get_model("registry", "TechnologyField")
    by_code = {}
    for position, (code, parent, en, de, uk) in enumerate(json.loads(DATA.read_text(encoding="utf-8"))):
        field, _ = TechnologyField.objects.get_or_create(
            code=code,
            defaults={"parent": by_code.get(parent), "label_en": en, "label_de": de, "label_uk": uk,
                      "position": position},
        )
        by_code[code] = field


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
