"""The follow-up issue's story, walked end to end on the demo data.

The demo's overdue action of the directorate, past the grace period, is taken through
`hamafza tick`: its owner is reminded (in the app and by e-mail) and it goes onto the agenda
of the board's next meeting; a second tick sends nothing. The `directorate` user reads the
notice, opens the action, and reports it done with a PDF as evidence; a board member sees
the escalated item on the meeting's agenda; the public sees the action done on the
accountability page, without the evidence.
Screenshots go to artifacts/screenshots/followup-walk-NN-<step>.png.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from hamafza.accounts.models import User
from hamafza.core import demo
from hamafza.core.models import Notification
from hamafza.core.tests.browser import PageWatch, click_nav, login, screenshot
from hamafza.decisions.models import Meeting, MeetingKind
from hamafza.followup.models import Action, Organisation, ProgressUpdate
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import County, Sector
from hamafza.registry.reference import ensure_reference_data

REPORT = (
    "داده‌های ثبتی تعاونی‌های مشمول مصوبه به اتاق فرستاده شد و کارشناس رابط اداره کل "
    "معرفی شد؛ نامه ابلاغ پیوست است."
)
EVIDENCE_NAME = "نامه-ابلاغ-اداره-کل.pdf"
EVIDENCE = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def tick() -> str:
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def sent(output: str) -> int:
    return int(re.search(r"^sent: (\d+)$", output, re.MULTILINE).group(1))


@pytest.mark.browser
def test_overdue_action_is_reminded_escalated_reported_and_shown_done(
    live_server, open_page, tmp_path
):
    shots = iter(range(1, 100))
    watches: list[PageWatch] = []

    def shot(page, step: str) -> None:
        screenshot(page, f"followup-walk-{next(shots):02d}-{step}")

    def person(username: str | None, viewport: str = "laptop"):
        page = open_page(viewport)
        watches.append(PageWatch.attach(page))
        if username:
            login(page, live_server, username, demo.DEMO_PASSWORD)
        return page

    # 0. The demo province, in the live server's database (the live server's flush removed
    # the reference data that migrate put there).
    ensure_reference_data(County, Sector)
    demo.build(cooperatives=30, seed=1)
    today = timezone.localdate()
    limit = today - datetime.timedelta(days=settings.HAMAFZA_ESCALATION_GRACE_DAYS)
    directorate = User.objects.get(username="directorate")
    late = Action.objects.get(
        responsible__kind=Organisation.Kind.DIRECTORATE,
        due_on__lt=limit,
        status__in=Action.OPEN_STATUSES,
    )
    assert late.owner == directorate and late.escalated_item is None
    assert late.resolution.published
    next_meeting = (
        Meeting.objects.filter(
            kind=MeetingKind.BOARD, state=Meeting.State.SCHEDULED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    assert next_meeting is not None and next_meeting.starts_at.date() > today

    # 1. The scheduled duties: the owner is told, the action goes before the board; once.
    first = tick()
    assert sent(first) >= 1, first
    overdue_notice = Notification.objects.get(
        user=directorate, kind="action_overdue", url=f"/followup/actions/{late.pk}/"
    )
    assert late.title in overdue_notice.title
    assert Notification.objects.filter(
        user=directorate, kind="action_escalated", url=f"/followup/actions/{late.pk}/"
    ).exists()
    assert any(
        directorate.email in m.to and late.title in m.subject and "گذشته" in m.subject
        for m in mail.outbox
    )
    late.refresh_from_db()
    item = late.escalated_item
    assert item is not None and item.meeting == next_meeting
    assert item.title == f"پیگیری اقدام معوق: {late.title}"
    assert to_persian_digits(late.resolution.number) in item.description
    mails = len(mail.outbox)
    notices = Notification.objects.count()
    assert sent(tick()) == 0
    assert len(mail.outbox) == mails and Notification.objects.count() == notices

    with override_settings(DEMO=True, REQUIRE_2FA=False):
        # 2. The directorate user sees the notice, opens the action: overdue, escalated.
        official = person("directorate")
        unread = Notification.objects.filter(user=directorate, read_at__isnull=True).count()
        expect(official.locator("[data-testid=unread-count]")).to_have_text(
            to_persian_digits(str(unread))
        )
        official.locator("[data-testid=notifications-link]").click()
        official.wait_for_url(re.compile(r"/notifications/$"))
        notice = official.locator("[data-testid=notification]").filter(
            has_text=f"مهلت اقدام گذشته است: {late.title}"
        )
        expect(notice).to_have_count(1)
        expect(notice).to_have_attribute("data-unread", "1")
        expect(notice).to_contain_text("گذشتن مهلت اقدام")
        expect(
            official.locator("[data-testid=notification]").filter(
                has_text=f"اقدام معوق به جلسه هیئت رئیسه رفت: {late.title}"
            )
        ).to_contain_text(next_meeting.title)
        shot(official, "directorate-notifications")
        notice.locator("[data-testid=notification-link]").click()
        official.wait_for_url(re.compile(rf"/followup/actions/{late.pk}/$"))
        expect(official.locator("h1")).to_have_text(late.title)
        status = official.locator("[data-testid=action-status]")
        expect(status.locator("[data-status]")).to_have_text("در حال انجام")
        expect(status.locator("[data-testid=overdue-badge]")).to_contain_text("معوق")
        escalation = official.locator("[data-testid=escalation]")
        expect(escalation).to_contain_text(item.title)
        meeting_link = escalation.get_by_role("link", name=next_meeting.title)
        expect(meeting_link).to_have_attribute(
            "href", f"/decisions/meetings/{next_meeting.pk}/#item-{item.pk}"
        )
        expect(official.locator("[data-testid=owner]")).to_contain_text("جواد")
        shot(official, "action-overdue-escalated")

        # A board member finds the item on the next meeting's agenda.
        board = person("board")
        click_nav(board, "meetings")
        board.locator("[data-testid=upcoming]").get_by_role("link", name=next_meeting.title).click()
        board.wait_for_url(re.compile(rf"/decisions/meetings/{next_meeting.pk}/$"))
        agenda_item = board.locator(f"#item-{item.pk}")
        expect(agenda_item).to_contain_text(f"پیگیری اقدام معوق: {late.title}")
        expect(agenda_item).to_contain_text(late.responsible.name)
        expect(agenda_item.locator("[data-testid=item-state]")).to_have_text("در انتظار")
        agenda_item.scroll_into_view_if_needed()
        shot(board, "meeting-agenda-escalated")

        # 3. The directorate user reports it done, with a PDF as evidence.
        earlier = set(ProgressUpdate.objects.filter(action=late).values_list("pk", flat=True))
        pdf = tmp_path / EVIDENCE_NAME
        pdf.write_bytes(EVIDENCE)
        form = official.locator("[data-testid=update-form]")
        form.get_by_role("textbox", name="گزارش", exact=True).fill(REPORT)
        form.get_by_role("combobox", name="وضعیت", exact=True).select_option(label="انجام شد")
        form.get_by_label("پیشرفت (درصد)").fill("۱۰۰")
        form.locator("input[type=file]").set_input_files(pdf)
        shot(official, "report-form")
        form.locator("[data-testid=post-update]").click()
        official.wait_for_url(re.compile(rf"/followup/actions/{late.pk}/#update-\d+$"))
        expect(official.get_by_role("alert").first).to_contain_text(
            "گزارش پیشرفت ثبت شد: انجام شد، ۱۰۰ درصد."
        )
        update = ProgressUpdate.objects.exclude(pk__in=earlier).get(action=late)
        entry = official.locator(f"[data-testid=timeline] li[data-update='{update.pk}']")
        expect(entry).to_contain_text(REPORT)
        expect(entry).to_contain_text("در حال انجام ← انجام شد")
        expect(entry).to_contain_text("۳۰٪ ← ۱۰۰٪")
        expect(status.locator("[data-status]")).to_have_text("انجام شد")
        expect(status.locator("[data-testid=overdue-badge]")).to_have_count(0)
        expect(official.locator("[data-testid=completed-on]")).to_be_visible()
        evidence_link = entry.locator("[data-testid=evidence] a")
        expect(evidence_link).to_have_text(EVIDENCE_NAME)
        shot(official, "action-done-with-evidence")
        with official.expect_download() as download:
            evidence_link.click()
        assert download.value.suggested_filename == EVIDENCE_NAME
        assert Path(download.value.path()).read_bytes() == EVIDENCE

        # 4. The public: the action shows done on the accountability page, without files.
        public = person(None)
        public.goto(live_server.url + "/")
        click_nav(public, "accountability")
        public.wait_for_url(re.compile(r"/followup/accountability/$"))
        number = to_persian_digits(late.resolution.number)
        public.locator("#acc-q").fill(number)
        public.get_by_role("button", name="نمایش").click()
        public.wait_for_url(re.compile(r"/followup/accountability/\?q="))
        card = public.locator(
            f"[data-testid=accountability-resolution][data-resolution='{late.resolution_id}']"
        )
        expect(card).to_contain_text(late.resolution.title)
        row = card.locator(f"[data-testid=accountability-action][data-action='{late.pk}']")
        expect(row).to_have_attribute("data-status", "done")
        expect(row).to_contain_text(late.title)
        expect(row).to_contain_text(late.responsible.name)
        expect(row.locator(".badge").first).to_have_text("انجام شد")
        expect(row.locator("[data-testid=overdue]")).to_have_count(0)
        expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
        expect(row).to_contain_text("۱۰۰٪")
        expect(row).to_contain_text("با تأخیر")  # done after its due date
        expect(public.locator("a[href*='/evidence/']")).to_have_count(0)
        expect(public.get_by_text(EVIDENCE_NAME)).to_have_count(0)
        expect(public.get_by_text(REPORT)).to_have_count(0)
        row.scroll_into_view_if_needed()
        shot(public, "accountability-laptop")
        filtered_url = public.url

        phone = person(None, "phone")
        phone.goto(filtered_url)
        phone_row = phone.locator(f"[data-testid=accountability-action][data-action='{late.pk}']")
        expect(phone_row).to_be_visible()
        expect(phone_row.locator(".badge").first).to_have_text("انجام شد")
        expect(phone_row).to_contain_text("۱۰۰٪")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways on a phone by {overflow}px"
        shot(phone, "accountability-phone")

    # In the database: done today.
    late.refresh_from_db()
    assert late.status == Action.Status.DONE
    assert late.progress == 100
    assert late.completed_on == today
    # One new report (the demo's history had the earlier ones), carrying one file.
    assert ProgressUpdate.objects.filter(action=late).exclude(pk__in=earlier).count() == 1
    assert update.author == directorate
    assert update.status_before == Action.Status.IN_PROGRESS
    assert update.evidence.count() == 1
    evidence = update.evidence.get()
    assert evidence.original_name == EVIDENCE_NAME
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(EVIDENCE)
    with evidence.file.open("rb") as stored:
        assert stored.read() == EVIDENCE

    for watch in watches:
        assert watch.problems() == []
        assert watch.csp_violations() == []
