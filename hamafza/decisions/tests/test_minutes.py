"""Minutes (صورتجلسه): the PDF, the lock once final, amendments with history, downloads."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import Role
from hamafza.conftest import make_user
from hamafza.decisions import services
from hamafza.decisions.models import Meeting, MeetingKind, Minutes, MinutesAmendment
from hamafza.decisions.pdf import render_minutes
from hamafza.persian.text import normalize

pytestmark = pytest.mark.django_db

STARTS = timezone.make_aware(datetime.datetime(2025, 7, 6, 10, 30))  # ۱۵ تیر ۱۴۰۴


def held_meeting(world, *, title="جلسه هیئت رئیسه درباره زنجیره ارزش زعفران") -> Meeting:
    """A board meeting with three board members (two present), two closed items (one passed,
    one rejected) and one never voted on."""
    staff, board = world.users["staff"], world.users["board"]
    second = make_user("board-2", Role.BOARD)
    make_user("board-3", Role.BOARD)
    second.first_name, second.last_name = "مریم", "رضایی"
    second.save()
    meeting = services.meeting_create(
        actor=staff,
        kind=MeetingKind.JOINT,
        title=title,
        starts_at=STARTS,
        place="سالن جلسات اتاق تعاون، مشهد",
    )
    services.attendance_set(
        actor=staff,
        meeting=meeting,
        present_user_ids=[board.pk, second.pk, world.users["directorate"].pk],
    )
    passed = services.agenda_item_add(
        actor=staff,
        meeting=meeting,
        title="تکمیل زنجیره ارزش زعفران با شبکه‌سازی تعاونی‌ها",
        description="تشکیل شبکه فروش مشترک برای ۱۲ تعاونی زعفران‌کار.",
        legal_basis="ماده ۶۳ قانون بخش تعاونی",
    )
    services.voting_open(actor=staff, item=passed)
    services.vote_cast(actor=board, item=passed, choice="for")
    services.vote_cast(actor=second, item=passed, choice="for")
    services.voting_close(actor=staff, item=passed, text="اتاق شبکه فروش مشترک را راه می‌اندازد.")
    rejected = services.agenda_item_add(actor=staff, meeting=meeting, title="افزایش حق عضویت")
    services.voting_open(actor=staff, item=rejected)
    services.vote_cast(actor=board, item=rejected, choice="against")
    services.vote_cast(actor=second, item=rejected, choice="abstain")
    services.voting_close(actor=staff, item=rejected)
    services.agenda_item_add(actor=staff, meeting=meeting, title="گزارش دبیرخانه")
    services.minutes_save(actor=staff, meeting=meeting, summary="گزارش دبیرخانه شنیده شد.")
    return meeting


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)


def poppler(tool: str, *args: str) -> str:
    """Run one of poppler-utils' programs (pdftotext, pdfinfo, pdffonts) on our own file."""
    command = [shutil.which(tool), *args]
    return subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "m.pdf"
    path.write_bytes(data)
    return poppler("pdftotext", "-enc", "UTF-8", str(path), "-")


def pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    info = poppler("pdfinfo", str(path))
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_it_renders_the_minutes_as_a_real_pdf(world):
    meeting = held_meeting(world)
    minutes = Minutes.objects.get(meeting=meeting)
    data = render_minutes(meeting, minutes).read()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


@needs_poppler
def test_it_embeds_the_vazirmatn_font(world, tmp_path):
    meeting = held_meeting(world)
    path = tmp_path / "m.pdf"
    path.write_bytes(render_minutes(meeting, Minutes.objects.get(meeting=meeting)).read())
    fonts = poppler("pdffonts", str(path))
    names = fonts.splitlines()[2:]
    assert names and all("Vazirmatn" in line for line in names), fonts


@needs_poppler
def test_it_puts_attendance_votes_and_resolutions_in_the_pdf(world, tmp_path):
    meeting = held_meeting(world)
    minutes = services.minutes_finalise(actor=world.users["staff"], meeting=meeting)
    data = minutes.pdf.read()
    assert pdf_pages(data, tmp_path) >= 1
    # Text extraction gives shaped glyphs back in visual order; compare normalized words.
    text = normalize(pdf_text(data, tmp_path))
    for word in ["صورتجلسه", "زنجیره", "رضایی", "ممتنع", "مصوبات", "دبیرخانه"]:
        assert normalize(word) in text, word
    number = meeting.resolutions.get().number
    assert number.startswith("1404/")


