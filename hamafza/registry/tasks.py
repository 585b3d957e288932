"""Background work of registry imports. Each task records progress on its ImportJob."""

from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from hamafza.core import audit
from hamafza.persian.jalali import format_jalali_date
from hamafza.registry import importer
from hamafza.registry.models import County, ImportJob, Sector, Union
from hamafza.registry.spreadsheets import SpreadsheetError, read

PREVIEW_ROWS = 20


def progress_key(job_id: int) -> str:
    return f"registry-import-progress-{job_id}"


def _progress(job_id: int):
    # The cache, not the job row: the import writes inside one transaction, and a row
    # updated there stays invisible to the page that polls until the very end.
    def report(done: int, total: int) -> None:
        cache.set(progress_key(job_id), (done, total), timeout=6 * 3600)

    return report


def _read(job: ImportJob):
    with job.file.open("rb") as handle:
        return read(handle.read())


def _show(name: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if name in names:
        return names[name].get(value, str(value))
    if hasattr(value, "year"):
        return format_jalali_date(value, persian_digits=False)
    return str(value)


FIELD_LABELS = {
    "county_id": "شهرستان",
    "sector_id": "گروه فعالیت",
    "union_id": "اتحادیه",
    **{c.field: c.persian for c in importer.COLUMNS},
}


def _preview(plan: importer.Plan) -> dict:
    names = {
        "county_id": dict(County.objects.values_list("pk", "name")),
        "sector_id": dict(Sector.objects.values_list("pk", "name")),
        "union_id": dict(Union.objects.values_list("pk", "name")),
        "status": importer.STATUS_LABELS,
    }
    return {
        "new": [
            {"name": v["name"], "national_id": v["national_id"]}
            for v in plan.created[:PREVIEW_ROWS]
        ],
        "updated": [
            {
                "name": values.get("name", ""),
                "national_id": values["national_id"],
                "changes": [
                    {
                        "field": FIELD_LABELS.get(f, f),
                        "old": _show(f, old, names),
                        "new": _show(f, new, names),
                    }
                    for f, (old, new) in changes.items()
                ],
            }
            for _pk, changes, values in plan.updated[:PREVIEW_ROWS]
        ],
    }


def _store_outcome(job: ImportJob, plan: importer.Plan) -> None:
    job.summary = plan.summary()
    job.problems = [
        {"row": 1, "column": "", "value": "", "reason": p} for p in plan.header_problems
    ]
    job.problems += [p.as_dict() for p in plan.errors]
    job.warnings = [p.as_dict() for p in plan.warnings]


@task()
def check_import(job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    try:
        sheet = _read(job)
        _progress(job_id)(0, len(sheet.rows))
        plan = importer.plan(sheet, progress=_progress(job_id))
    except SpreadsheetError as exc:
        job.state = ImportJob.State.REJECTED
        job.problems = [{"row": 1, "column": "", "value": "", "reason": str(exc)}]
        job.summary = {"errors": 1}
        job.finished_at = timezone.now()
        job.save()
        return
    job.processed = job.total = plan.total
    _store_outcome(job, plan)
    job.preview = _preview(plan)
    job.state = ImportJob.State.READY if plan.ok else ImportJob.State.REJECTED
    if not plan.ok:
        job.finished_at = timezone.now()
    job.save()


@task()
def apply_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        sheet = _read(job)
        with transaction.atomic():
            plan = importer.apply(sheet, actor=job.created_by, progress=_progress(job_id))
            job.processed = job.total = plan.total
            _store_outcome(job, plan)
            job.state = ImportJob.State.DONE if plan.ok else ImportJob.State.REJECTED
            job.finished_at = timezone.now()
            job.save()
            if plan.ok:
                audit.record(
                    actor=job.created_by,
                    action="registry.import",
                    target=job,
                    changes=plan.summary(),
                )
    except SpreadsheetError as exc:
        job.state = ImportJob.State.FAILED
        job.problems = [{"row": 1, "column": "", "value": "", "reason": str(exc)}]
        job.finished_at = timezone.now()
        job.save()
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, finished_at=timezone.now()
        )
        raise
