"""Backup and restore: one zip file with the data (Django's portable JSON) and the uploaded
files, so a backup made on SQLite restores on PostgreSQL and the other way round."""

import datetime
import io
import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

FORMAT = 1
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]


class BackupError(Exception):
    pass


def create(path: Path) -> dict:
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDE,
            output=str(data),
            verbosity=0,
        )
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT,
            "application": "hamafza",
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "files": len(files),
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.write(data, "data.json")
            for f in files:
                archive.write(f, "media/" + f.relative_to(media).as_posix())
    return manifest


def restore(path: Path) -> dict:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"not a Hamafza backup: {exc}") from None
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError:
            raise BackupError("not a Hamafza backup: manifest.json missing") from None
        if manifest.get("application") != "hamafza" or manifest.get("format") != FORMAT:
            raise BackupError("unsupported backup format")
        media = Path(settings.MEDIA_ROOT).resolve()
        members = []
        for name in archive.namelist():
            if name.startswith("media/") and not name.endswith("/"):
                relative = PurePosixPath(name[len("media/") :])
                target = (media / relative).resolve()
                if media not in target.parents:
                    raise BackupError(f"unsafe path in backup: {name}")
                members.append((name, target))
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data.json"
            data.write_bytes(archive.read("data.json"))
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(data), verbosity=0)
        for name, target in members:
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as source, open(target, "wb") as out:
                while chunk := source.read(io.DEFAULT_BUFFER_SIZE * 16):
                    out.write(chunk)
    return manifest
