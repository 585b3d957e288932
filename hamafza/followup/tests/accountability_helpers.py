"""Small builders for the accountability and API tests: resolutions passed by the world's
board, bodies and actions written straight to the database (the services that create them
are tested with the actions area)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from hamafza.decisions import services
from hamafza.decisions.models import MeetingKind, Resolution
from hamafza.followup.models import Action, Evidence, Organisation, ProgressUpdate

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pass_resolutions(
    world, titles: list[str], *, days_ago: int = 60, published: bool = True
) -> list[Resolution]:
    """A board meeting ``days_ago`` days back that passed one resolution per title."""
    staff, board = world.users["staff"], world.users["board"]
    meeting = services.meeting_create(
        actor=staff,
        kind=MeetingKind.BOARD,
        title=f"جلسه هیئت رئیسه {days_ago}",
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    services.attendance_set(actor=staff, meeting=meeting, present_user_ids=[board.pk])
    passed = []
    for title in titles:
        item = services.agenda_item_add(actor=staff, meeting=meeting, title=title)
        services.voting_open(actor=staff, item=item)
        services.vote_cast(actor=board, item=item, choice="for")
        passed.append(services.voting_close(actor=staff, item=item, text=f"متن مصوبه: {title}"))
    if not published:
        Resolution.objects.filter(pk__in=[r.pk for r in passed]).update(published=False)
        for r in passed:
            r.published = False
    return passed


def body(name: str, kind: str = Organisation.Kind.OUTSIDE, members=(), **fields) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, **fields}
    )
    if members:
        organisation.members.add(*members)
    return organisation


def action(
    world,
    resolution: Resolution,
    responsible: Organisation,
    *,
    title: str = "اقدام نمونه",
    status: str = Action.Status.NOT_STARTED,
    progress: int = 0,
    due_in: int = 30,
    done_days_after_due: int | None = None,
    owner=None,
    description: str = "",
) -> Action:
    """An action due ``due_in`` days from today; a done one is completed
    ``done_days_after_due`` days after its due date (negative: early)."""
    today = timezone.localdate()
    due_on = today + datetime.timedelta(days=due_in)
    completed_on = None
    if status == Action.Status.DONE:
        progress = 100
        completed_on = due_on + datetime.timedelta(days=done_days_after_due or 0)
    return Action.objects.create(
        resolution=resolution,
        title=title,
        description=description,
        responsible=responsible,
        owner=owner,
        due_on=due_on,
        status=status,
        progress=progress,
        completed_on=completed_on,
        created_by=world.users["staff"],
    )


def report(
    world, a: Action, *, text: str, status: str, progress: int, author=None, evidence: int = 0
) -> ProgressUpdate:
    """A progress report on the timeline (the action itself is left as it is)."""
    update = ProgressUpdate.objects.create(
        action=a,
        author=author or world.users["staff"],
        text=text,
        status_before=a.status,
        status_after=status,
        progress_before=a.progress,
        progress_after=progress,
    )
    for n in range(evidence):
        e = Evidence(
            update=update,
            original_name=f"gozaresh-{n}.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
        e.file.save("evidence", ContentFile(PDF), save=False)
        e.save()
    return update
