"""Every write to the registry goes through here: validated, in a transaction, audited.

The web forms, the API, the importer and the management commands all call these, so a
change behaves the same whichever way it arrives.
"""

from typing import Any

from django.db import transaction

from hamafza.core import audit
from hamafza.registry.models import BoardMembership, Cooperative, Document, ImportJob, Union

# What a cooperative's own representative may change; identity and legal status come from
# the registration office and are kept by chamber staff.
REPRESENTATIVE_FIELDS = (
    "ceo_name",
    "mobile",
    "postal_code",
    "address",
    "description",
    "website",
    "members",
    "employees",
    "isic_codes",
)
STAFF_FIELDS = (
    "name",
    "national_id",
    "registration_number",
    "county",
    "sector",
    "status",
    "registered_on",
    "capital_rial",
    "union",
    *REPRESENTATIVE_FIELDS,
)
# The same split for a union's record: its representatives keep the contact fields, staff the
# identity and legal status too. A union has no members, employees, capital or ISIC codes.
# In the order of the edit form: the two-column fields first, the wide ones last.
UNION_REPRESENTATIVE_FIELDS = (
    "ceo_name",
    "mobile",
    "postal_code",
    "website",
    "address",
    "description",
)
UNION_STAFF_FIELDS = (
    "name",
    "national_id",
    "registration_number",
    "registered_on",
    "county",
    "sector",
    "status",
    *UNION_REPRESENTATIVE_FIELDS,
)


def _snapshot(obj, fields) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


@transaction.atomic
def cooperative_create(*, actor, **fields: Any) -> Cooperative:
    cooperative = Cooperative(**fields)
    cooperative.full_clean()
    cooperative.save()
    audit.record(
        actor=actor,
        action="registry.cooperative_create",
        target=cooperative,
        changes=audit.diff({}, _snapshot(cooperative, fields)),
    )
    return cooperative


@transaction.atomic
def cooperative_update(*, actor, cooperative: Cooperative, **fields: Any) -> dict[str, list]:
    """Apply the changed fields; returns {field: [old, new]} of what really changed."""
    before = _snapshot(cooperative, fields)
    for name, value in fields.items():
        setattr(cooperative, name, value)
    changes = audit.diff(before, _snapshot(cooperative, fields))
    if not changes:
        return {}
    cooperative.full_clean()
    cooperative.save()
    audit.record(
        actor=actor, action="registry.cooperative_update", target=cooperative, changes=changes
    )
    return changes


@transaction.atomic
def union_update(*, actor, union: Union, **fields: Any) -> dict[str, list]:
    before = _snapshot(union, fields)
    for name, value in fields.items():
        setattr(union, name, value)
    changes = audit.diff(before, _snapshot(union, fields))
    if changes:
        union.full_clean()
        union.save()
        audit.record(actor=actor, action="registry.union_update", target=union, changes=changes)
    return changes


def board_term_refresh(cooperative: Cooperative) -> None:
    """Keep the denormalised board_term_ends_on in step with the board memberships."""
    latest = (
        BoardMembership.objects.filter(cooperative=cooperative)
        .order_by("-term_end")
        .values_list("term_end", flat=True)
        .first()
    )
    if cooperative.board_term_ends_on != latest:
        cooperative.board_term_ends_on = latest
        cooperative.save(update_fields=["board_term_ends_on"])


@transaction.atomic
def board_member_add(
    *, actor, cooperative: Cooperative, person, role: str, term_start, term_end
) -> BoardMembership:
    membership = BoardMembership(
        cooperative=cooperative,
        person=person,
        role=role,
        term_start=term_start,
        term_end=term_end,
    )
    membership.full_clean()
    membership.save()
    board_term_refresh(cooperative)
    audit.record(
        actor=actor,
        action="registry.board_member_add",
        target=cooperative,
        changes={"person": str(person), "role": role, "term_end": str(term_end)},
    )
    return membership


@transaction.atomic
def import_job_start(*, actor, uploaded) -> ImportJob:
    """Keep the uploaded file (never served) and check it in the background."""
    from hamafza.registry.tasks import check_import

    job = ImportJob(created_by=actor, original_name=uploaded.name[:255])
    job.file.save(f"registry-{actor.pk}.upload", uploaded, save=False)
    job.save()
    audit.record(actor=actor, action="registry.import_upload", target=job)
    check_import.enqueue(job.pk)
    return job


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    from hamafza.registry.tasks import apply_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state != ImportJob.State.READY:
        raise ValueError("not ready")
    job.state = ImportJob.State.IMPORTING
    job.processed = 0
    job.save(update_fields=["state", "processed"])
    apply_import.enqueue(job.pk)
    return job


@transaction.atomic
def document_add(
    *, actor, cooperative: Cooperative, kind: str, title: str, uploaded, content_type: str
) -> Document:
    document = Document(
        cooperative=cooperative,
        kind=kind,
        title=title,
        original_name=uploaded.name[:255],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    document.file.save("upload", uploaded, save=False)
    document.full_clean()
    document.save()
    audit.record(
        actor=actor,
        action="registry.document_add",
        target=cooperative,
        changes={"document": title, "kind": kind, "size": uploaded.size},
    )
    return document


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    cooperative = document.cooperative
    title = document.title
    document.file.delete(save=False)
    document.delete()
    audit.record(
        actor=actor,
        action="registry.document_delete",
        target=cooperative,
        changes={"document": title},
    )