def test_it_locks_the_minutes_once_final(world, client_for):
    meeting = held_meeting(world)
    staff = world.users["staff"]
    services.minutes_finalise(actor=staff, meeting=meeting)
    with pytest.raises(ValidationError, match="نهایی شده است"):
        services.minutes_save(actor=staff, meeting=meeting, summary="متن دیگر")

    client = client_for("staff")
    url = reverse("decisions:minutes_edit", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="minutes-locked"' in page
    assert 'name="summary"' not in page
    response = client.post(url, {"summary": "دست‌کاری پس از نهایی شدن"})
    assert response.status_code == 409
    assert "اصلاحیه بنویسید" in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).summary == "گزارش دبیرخانه شنیده شد."
    # Nothing else in the meeting changes either.
    item_url = reverse("decisions:agenda_item_add", args=[meeting.pk])
    client.post(item_url, {"source": "free", "title": "بند پس از نهایی شدن"})
    assert not meeting.agenda.filter(title="بند پس از نهایی شدن").exists()
    with pytest.raises(ValidationError):
        services.attendance_set(actor=staff, meeting=meeting, present_user_ids=[])


def test_it_refuses_to_finalise_while_an_item_is_being_voted_on(world, client_for):
    meeting = held_meeting(world)
    item = services.agenda_item_add(actor=world.users["staff"], meeting=meeting, title="بند باز")
    services.voting_open(actor=world.users["staff"], item=item)
    response = client_for("staff").post(
        reverse("decisions:minutes_finalise", args=[meeting.pk]), follow=True
    )
    assert "رأی‌گیری بندی هنوز باز است" in response.content.decode()
    assert not Minutes.objects.get(meeting=meeting).final
    assert Meeting.objects.get(pk=meeting.pk).state != Meeting.State.FINAL


@needs_poppler
def test_it_keeps_the_amendment_history_and_regenerates_the_pdf(world, client_for, tmp_path):
    meeting = held_meeting(world)
    client = client_for("staff")
    client.post(reverse("decisions:minutes_finalise", args=[meeting.pk]))
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.final
    first_pdf = minutes.pdf.read()

    url = reverse("decisions:minutes_amend", args=[meeting.pk])
    assert client.post(url, {"text": ""}).status_code == 422
    client.post(url, {"text": "نام خانم رضایی در فهرست حاضران درست شد."})
    client.post(url, {"text": "ساعت پایان جلسه ۱۲:۳۰ بود."})
    minutes.refresh_from_db()
    assert [a.text for a in minutes.amendments.all()] == [
        "نام خانم رضایی در فهرست حاضران درست شد.",
        "ساعت پایان جلسه ۱۲:۳۰ بود.",
    ]
    assert minutes.summary == "گزارش دبیرخانه شنیده شد."  # the original stays
    second_pdf = minutes.pdf.read()
    assert second_pdf.startswith(b"%PDF-") and second_pdf != first_pdf
    text = normalize(pdf_text(second_pdf, tmp_path))
    # (pdftotext gives lam-alef ligatures back reversed, so words with «لا» are not compared.)
    assert normalize("ساعت پایان جلسه") in text and normalize("فهرست حاضران درست شد") in text
    page = client.get(url).content.decode()
    assert page.count("<li>") >= 2 and "ساعت پایان جلسه" in page


def test_it_refuses_an_amendment_before_the_minutes_are_final(world, client_for):
    meeting = held_meeting(world)
    response = client_for("staff").post(
        reverse("decisions:minutes_amend", args=[meeting.pk]), {"text": "اصلاح"}, follow=True
    )
    assert "هنوز نهایی نشده است" in response.content.decode()
    assert not MinutesAmendment.objects.exists()


def test_it_lets_only_those_allowed_download_the_pdf(world, client_for):
    meeting = held_meeting(world)
    services.minutes_finalise(actor=world.users["staff"], meeting=meeting)
    url = reverse("decisions:minutes_pdf", args=[meeting.pk])
    for persona, status in [
        ("public", 302),
        ("coop", 404),
        ("coop2", 404),
        ("union", 404),
        ("staff", 200),
        ("board", 200),
        ("directorate", 200),
        ("admin", 200),
    ]:
        response = client_for(persona).get(url)
        assert response.status_code == status, persona
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_lets_an_invited_commission_member_download_the_pdf(world, client_for):
    staff = world.users["staff"]
    meeting = services.meeting_create(
        actor=staff,
        kind=MeetingKind.COMMISSION,
        title="کمیسیون کشاورزی",
        starts_at=STARTS,
        place="اتاق ۲",
        members=[world.users["coop"], world.users["union"]],
    )
    services.attendance_set(actor=staff, meeting=meeting, present_user_ids=[world.users["coop"].pk])
    services.minutes_finalise(actor=staff, meeting=meeting)
    url = reverse("decisions:minutes_pdf", args=[meeting.pk])
    assert client_for("coop").get(url).status_code == 200
    assert client_for("union").get(url).status_code == 200
    assert client_for("coop2").get(url).status_code == 404


def test_it_answers_404_before_the_minutes_exist(world, client_for):
    meeting = held_meeting(world)
    assert (
        client_for("staff").get(reverse("decisions:minutes_pdf", args=[meeting.pk])).status_code
        == 404
    )
