import datetime
import io
import itertools
import random

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from hamafza.accounts.models import User
from hamafza.cases.models import Case
from hamafza.core import demo as core_demo
from hamafza.decisions.models import AgendaItem, Meeting, Resolution
from hamafza.followup import demo, permissions, services
from hamafza.followup.models import Action, Evidence, Organisation, ProgressUpdate

S = Action.Status


@pytest.fixture
def built(db):
    return core_demo.build(cooperatives=40, seed=4)


def _signature() -> list[tuple]:
    return list(
        Action.objects.order_by("resolution__number", "title", "responsible__name").values_list(
            "resolution__number",
            "title",
            "responsible__name",
            "due_on",
            "status",
            "progress",
            "completed_on",
            "owner__username",
        )
    )


def test_it_creates_the_responsible_bodies_with_their_people(built):
    assert built.organisations == Organisation.objects.count() >= 9
    assert built.actions == Action.objects.count()
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {
        "اتاق تعاون خراسان رضوی — معاونت برنامه‌ریزی",
        "اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی",
        "بانک توسعه تعاون",
    } <= names
    assert any(n.startswith("اداره کل امور مالیاتی") for n in names)
    assert any(n.startswith("سازمان جهاد کشاورزی") for n in names)
    kinds = {k: Organisation.objects.filter(kind=k).count() for k in Organisation.Kind.values}
    assert kinds["chamber"] >= 2 and kinds["directorate"] == 1 and kinds["union"] == 1
    assert kinds["cooperative"] >= 2 and kinds["outside"] >= 3
    staff, directorate = (
        User.objects.get(username="staff"),
        User.objects.get(username="directorate"),
    )
    for chamber in Organisation.objects.filter(kind="chamber"):
        assert staff in chamber.members.all()
    assert directorate in Organisation.objects.get(kind="directorate").members.all()
    union = Organisation.objects.get(kind="union")
    assert union.union_id in User.objects.get(username="union").union_ids
    # Each responsible sign-in has something to do; coop is reminded soon.
    for username in ("staff", "directorate", "union", "coop"):
        user = User.objects.get(username=username)
        assert permissions.my_actions(user).exists(), username
    coop = User.objects.get(username="coop")
    soon = timezone.localdate() + datetime.timedelta(days=3)
    assert (
        permissions.my_actions(coop)
        .filter(status__in=Action.OPEN_STATUSES, due_on__gte=timezone.localdate(), due_on__lte=soon)
        .exists()
    )
    # Resolutions get a derived progress: some complete, some under way.
    with_progress = [services.resolution_progress(r) for r in Resolution.objects.all()]
    assert any(p == 100 for p in with_progress)
    assert any(p is not None and 0 < p < 100 for p in with_progress)


def test_it_has_actions_in_every_state_with_reports_and_pdf_evidence(built):
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == set(S.values)
    for done in Action.objects.filter(status=S.DONE):
        assert done.progress == 100 and done.completed_on is not None
        last = done.updates.order_by("posted_at", "id").last()
        assert last.status_after == S.DONE
        assert last.evidence.exists() or last.no_evidence_reason
        assert timezone.localtime(last.posted_at).date() == done.completed_on
    assert Evidence.objects.count() >= 3
    for evidence in Evidence.objects.all()[:3]:
        data = evidence.file.read()
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
        assert evidence.size == len(data) and evidence.content_type == "application/pdf"
    # Every timeline follows on: each report starts where the previous one ended.
    for a in Action.objects.exclude(status=S.NOT_STARTED).prefetch_related("updates"):
        updates = sorted(a.updates.all(), key=lambda u: (u.posted_at, u.pk))
        assert updates, a
        assert updates[0].status_before == S.NOT_STARTED
        for before, after in itertools.pairwise(updates):
            assert after.status_before == before.status_after
            assert after.progress_before == before.progress_after
        assert (updates[-1].status_after, updates[-1].progress_after) == (a.status, a.progress)
    assert not Action.objects.filter(status=S.NOT_STARTED, updates__isnull=False).exists()
    # Dated after the resolution, never in the future.
    today = timezone.localdate()
    for a in Action.objects.select_related("resolution"):
        assert a.due_on >= a.resolution.passed_on, a
        assert timezone.localtime(a.created_at).date() > a.resolution.passed_on
        if a.completed_on:
            assert a.resolution.passed_on < a.completed_on <= today
    for u in ProgressUpdate.objects.select_related("action__resolution"):
        assert u.action.resolution.passed_on < timezone.localtime(u.posted_at).date() <= today


def test_it_leaves_some_overdue_and_escalates_the_directorates_onto_the_next_meeting(built):
    today = timezone.localdate()
    overdue = [a for a in Action.objects.select_related("responsible") if a.overdue]
    assert len(overdue) >= 3
    limit = today - datetime.timedelta(days=settings.HAMAFZA_ESCALATION_GRACE_DAYS)
    late = [a for a in overdue if a.due_on < limit]
    directorate = User.objects.get(username="directorate")
    assert any(a.owner == directorate and a.responsible.kind == "directorate" for a in late)
    assert len(late) <= 3  # the board is not flooded: the rest were dealt with before
    late = Action.objects.get(owner=directorate, title=demo.LATE_DIRECTORATE_ACTION)
    call_command("tick", stdout=io.StringIO())
    late.refresh_from_db()
    assert late.escalated_item is not None
    meeting = late.escalated_item.meeting
    assert meeting.state == Meeting.State.SCHEDULED and meeting.starts_at > timezone.now()
    assert AgendaItem.objects.filter(meeting=meeting, escalated_actions=late).exists()


def _clear() -> None:
    Case.objects.all().delete()  # the demo cases were referred to some of the bodies
    Action.objects.all().delete()  # with their reports and evidence
    Organisation.objects.all().delete()


def test_it_is_deterministic_for_a_seed(built):
    today = timezone.localdate()
    _clear()
    demo.build(random.Random(7), today=today)
    first = _signature()
    assert first
    _clear()
    demo.build(random.Random(7), today=today)
    assert _signature() == first
    _clear()
    demo.build(random.Random(8), today=today)
    assert _signature() != first


def test_it_builds_once(built):
    assert demo.build(random.Random(4)) == demo.Summary()
    assert Action.objects.count() == built.actions


def test_it_makes_real_pdf_bytes():
    data = demo.tiny_pdf(["Title (with parentheses)", "second line"])
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert data[xref:].startswith(b"xref\n0 6\n")
    # Each object starts where the cross-reference table says.
    table = data[xref:].split(b"\n")[3:8]
    for n, row in enumerate(table, start=1):
        offset = int(row.split()[0])
        assert data[offset:].startswith(b"%d 0 obj" % n)
    assert b"\\(with parentheses\\)" in data
