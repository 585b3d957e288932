"""Actions on resolutions: creation, progress reports with evidence, refusals, evidence
downloads, derived overdue, the resolution's progress, "my actions" and the follow-up board."""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import Role
from hamafza.conftest import make_user, sign_in
from hamafza.core.models import Notification
from hamafza.decisions.models import AgendaItem, Meeting, MeetingKind, Resolution
from hamafza.followup import services
from hamafza.followup.models import Action, Evidence, Organisation, ProgressUpdate
from hamafza.persian.jalali import format_jalali_date

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def jalali(date: datetime.date, persian: bool = False) -> str:
    return format_jalali_date(date, persian_digits=persian)


def make_resolution(world, *, passed_on=None, published=True, title="حمایت از تعاونی‌های زعفران"):
    n = next(_numbers)
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title=f"جلسه هیئت رئیسه {n}",
        starts_at=timezone.now() - datetime.timedelta(days=20),
        place="سالن جلسات",
        state=Meeting.State.HELD,
        created_by=world.users["staff"],
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, title=title, state="passed")
    return Resolution.objects.create(
        number=f"1404/ه{n}/1",
        item=item,
        meeting=meeting,
        title=title,
        text="متن مصوبه",
        passed_on=passed_on or days(-20),
        published=published,
    )


def directorate_body(world) -> Organisation:
    body, _created = Organisation.objects.get_or_create(
        name="اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی",
        defaults={"kind": Organisation.Kind.DIRECTORATE},
    )
    body.members.add(world.users["directorate"])
    return body


def coop_body(world) -> Organisation:
    body, _created = Organisation.objects.get_or_create(
        name=world.coop_a.name,
        defaults={"kind": Organisation.Kind.COOPERATIVE, "cooperative": world.coop_a},
    )
    return body


def make_action(world, *, resolution=None, responsible=None, due_on=None, **fields) -> Action:
    return services.action_create(
        actor=world.users["staff"],
        resolution=resolution or make_resolution(world),
        title=fields.pop("title", "پیگیری تسهیلات بانکی"),
        responsible=responsible or directorate_body(world),
        due_on=due_on or days(10),
        **fields,
    )


def update_url(action) -> str:
    return reverse("followup:action_update", args=[action.pk])


def detail_url(action) -> str:
    return reverse("followup:action_detail", args=[action.pk])


def post_update(client, action, **data):
    payload = {"text": "گزارش پیشرفت کار", "status": "in_progress", "progress": "30"}
    payload.update(data)
    return client.post(update_url(action), payload)


