"""The decisions issue's story, walked end to end in the browser.

A board member opens a consultation to every active cooperative; two cooperatives answer it
through the form; the board member reads the results. Chamber staff set up a board meeting,
put the consultation on its agenda and record attendance (three of four board members, so
the quorum is real); the present members vote; staff close the vote, the item passes and
becomes a numbered resolution; staff finalise the minutes and download them as a PDF.
Screenshots go to artifacts/screenshots/decisions-walk-NN-<step>.png (and the PDF's first
page to decisions-walk-minutes.png when pdftoppm is installed).
"""

import datetime
import re
import shutil
import subprocess

import jdatetime
import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from hamafza.accounts.models import Role
from hamafza.conftest import make_user
from hamafza.core.tests.browser import SCREENSHOT_DIR, PageWatch, click_nav, login, screenshot
from hamafza.decisions.models import (
    AgendaItem,
    Consultation,
    Meeting,
    MeetingMember,
    Minutes,
    Resolution,
    Response,
    Vote,
)
from hamafza.persian.text import to_latin_digits

TITLE = "ایجاد بازارچه دائمی فروش محصولات تعاونی‌ها در مشهد"
QUESTION = (
    "اتاق تعاون پیشنهاد می‌کند بازارچه‌ای دائمی برای عرضه مستقیم محصولات تعاونی‌های استان "
    "در مشهد راه‌اندازی شود. با این پیشنهاد موافقید؟"
)
RESOLUTION_TEXT = (
    "بازارچه دائمی فروش محصولات تعاونی‌ها در مشهد راه‌اندازی می‌شود؛ "
    "دبیرخانه اتاق تا پایان فصل طرح اجرایی آن را ارائه کند."
)
MEETING_TITLE = "جلسه هیئت رئیسه: بازارچه محصولات تعاونی‌ها"
# Board members: username, first and last name; the first three attend, the fourth does not.
BOARD = [
    ("board", "محمد", "رضایی"),
    ("board2", "زهرا", "احمدی"),
    ("board3", "علی", "کریمی"),
    ("board4", "مریم", "حسینی"),
]
PRESENT = ["board", "board2", "board3"]
BIDI_MARKS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))


def jalali(moment: datetime.datetime, *, persian: bool = False) -> str:
    """«1405/09/07 18:00» as a person types it (Latin or Persian digits)."""
    moment = timezone.localtime(moment)
    text = jdatetime.datetime.fromgregorian(datetime=moment).strftime("%Y/%m/%d %H:%M")
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if persian else text


def type_jalali(page, selector: str, text: str) -> None:
    """Type into a Jalali date-time input as a person would, then leave the picker."""
    field = page.locator(selector)
    field.click()
    field.fill("")
    field.press_sequentially(text, delay=10)
    # The picker ignores Escape and outside clicks while it is still opening (300 ms).
    page.wait_for_timeout(400)
    page.keyboard.press("Escape")
    page.locator("h1").click()  # click away: the picker closes
    expect(field).to_have_value(text)


def plain(text: str) -> str:
    """Text as shown, without bidi controls and with Latin digits (to compare numbers)."""
    return to_latin_digits(text.translate(BIDI_MARKS)).strip()


