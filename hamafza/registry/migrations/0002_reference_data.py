"""Counties and sectors are present after `migrate` (DESIGN.md, Reference data)."""

from django.db import migrations


def load(apps, schema_editor):
    from hamafza.registry.reference import ensure_reference_data

    ensure_reference_data(
        apps.get_model("registry", "County"), apps.get_model("registry", "Sector")
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