# --------------------------------------------------------------------------- creation
def test_it_creates_an_action_from_a_resolution_with_a_jalali_due_date(world, client_for):
    resolution = make_resolution(world)
    body = directorate_body(world)
    response = client_for("staff").post(
        reverse("followup:action_create", args=[resolution.pk]),
        {
            "title": "پیگیری معافیت مالیاتی تعاونی‌ها",
            "description": "نامه به اداره کل امور مالیاتی",
            "responsible": body.pk,
            "owner": "directorate",
            "due_on": jalali(days(30), persian=True),
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(action)
    assert action.resolution == resolution
    assert action.responsible == body
    assert action.owner == world.users["directorate"]
    assert action.due_on == days(30)
    assert action.status == Action.Status.NOT_STARTED and action.progress == 0
    # The responsible people were told.
    assert Notification.objects.filter(user=world.users["directorate"]).exists()


def test_it_creates_a_new_outside_body_inline(world, client_for):
    resolution = make_resolution(world)
    response = client_for("staff").post(
        reverse("followup:action_create", args=[resolution.pk]),
        {
            "title": "گشایش خط اعتباری",
            "new_name": "بانک توسعه تعاون استان",
            "new_kind": "outside",
            "due_on": jalali(days(15)),
        },
    )
    assert response.status_code == 302
    body = Organisation.objects.get(name="بانک توسعه تعاون استان")
    assert body.kind == Organisation.Kind.OUTSIDE
    assert Action.objects.get().responsible == body


def test_it_links_an_inline_cooperative_body_to_the_registry(world, client_for):
    resolution = make_resolution(world)
    response = client_for("staff").post(
        reverse("followup:action_create", args=[resolution.pk]),
        {
            # Arabic yeh and kaf, as official letters still write it: normalized to match.
            "title": "ثبت قرارداد",
            "new_name": world.coop_a.name.replace("ی", "ي"),
            "new_kind": "cooperative",
            "due_on": jalali(days(15)),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.responsible.cooperative == world.coop_a
    assert services.can_update(world.users["coop"], action)


def test_it_asks_for_a_responsible_body(world, client_for):
    resolution = make_resolution(world)
    response = client_for("staff").post(
        reverse("followup:action_create", args=[resolution.pk]),
        {"title": "اقدام بی‌مسئول", "due_on": jalali(days(15))},
    )
    assert response.status_code == 422
    assert "نهاد مسئول را از فهرست انتخاب کنید" in response.content.decode()
    assert not Action.objects.exists()


def test_it_refuses_a_due_date_before_the_resolution_and_keeps_what_was_typed(world, client_for):
    resolution = make_resolution(world, passed_on=days(-5))
    response = client_for("staff").post(
        reverse("followup:action_create", args=[resolution.pk]),
        {
            "title": "اقدامی با مهلت نادرست",
            "description": "شرحی که نباید گم شود",
            "new_name": "اداره کل امور مالیاتی استان",
            "new_kind": "outside",
            "owner": "directorate",
            "due_on": jalali(days(-6)),
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "مهلت اقدام نمی‌تواند پیش از تاریخ تصویب مصوبه باشد." in html
    assert not Action.objects.exists()
    # The body typed in was not kept either: the whole creation was refused.
    assert not Organisation.objects.filter(name="اداره کل امور مالیاتی استان").exists()
    for typed in ["اقدامی با مهلت نادرست", "شرحی که نباید گم شود", "اداره کل امور مالیاتی استان"]:
        assert typed in html
    assert 'value="directorate"' in html
    assert f'value="{jalali(days(-6))}"' in html


def test_it_refuses_an_unknown_owner(world, client_for):
    resolution = make_resolution(world)
    response = client_for("staff").post(
        reverse("followup:action_create", args=[resolution.pk]),
        {
            "title": "اقدام",
            "responsible": directorate_body(world).pk,
            "owner": "nobody-here",
            "due_on": jalali(days(5)),
        },
    )
    assert response.status_code == 422
    assert "nobody-here" in response.content.decode()
    assert not Action.objects.exists()


def test_it_lets_staff_edit_an_action_and_refuses_an_early_due_date(world, client_for):
    action = make_action(world)
    url = reverse("followup:action_edit", args=[action.pk])
    client = client_for("staff")
    response = client.get(url)
    assert response.status_code == 200
    assert action.title in response.content.decode()
    response = client.post(
        url,
        {
            "title": "عنوان تازه",
            "responsible": action.responsible_id,
            "due_on": jalali(action.resolution.passed_on - datetime.timedelta(days=1)),
        },
    )
    assert response.status_code == 422
    assert "مهلت اقدام نمی‌تواند پیش از تاریخ تصویب مصوبه باشد." in response.content.decode()
    action.refresh_from_db()
    assert action.title == "پیگیری تسهیلات بانکی"
    response = client.post(
        url,
        {"title": "عنوان تازه", "responsible": action.responsible_id, "due_on": jalali(days(40))},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "عنوان تازه" and action.due_on == days(40)


# --------------------------------------------------------------------------- progress
def test_it_lets_a_directorate_member_report_progress(world, client_for):
    action = make_action(world)
    response = post_update(client_for("directorate"), action, progress="۴۵")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.progress == 45
    update = ProgressUpdate.objects.get()
    assert update.author == world.users["directorate"]
    assert (update.status_before, update.status_after) == ("not_started", "in_progress")
    assert (update.progress_before, update.progress_after) == (0, 45)
    html = client_for("directorate").get(detail_url(action)).content.decode()
    assert "گزارش پیشرفت کار" in html
    assert "آغاز نشده ← در حال انجام" in html
    assert "۰٪ ← ۴۵٪" in html


def test_it_lets_a_cooperative_representative_report_for_their_cooperative(world, client_for):
    action = make_action(world, responsible=coop_body(world))
    assert (
        'data-testid="update-form"' in client_for("coop").get(detail_url(action)).content.decode()
    )
    response = post_update(client_for("coop"), action, status="blocked", progress="10")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.BLOCKED and action.progress == 10


def test_it_tells_the_followers_of_an_action_about_a_report_but_not_its_author(world, client_for):
    from hamafza.core.models import Notification

    action = make_action(world, responsible=coop_body(world), owner=world.users["admin"])
    Notification.objects.all().delete()
    post_update(client_for("coop"), action, text="نامه به بانک رسید", progress="40")
    told = set(
        Notification.objects.filter(kind="action_updated").values_list("user__username", flat=True)
    )
    assert told == {"staff", "admin"}  # its creator and owner; not coop, who wrote it
    note = Notification.objects.filter(kind="action_updated").first()
    assert "۴۰" in note.body and "نامه به بانک رسید" in note.body


def test_it_lets_the_union_report_for_a_union_body(world, client_for):
    body = Organisation.objects.create(
        name=world.union.name, kind=Organisation.Kind.UNION, union=world.union
    )
    action = make_action(world, responsible=body)
    assert post_update(client_for("union"), action).status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_it_refuses_an_update_by_someone_not_responsible(world, client_for):
    action = make_action(world)  # the directorate body's
    for persona, status in [("board", 403), ("coop", 404), ("coop2", 404), ("union", 404)]:
        response = post_update(client_for(persona), action, text="گزارش ناروا")
        assert response.status_code == status, persona
    # A board member may read every action, but reports only on what is theirs to do.
    outsider = make_user("board-2", Role.BOARD)
    client = sign_in(client_for("public"), outsider)
    page = client.get(detail_url(action)).content.decode()
    assert 'data-testid="update-form"' not in page
    response = post_update(client, action, text="گزارش ناروا")
    assert response.status_code == 403
    html = response.content.decode()
    assert "فقط مسئول این اقدام یا کارشناسان اتاق گزارش می‌دهند." in html
    assert "گزارش ناروا" in html  # what they typed is shown back
    assert not ProgressUpdate.objects.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED and action.progress == 0


@pytest.mark.parametrize("progress", ["101", "-1", "۱۰۱"])
def test_it_refuses_progress_outside_0_to_100(world, client_for, progress):
    action = make_action(world)
    response = post_update(client_for("directorate"), action, progress=progress, text="متن من")
    html = response.content.decode()
    assert response.status_code == 422
    assert "پیشرفت باید عددی بین ۰ و ۱۰۰ باشد." in html
    assert "متن من" in html
    assert f'value="{progress}"' in html
    assert not ProgressUpdate.objects.exists()
    action.refresh_from_db()
    assert action.progress == 0


def test_it_refuses_progress_that_is_not_a_number(world, client_for):
    action = make_action(world)
    response = post_update(client_for("directorate"), action, progress="نیمی")
    assert response.status_code == 422
    assert "پیشرفت باید عددی بین ۰ و ۱۰۰ باشد." in response.content.decode()


def test_it_refuses_done_without_evidence_or_reason(world, client_for):
    action = make_action(world)
    response = post_update(client_for("directorate"), action, status="done", text="تمام شد")
    html = response.content.decode()
    assert response.status_code == 422
    assert "مستندی پیوست کنید یا بنویسید چرا مستندی در کار نیست" in html
    assert "تمام شد" in html
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED
    assert action.completed_on is None


def test_it_accepts_done_with_evidence(world, client_for):
    action = make_action(world)
    response = client_for("directorate").post(
        update_url(action),
        {
            "text": "تسهیلات پرداخت شد",
            "status": "done",
            "progress": "60",
            "files": [
                SimpleUploadedFile("نامه بانک.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png"),
            ],
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.progress == 100
    assert action.completed_on == today()
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == [
        "photo.png",
        "نامه بانک.pdf",
    ]
    html = client_for("directorate").get(detail_url(action)).content.decode()
    assert "نامه بانک.pdf" in html
    evidence = Evidence.objects.get(original_name="photo.png")
    assert reverse("followup:evidence", args=[action.pk, evidence.pk]) in html
    assert 'data-testid="completed-on"' in html


def test_it_accepts_done_with_a_stated_reason(world, client_for):
    action = make_action(world)
    response = post_update(
        client_for("staff"),
        action,
        status="done",
        progress="",
        no_evidence_reason="ابلاغ شفاهی در جلسه مشترک انجام شد.",
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.progress == 100
    assert action.completed_on == today()
    assert "ابلاغ شفاهی" in client_for("staff").get(detail_url(action)).content.decode()


def test_it_refuses_a_forbidden_file_type(world, client_for, settings):
    action = make_action(world)
    response = client_for("directorate").post(
        update_url(action),
        {
            "text": "گزارش با پیوست",
            "status": "done",
            "progress": "100",
            "files": [
                SimpleUploadedFile(
                    "setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00", content_type="application/pdf"
                )
            ],
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "setup.pdf" in html and "این نوع فایل پذیرفته نیست" in html
    assert "گزارش با پیوست" in html
    assert "دوباره انتخاب کنید" in html  # the browser does not keep chosen files
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    evidence_dir = settings.MEDIA_ROOT / "followup"
    assert not evidence_dir.exists() or not any(p.is_file() for p in evidence_dir.rglob("*"))
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_it_refuses_a_file_too_large(world, client_for, monkeypatch):
    monkeypatch.setattr("hamafza.core.uploads.MAX_UPLOAD_BYTES", 100)
    action = make_action(world)
    response = client_for("directorate").post(
        update_url(action),
        {
            "text": "گزارش",
            "status": "in_progress",
            "progress": "50",
            "files": [SimpleUploadedFile("big.pdf", PDF + b"0" * 200)],
        },
    )
    assert response.status_code == 422
    assert "حجم فایل بیش از" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_serves_evidence_only_to_those_who_see_the_action(world, client_for):
    action = make_action(world, responsible=coop_body(world))
    services.progress_post(
        actor=world.users["coop"],
        action=action,
        text="قرارداد امضا شد",
        status="done",
        progress=100,
        files=[SimpleUploadedFile("contract.pdf", PDF)],
    )
    evidence = Evidence.objects.get()
    url = reverse("followup:evidence", args=[action.pk, evidence.pk])
    for persona, allowed in [
        ("coop", True),
        ("staff", True),
        ("board", True),
        ("directorate", True),
        ("admin", True),
        ("coop2", False),
        ("union", False),
    ]:
        response = client_for(persona).get(url)
        if allowed:
            assert response.status_code == 200, persona
            assert b"".join(response.streaming_content) == PDF
            assert "attachment" in response["Content-Disposition"]
            assert response["Content-Type"] == "application/pdf"
        else:
            assert response.status_code == 404, persona
    assert client_for("public").get(url).status_code == 302
    # An evidence id under another action is not found.
    other = make_action(world, responsible=coop_body(world))
    wrong = reverse("followup:evidence", args=[other.pk, evidence.pk])
    assert client_for("staff").get(wrong).status_code == 404


# --------------------------------------------------------------------------- overdue
def test_it_derives_overdue(world, client_for):
    resolution = make_resolution(world, passed_on=days(-30))
    late = make_action(world, resolution=resolution, due_on=days(-1), title="اقدام دیرکرده")
    on_time = make_action(world, resolution=resolution, due_on=days(0), title="اقدام امروز")
    finished = make_action(world, resolution=resolution, due_on=days(-1), title="اقدام انجام‌شده")
    services.progress_post(
        actor=world.users["staff"],
        action=finished,
        text="انجام شد",
        status="done",
        progress=100,
        no_evidence_reason="گزارش شفاهی",
    )
    cancelled = make_action(world, resolution=resolution, due_on=days(-3), title="اقدام لغوشده")
    Action.objects.filter(pk=cancelled.pk).update(status=Action.Status.CANCELLED)
    for action in (late, on_time, finished, cancelled):
        action.refresh_from_db()
    assert late.overdue and not on_time.overdue
    assert not finished.overdue and not cancelled.overdue
    client = client_for("staff")
    assert 'data-testid="overdue-badge"' in client.get(detail_url(late)).content.decode()
    assert 'data-testid="overdue-badge"' not in client.get(detail_url(finished)).content.decode()
    assert 'data-testid="overdue-badge"' not in client.get(detail_url(on_time)).content.decode()


# --------------------------------------------------------------------------- resolution page
def test_it_shows_the_resolutions_progress_on_the_resolution_page(world, client_for):
    resolution = make_resolution(world)
    body = directorate_body(world)
    first = make_action(world, resolution=resolution, responsible=body, title="اقدام نخست")
    make_action(
        world,
        resolution=resolution,
        responsible=body,
        title="اقدام دوم",
        owner=world.users["directorate"],
        due_on=days(-2),
    )
    services.progress_post(
        actor=world.users["directorate"],
        action=first,
        text="نیمه راه",
        status="in_progress",
        progress=60,
    )
    url = reverse("decisions:resolution_detail", args=[resolution.pk])
    staff_html = client_for("staff").get(url).content.decode()
    assert services.resolution_progress(resolution) == 30
    assert 'data-progress="30"' in staff_html
    assert "اقدام نخست" in staff_html and "اقدام دوم" in staff_html
    assert body.name in staff_html
    assert 'data-testid="overdue-badge"' in staff_html
    assert reverse("followup:action_create", args=[resolution.pk]) in staff_html
    assert detail_url(first) in staff_html
    assert str(world.users["directorate"]) in staff_html
    # The public sees the actions and their progress, not who owns them nor their pages.
    public = client_for("public").get(url).content.decode()
    assert "اقدام نخست" in public and 'data-progress="30"' in public
    assert detail_url(first) not in public
    assert "پیگیری‌کننده:" not in public
    assert reverse("followup:action_create", args=[resolution.pk]) not in public
    # Board members read everything but do not add actions.
    board = client_for("board").get(url).content.decode()
    assert detail_url(first) in board
    assert 'data-testid="add-action"' not in board


def test_it_says_when_a_resolution_has_no_actions(world, client_for):
    resolution = make_resolution(world)
    html = (
        client_for("staff")
        .get(reverse("decisions:resolution_detail", args=[resolution.pk]))
        .content.decode()
    )
    assert "هنوز اقدامی برای اجرای این مصوبه ثبت نشده است." in html
    assert 'data-testid="add-action"' in html


def test_it_shows_the_escalation_with_a_link_to_the_meeting(world, client_for):
    action = make_action(world, due_on=days(1))
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title="جلسه آینده هیئت رئیسه",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        created_by=world.users["staff"],
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="پیگیری اقدام معوق")
    Action.objects.filter(pk=action.pk).update(escalated_item=item)
    html = client_for("board").get(detail_url(action)).content.decode()
    assert 'data-testid="escalation"' in html
    assert reverse("decisions:meeting_detail", args=[meeting.pk]) in html
    # The directorate member sees the note; the meeting link only if they may see the meeting.
    assert (
        "جلسه آینده هیئت رئیسه"
        in client_for("directorate").get(detail_url(action)).content.decode()
    )


# --------------------------------------------------------------------------- lists
def test_it_lists_my_actions_overdue_first_with_counts(world, client_for):
    resolution = make_resolution(world, passed_on=days(-60))
    body = directorate_body(world)
    later = make_action(
        world, resolution=resolution, responsible=body, due_on=days(20), title="الف"
    )
    sooner = make_action(world, resolution=resolution, responsible=body, due_on=days(3), title="ب")
    late = make_action(world, resolution=resolution, responsible=body, due_on=days(-4), title="پ")
    owned = make_action(
        world,
        resolution=resolution,
        responsible=coop_body(world),
        owner=world.users["directorate"],
        due_on=days(5),
        title="ت",
    )
    others = make_action(world, resolution=resolution, responsible=coop_body(world), title="ث")
    response = client_for("directorate").get(reverse("followup:my_actions"))
    html = response.content.decode()
    assert response.status_code == 200
    order = [a.pk for a in response.context["page"].object_list]
    assert order == [late.pk, sooner.pk, owned.pk, later.pk]
    assert others.pk not in order
    counts = response.context["counts"]
    assert counts["total"] == 4 and counts["overdue"] == 1
    assert {v: n for v, _label, n in counts["statuses"]}["not_started"] == 4
    assert 'data-count="overdue"' in html
    only_late = client_for("directorate").get(reverse("followup:my_actions"), {"status": "overdue"})
    assert [a.pk for a in only_late.context["page"].object_list] == [late.pk]
    # The cooperative's representative sees theirs only.
    coop = client_for("coop").get(reverse("followup:my_actions"))
    assert {a.pk for a in coop.context["page"].object_list} == {owned.pk, others.pk}
    assert not client_for("coop2").get(reverse("followup:my_actions")).context["page"].object_list


def test_it_shows_the_board_overdue_first_and_filters_it(world, client_for):
    resolution = make_resolution(world, passed_on=days(-60))
    directorate, coop = directorate_body(world), coop_body(world)
    a = make_action(world, resolution=resolution, responsible=directorate, due_on=days(9))
    b = make_action(world, resolution=resolution, responsible=coop, due_on=days(2))
    c = make_action(world, resolution=resolution, responsible=coop, due_on=days(-3))
    d = make_action(world, resolution=resolution, responsible=directorate, due_on=days(-10))
    services.progress_post(
        actor=world.users["staff"],
        action=d,
        text="انجام شد",
        status="done",
        progress=100,
        no_evidence_reason="گزارش شفاهی",
    )
    url = reverse("followup:board")
    client = client_for("board")

    def listed(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [x.pk for x in response.context["page"].object_list]

    assert listed() == [c.pk, d.pk, b.pk, a.pk]
    assert listed(status="done") == [d.pk]
    assert listed(responsible=coop.pk) == [c.pk, b.pk]
    assert listed(overdue="on") == [c.pk]
    assert listed(due_from=jalali(days(0)), due_to=jalali(days(10), persian=True)) == [b.pk, a.pk]
    assert listed(sort="-due") == [a.pk, b.pk, c.pk, d.pk]
    assert listed(sort="-progress")[0] == d.pk
    response = client.get(url, {"due_from": jalali(days(5)), "due_to": jalali(days(1))})
    assert "«مهلت تا» نمی‌تواند پیش از «مهلت از» باشد." in response.content.decode()
    # Counts per status within the other filters.
    counts = client.get(url, {"responsible": coop.pk, "status": "done"}).context["counts"]
    assert counts["total"] == 2 and counts["overdue"] == 1


def test_it_paginates_the_board_keeping_the_filters(world, client_for):
    resolution = make_resolution(world, passed_on=days(-60))
    body = directorate_body(world)
    for i in range(30):
        make_action(world, resolution=resolution, responsible=body, due_on=days(i), title=f"ا{i}")
    response = client_for("staff").get(
        reverse("followup:board"), {"responsible": body.pk, "sort": "due"}
    )
    html = response.content.decode()
    assert len(response.context["page"].object_list) == 25
    assert f"?responsible={body.pk}&amp;sort=due&page=2" in html
    page2 = client_for("staff").get(
        reverse("followup:board"), {"responsible": body.pk, "sort": "due", "page": 2}
    )
    assert len(page2.context["page"].object_list) == 5


def _add_actions(world, resolution, n: int, **fields) -> None:
    body = directorate_body(world)
    for i in range(n):
        action = make_action(
            world,
            resolution=resolution,
            responsible=body,
            owner=make_user(f"owner-{next(_numbers)}", Role.DIRECTORATE),
            due_on=days(i - 3),
            **fields,
        )
        services.progress_post(
            actor=world.users["staff"],
            action=action,
            text="گزارش",
            status="in_progress",
            progress=i,
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )


@pytest.mark.parametrize(
    "name", ["followup:board", "followup:my_actions", "decisions:resolution_detail"]
)
def test_it_runs_the_same_queries_whatever_the_number_of_actions(world, client_for, name):
    resolution = make_resolution(world, passed_on=days(-60))
    client = client_for("directorate")
    args = [resolution.pk] if name == "decisions:resolution_detail" else []
    url = reverse(name, args=args)
    _add_actions(world, resolution, 2)
    client.get(url)  # warm caches (session, roles)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_actions(world, resolution, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 15


def test_it_runs_the_same_queries_whatever_the_number_of_reports(world, client_for):
    action = make_action(world)
    client = client_for("directorate")

    def report(n):
        for i in range(n):
            services.progress_post(
                actor=world.users["directorate"],
                action=action,
                text=f"گزارش {i}",
                status="in_progress",
                progress=i,
                files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
            )

    report(1)
    client.get(detail_url(action))
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(action))
    report(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail_url(action))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_it_lets_directorate_officials_report_on_the_directorates_actions(world):
    """By role alone, without being listed as members of the directorate body."""
    import datetime

    from hamafza.decisions.models import AgendaItem, Meeting, Resolution
    from hamafza.followup import permissions, services
    from hamafza.followup.models import Action, Organisation

    staff = world.users["staff"]
    meeting = Meeting.objects.create(
        kind="board", title="جلسه", starts_at=timezone_now(), created_by=staff
    )
    item = AgendaItem.objects.create(meeting=meeting, title="بند", state="passed")
    resolution = Resolution.objects.create(
        number="1405/99/1",
        item=item,
        meeting=meeting,
        title="مصوبه",
        text="متن",
        passed_on=datetime.date(2026, 1, 1),
    )
    body = Organisation.objects.create(name="اداره کل تعاون (آزمون)", kind="directorate")
    action = Action.objects.create(
        resolution=resolution,
        title="اقدام",
        responsible=body,
        due_on=datetime.date(2026, 12, 1),
        created_by=staff,
    )
    directorate = world.users["directorate"]
    assert services.can_update(directorate, action)
    assert action in permissions.my_actions(directorate)
    assert not services.can_update(world.users["board"], action)


def timezone_now():
    from django.utils import timezone

    return timezone.now()
