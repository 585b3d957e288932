"""A small real library of laws and guidelines is present after `migrate`
(hamafza/decisions/data/laws.py); administrators add the rest."""

from django.db import migrations


def load(apps, schema_editor):
    from hamafza.decisions.data.laws import ensure_library

    ensure_library(
        apps.get_model("decisions", "LegalDocument"), apps.get_model("decisions", "Article")
    )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