@pytest.mark.browser
def test_consultation_to_resolution_with_pdf_minutes(world, live_server, open_page, tmp_path):
    shots = iter(range(1, 100))
    watches: dict[str, PageWatch] = {}

    def shot(page, step: str) -> None:
        screenshot(page, f"decisions-walk-{next(shots):02d}-{step}")

    def person(username: str):
        page = open_page("laptop")
        watches[username] = PageWatch.attach(page)
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm questions
        login(page, live_server, username)
        return page

    # More board members, before the meeting exists: meeting_create invites every one.
    board_users = {}
    for username, first, last in BOARD:
        user = world.users.get(username) or make_user(username, Role.BOARD)
        user.first_name, user.last_name = first, last
        user.save()
        board_users[username] = user

    now = timezone.localtime()
    closes_at = (now + datetime.timedelta(days=1)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    starts_at = now.replace(hour=10, minute=0, second=0, microsecond=0)

    with override_settings(REQUIRE_2FA=False):
        # 1. A board member opens a consultation to every active cooperative.
        board = person("board")
        click_nav(board, "consultations")
        board.locator("[data-testid=new-consultation]").click()
        form = board.locator("[data-testid=consultation-form]")
        expect(form).to_be_visible()
        board.fill("#id_title", TITLE)
        board.fill("#id_question", QUESTION)
        form.get_by_label("موافقت با پیشنهاد").check()
        expect(board.locator("#id_options")).to_be_hidden()  # not needed for a proposal
        board.select_option("#id_audience", label="همه تعاونی‌های فعال")
        type_jalali(board, "#id_closes_at", jalali(closes_at))
        shot(board, "consultation-form")
        form.get_by_role("button", name="باز کردن نظرخواهی").click()
        board.wait_for_url(re.compile(r"/decisions/consultations/\d+/$"))
        consultation = Consultation.objects.get(title=TITLE)
        expect(board.locator("[data-testid=consultation-state]")).to_have_attribute(
            "data-state", "open"
        )
        expect(board.locator("[data-testid=audience]")).to_have_text("همه تعاونی‌های فعال")
        expect(board.locator("[data-testid=turnout]")).to_contain_text("۰ از ۲")
        shot(board, "consultation-opened")
        assert consultation.kind == Consultation.Kind.PROPOSAL
        assert consultation.audience == Consultation.Audience.ALL
        assert consultation.closes_at == closes_at
        assert consultation.created_by == board_users["board"]

        # 2. Both cooperatives answer through the form, each from its own browser.
        for username, stance, reason, step in [
            (
                "coop",
                "agree",
                "زعفران و محصولات اعضا بی‌واسطه به دست خریدار می‌رسد.",
                "coop-answers",
            ),
            (
                "coop2",
                "disagree",
                "هزینه اجاره غرفه برای تعاونی‌های شهرستان‌های دور سنگین است.",
                "coop2-answers",
            ),
        ]:
            coop = person(username)
            click_nav(coop, "consultations")
            coop.locator(f"tr[data-consultation='{consultation.pk}'] a").click()
            answer = coop.locator("[data-testid=answer-form]")
            expect(answer).to_be_visible()
            coop.locator(f"label[for=stance-{stance}]").click()
            coop.fill("#answer-reason", reason)
            if username == "coop":
                shot(coop, "coop-answer-form")
            answer.get_by_role("button", name="ثبت پاسخ").click()
            coop.wait_for_url(re.compile(r"/decisions/consultations/\d+/\?cooperative=\d+"))
            expect(coop.locator("[data-testid=current-answer]")).to_be_visible()
            expect(coop.get_by_role("alert").first).to_contain_text("پاسخ شما ثبت شد")
            shot(coop, step)

        # The board member reads the results at once (the board sees them before closing).
        board.reload()
        expect(board.locator("[data-testid=turnout]")).to_contain_text("۲ از ۲")
        bars = board.locator("[data-testid=result-bars]")
        expect(bars).to_contain_text("موافق")
        expect(bars.locator("li").first).to_contain_text("۱ (۵۰٪)")
        respondents = board.locator("[data-testid=respondents] tbody tr")
        expect(respondents).to_have_count(2)
        expect(board.locator("[data-testid=respondents]")).to_contain_text(world.coop_a.name)
        expect(board.locator("[data-testid=respondents]")).to_contain_text(world.coop_b.name)
        shot(board, "board-results")

        # 3. Staff set up a board meeting, put the consultation on its agenda, take attendance.
        staff = person("staff")
        click_nav(staff, "meetings")
        staff.locator("[data-testid=meeting-create]").click()
        expect(staff.locator("[data-testid=meeting-form]")).to_be_visible()
        staff.select_option("#id_kind", label="جلسه هیئت رئیسه")
        staff.fill("#id_title", MEETING_TITLE)
        type_jalali(staff, "#id_starts_at", jalali(starts_at, persian=True))
        staff.fill("#id_place", "مشهد، ساختمان اتاق تعاون، تالار شورا")
        shot(staff, "meeting-form")
        staff.get_by_role("button", name="ثبت جلسه و دعوت اعضا").click()
        staff.wait_for_url(re.compile(r"/decisions/meetings/\d+/$"))
        meeting = Meeting.objects.get(title=MEETING_TITLE)
        assert meeting.starts_at == starts_at
        assert MeetingMember.objects.filter(meeting=meeting, voting=True).count() == len(BOARD)
        expect(staff.locator("[data-testid=members] li")).to_have_count(len(BOARD))

        staff.locator("[data-testid=agenda-add]").click()
        agenda_form = staff.locator("[data-testid=agenda-form]")
        agenda_form.get_by_label("از یک نظرخواهی").check()
        staff.select_option("#id_consultation", label=TITLE)
        shot(staff, "agenda-form")
        agenda_form.get_by_role("button", name="افزودن بند").click()
        staff.wait_for_url(re.compile(r"/decisions/meetings/\d+/#item-\d+$"))
        item = AgendaItem.objects.get(meeting=meeting)
        card = staff.locator(f"#item-{item.pk}")
        expect(card).to_contain_text(TITLE)
        expect(card).to_contain_text(f"از نظرخواهی «{TITLE}»")
        expect(card.locator("[data-testid=item-state]")).to_have_text("در انتظار")

        staff.locator("[data-testid=attendance-link]").click()
        for username in PRESENT:
            staff.locator(f"#present-{board_users[username].pk}").check()
        expect(staff.locator(f"#present-{board_users['board4'].pk}")).not_to_be_checked()
        shot(staff, "attendance")
        staff.get_by_role("button", name="ثبت حضور و غیاب").click()
        staff.wait_for_url(re.compile(r"/decisions/meetings/\d+/#attendance$"))
        expect(staff.locator("[data-testid=quorum]")).to_contain_text("۳ از ۴")
        expect(staff.locator("[data-testid=quorum-status]")).to_have_text("حدنصاب حاصل است")
        card.locator("[data-testid=voting-open]").click()
        staff.wait_for_load_state("load")
        expect(card.locator("[data-testid=item-state]")).to_have_text("در حال رأی‌گیری")
        shot(staff, "voting-open")

        # 4. Each present member votes «موافق» from their own browser (htmx swaps the item).
        url = f"{live_server.url}/decisions/meetings/{meeting.pk}/"
        for n, username in enumerate(PRESENT, start=1):
            member = board if username == "board" else person(username)
            member.goto(url)
            item_card = member.locator(f"#item-{item.pk}")
            item_card.get_by_role("button", name="موافقم").click()
            expect(item_card.locator("[data-testid=vote-notice]")).to_have_text(
                "رأی شما ثبت شد: موافق."
            )
            expect(item_card.locator("[data-testid=my-vote]")).to_have_text("رأی شما: موافق")
            if n == len(PRESENT):
                expect(item_card).to_contain_text("۳ رأی از ۳ عضو حاضر")
                shot(member, "member-votes")
        assert Vote.objects.filter(item=item, choice=Vote.Choice.FOR).count() == len(PRESENT)

        # Staff close the vote: the item passes and becomes a numbered resolution.
        staff.goto(url)
        card.locator("textarea").fill(RESOLUTION_TEXT)
        card.locator("[data-testid=voting-close]").click()
        staff.wait_for_url(re.compile(rf"/decisions/meetings/{meeting.pk}/#item-{item.pk}$"))
        expect(card.locator("[data-testid=item-state]")).to_have_text("تصویب شد")
        resolution = Resolution.objects.get(item=item)
        number_link = card.locator("[data-testid=resolution-link]")
        expect(number_link).to_be_visible()
        assert plain(number_link.inner_text()) == resolution.number
        expect(card.locator("[data-testid=item-result]")).to_contain_text("۳")
        shot(staff, "item-passed")

        # 5. Staff finalise the minutes; the PDF is downloaded; the resolution shows its origin.
        staff.locator("[data-testid=minutes-finalise]").click()
        staff.wait_for_url(re.compile(rf"/decisions/meetings/{meeting.pk}/#minutes$"))
        expect(staff.locator("[data-testid=meeting-state]")).to_have_text("صورتجلسه نهایی شد")
        pdf_link = staff.locator("[data-testid=minutes-pdf]")
        expect(pdf_link).to_be_visible()
        shot(staff, "minutes-final")
        with staff.expect_download() as download:
            pdf_link.click()
        assert download.value.suggested_filename.endswith(".pdf")
        pdf = tmp_path / download.value.suggested_filename
        download.value.save_as(pdf)
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF")
        assert len(content) > 1024
        if shutil.which("pdftoppm"):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            subprocess.run(  # noqa: S603 (a fixed tool on our own file)
                [
                    shutil.which("pdftoppm"),
                    "-png",
                    "-r",
                    "50",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(SCREENSHOT_DIR / "decisions-walk-minutes"),
                ],
                check=True,
                timeout=30,
            )

        number_link.click()
        staff.wait_for_url(re.compile(rf"/decisions/resolutions/{resolution.pk}/$"))
        assert plain(staff.locator("[data-testid=resolution-number]").inner_text()) == (
            resolution.number
        )
        expect(staff.locator("h1")).to_have_text(TITLE)
        expect(staff.locator("[data-testid=resolution-text]")).to_have_text(RESOLUTION_TEXT)
        origin = staff.locator("aside")
        expect(origin.get_by_role("link", name=TITLE)).to_have_attribute(
            "href", f"/decisions/consultations/{consultation.pk}/"
        )
        expect(origin.get_by_role("link", name=MEETING_TITLE)).to_be_visible()
        expect(origin).to_contain_text("۳ موافق، ۰ مخالف، ۰ ممتنع از ۳ عضو حاضر")
        shot(staff, "resolution")

    # The database agrees with what the pages showed.
    responses = Response.objects.filter(consultation=consultation)
    assert sorted(responses.values_list("cooperative_id", flat=True)) == sorted(
        [world.coop_a.pk, world.coop_b.pk]
    )
    assert {r.cooperative_id: r.stance for r in responses} == {
        world.coop_a.pk: "agree",
        world.coop_b.pk: "disagree",
    }
    item.refresh_from_db()
    assert item.state == AgendaItem.State.PASSED
    assert item.consultation == consultation
    assert (item.votes_for, item.votes_against, item.votes_abstain, item.present_count) == (
        3,
        0,
        0,
        3,
    )
    resolution = Resolution.objects.get(item=item)
    assert resolution.meeting == meeting
    assert resolution.text == RESOLUTION_TEXT
    assert re.fullmatch(r"\d{4}/\d+/1", resolution.number), resolution.number
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.final and minutes.pdf
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.FINAL

    for username, watch in watches.items():
        assert watch.problems() == [], (username, watch.problems())
        assert watch.csp_violations() == [], (username, watch.csp_violations())
