import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hamafza.accounts.models import User
from hamafza.registry.models import Cooperative, Document


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_and_restores_data_and_files(world, tmp_path, settings):
    settings.PROJECT_DIR = tmp_path
    target = tmp_path / "backup.zip"
    call_command("backup", str(target))
    names = zipfile.ZipFile(target).namelist()
    assert "data.json" in names and any(n.startswith("media/") for n in names)
    Cooperative.objects.filter(pk=world.coop_b.pk).delete()
    world.document.file.delete(save=False)
    call_command("restore", str(target))
    assert Cooperative.objects.filter(name=world.coop_b.name).exists()
    assert User.objects.get(username="coop").cooperative_ids
    restored = Document.objects.get(pk=world.document.pk)
    assert restored.file.read().startswith(b"%PDF")
    assert list((tmp_path / "var" / "backups").glob("pre-restore-*.zip"))
    # The search index follows the restored rows.
    from hamafza.registry.selectors import cooperative_search

    assert [c.pk for c in cooperative_search(q="فیروزه")] == [world.coop_b.pk]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_file_that_is_not_a_backup_and_changes_nothing(world, tmp_path, settings):
    settings.PROJECT_DIR = tmp_path
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("manifest.json", json.dumps({"application": "other", "format": 1}))
    with pytest.raises(CommandError):
        call_command("restore", str(bad))
    assert Cooperative.objects.count() == 2
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("manifest.json", json.dumps({"application": "hamafza", "format": 1}))
        z.writestr("data.json", "[]")
        z.writestr("media/../../escape.txt", "x")
    with pytest.raises(CommandError, match="unsafe"):
        call_command("restore", str(evil))
    assert Cooperative.objects.count() == 2
