"""Counties and sectors are present after `migrate` (DESIGN.md, Reference data)."""

from django.db import migrations


def load(apps, schema_editor):
    from hamafza.persian.text import normalize
    from hamafza.registry.data.reference import COUNTIES, PROVINCE, SECTORS

    County = apps.get_model("registry", "County")
    Sector = apps.get_model("registry", "Sector")
    for name in COUNTIES:
        County.objects.get_or_create(
            name=name, defaults={"province": PROVINCE, "name_key": normalize(name)}
        )
    for order, name in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(
            name=name, defaults={"order": order, "name_key": normalize(name)}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
