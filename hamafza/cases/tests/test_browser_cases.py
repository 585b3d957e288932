"""The cases issue's story («Done when»), walked end to end in the browser.

A cooperative's representative files a case with a PDF and gets its tracking number (on the
page, by SMS and by e-mail). Chamber staff triage it (taking it themselves), refer it to the
directorate with the prefilled letter (its PDF opens), reply to the cooperative and leave an
internal note. The cooperative sees the reply and the referral, not the note; another
cooperative gets 404. Staff tick the case on the list and put it on a board meeting's agenda;
staff take attendance, the board votes, the vote is closed and the item becomes a resolution.
Staff give the resolution an action for the directorate, whose official reports it done with
evidence. Staff resolve the case; the cooperative sees the resolution and the action done,
confirms with a rating of 4 and a comment, and the case is closed — on a laptop and a phone.
Screenshots go to artifacts/screenshots/cases-walk-NN-<step>.png (and the referral letter's
first page to cases-walk-referral-letter.png when pdftoppm is installed).
"""

import datetime
import re
import shutil
import subprocess

import jdatetime
import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from hamafza.accounts.models import Role
from hamafza.cases.defaults import ensure_categories
from hamafza.cases.models import Case, Category, Event, Message, Referral
from hamafza.cases.tests.helpers import PDF, directorate
from hamafza.conftest import make_user
from hamafza.core import sms
from hamafza.core.tests.browser import SCREENSHOT_DIR, PageWatch, click_nav, login, screenshot
from hamafza.decisions import services as decisions_services
from hamafza.decisions.models import AgendaItem, MeetingKind, Resolution
from hamafza.followup.models import Action, ProgressUpdate
from hamafza.persian.text import to_latin_digits, to_persian_digits

pytestmark = pytest.mark.browser

MOBILE = "09151112233"
TITLE = "تأخیر در پرداخت خسارت سرمازدگی زعفران از سوی صندوق بیمه کشاورزی"
DESCRIPTION = (
    "سرمای فروردین به مزارع زعفران ۴۲ عضو تعاونی آسیب زد. پرونده خسارت در اردیبهشت به "
    "صندوق بیمه کشاورزی شهرستان رسید و ارزیابی هم انجام شد، اما پس از شش ماه هنوز خسارتی "
    "پرداخت نشده است. از اتاق می‌خواهیم پیگیری کند تا خسارت پیش از کاشت فصل بعد پرداخت شود."
)
FILE_NAME = "گزارش-ارزیابی-خسارت.pdf"
REPLY = (
    "درخواست شما به اداره کل تعاون ارجاع شد و نامه آن پیوست پرونده است. "
    "نتیجه پیگیری را همین‌جا به شما خبر می‌دهیم."
)
NOTE = (
    "یادداشت داخلی: صندوق بیمه امسال با کسری بودجه روبه‌روست؛ موضوع را در جلسه هیئت رئیسه طرح کنیم."
)
ITEM_TITLE = "تأخیر صندوق بیمه کشاورزی در پرداخت خسارت سرمازدگی به تعاونی‌های زعفران‌کار"
RESOLUTION_TEXT = (
    "اداره کل تعاون، کار و رفاه اجتماعی استان پرداخت خسارت سرمازدگی تعاونی‌های زعفران‌کار را "
    "با صندوق بیمه کشاورزی پیگیری کند و نتیجه را تا یک ماه دیگر به اتاق گزارش دهد."
)
ACTION_TITLE = "پیگیری پرداخت خسارت سرمازدگی زعفران‌کاران با صندوق بیمه کشاورزی"
ACTION_DESCRIPTION = "نامه به مدیرعامل صندوق و پیگیری تا واریز خسارت به حساب اعضا."
REPORT = "صندوق بیمه کشاورزی خسارت ۴۲ عضو تعاونی را واریز کرد؛ نامه صندوق پیوست است."
EVIDENCE_NAME = "نامه-صندوق-بیمه.pdf"
OUTCOME = (
    "با پیگیری اداره کل تعاون، صندوق بیمه کشاورزی خسارت سرمازدگی همه اعضای تعاونی را "
    "پرداخت کرد (مصوبه هیئت رئیسه)."
)
COMMENT = "خسارت رسید؛ سپاس. ای کاش زودتر از شش ماه به نتیجه می‌رسید."
MEETING_TITLE = "جلسه هیئت رئیسه: مشکلات بیمه تعاونی‌های کشاورزی"
BIDI_MARKS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))


def plain(text: str) -> str:
    """Text as shown, without bidi controls and with Latin digits (to compare numbers)."""
    return to_latin_digits(text.translate(BIDI_MARKS)).strip()


def type_jalali(page, selector: str, text: str) -> None:
    """Type into a Jalali date input as a person would, then leave the picker."""
    field = page.locator(selector)
    field.click()
    field.fill("")
    field.press_sequentially(text, delay=10)
    # The picker ignores Escape and outside clicks while it is still opening (300 ms).
    page.wait_for_timeout(400)
    page.keyboard.press("Escape")
    page.locator("h1").click()  # click away: the picker closes
    expect(field).to_have_value(text)


def test_case_filed_referred_decided_acted_on_confirmed_and_rated(
    world, live_server, open_page, tmp_path
):
    shots = iter(range(1, 100))
    watches: dict[str, PageWatch] = {}

    def shot(page, step: str) -> None:
        screenshot(page, f"cases-walk-{next(shots):02d}-{step}")

    def person(username: str, viewport: str = "laptop"):
        page = open_page(viewport)
        watches[f"{username}-{viewport}"] = PageWatch.attach(page)
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm questions
        login(page, live_server, username)
        return page

    # The live server's flush removed the categories that migrate put there.
    ensure_categories(Category)
    body = directorate()
    names = {
        "coop": ("حسین", "نوروزی"),
        "staff": ("سارا", "محمدی"),
        "board": ("محمد", "رضایی"),
        "directorate": ("جواد", "صالحی"),
    }
    for username, (first, last) in names.items():
        user = world.users[username]
        user.first_name, user.last_name = first, last
        user.save()
    coop_user = world.users["coop"]
    coop_user.mobile = MOBILE
    coop_user.save()
    board2 = make_user("board2", Role.BOARD)
    board2.first_name, board2.last_name = "زهرا", "احمدی"
    board2.save()
    staff_user = world.users["staff"]
    # A scheduled board meeting (both board members vote); the agenda step is the walk's.
    meeting = decisions_services.meeting_create(
        actor=staff_user,
        kind=MeetingKind.BOARD,
        title=MEETING_TITLE,
        starts_at=timezone.localtime().replace(microsecond=0) + datetime.timedelta(hours=2),
        place="مشهد، ساختمان اتاق تعاون، تالار شورا",
    )
    voters = [world.users["board"], board2]
    sms.outbox.clear()
    mail.outbox.clear()
    evidence = tmp_path / EVIDENCE_NAME
    evidence.write_bytes(PDF)
    attachment = tmp_path / FILE_NAME
    attachment.write_bytes(PDF)

    with override_settings(REQUIRE_2FA=False):
        # 1. The cooperative files its case from the cases menu.
        coop = person("coop")
        click_nav(coop, "case_create")
        coop.wait_for_url(re.compile(r"/cases/new/$"))
        form = coop.locator("[data-testid=case-form]")
        expect(form.locator("[data-testid=filing-for]")).to_have_text(world.coop_a.name)
        form.get_by_role("radio", name=re.compile(r"^بیمه")).check()
        coop.fill("#id_title", TITLE)
        coop.fill("#id_description", DESCRIPTION)
        form.get_by_role("radio", name="فوری", exact=True).check()
        form.locator("input[type=file]").set_input_files(attachment)
        shot(coop, "coop-files-case")
        form.locator("[data-testid=file-case]").click()
        coop.wait_for_url(re.compile(r"/cases/\d+/$"))
        case = Case.objects.get(title=TITLE)
        case_url = f"{live_server.url}/cases/{case.pk}/"
        number = to_persian_digits(case.tracking_number)
        assert re.fullmatch(r"[۰-۹]{4}-[۰-۹]{5}", number), number
        expect(coop.locator("[data-testid=tracking-number]")).to_have_text(number)
        # The number is isolated left to right, so the year reads first as on the page.
        expect(coop.get_by_role("alert").first).to_contain_text(
            f"شماره پیگیری: \u2066{number}\u2069"
        )
        expect(coop.locator("[data-testid=case-header] [data-state]")).to_have_text("ثبت‌شده")
        expect(coop.locator("[data-testid=case-files]")).to_contain_text(FILE_NAME)
        shot(coop, "coop-case-filed")
        assert (case.cooperative, case.urgency, case.channel, case.category.name) == (
            world.coop_a,
            Case.Urgency.HIGH,
            Case.Channel.WEB,
            "بیمه",
        )
        # The confirmation: by SMS and by e-mail (the live server runs in this process).
        assert any(to == MOBILE and number in text for to, text in sms.outbox), sms.outbox
        assert any(coop_user.email in m.to and number in m.subject for m in mail.outbox), [
            (m.to, m.subject) for m in mail.outbox
        ]

        # 2. Staff find it on the desk, triage it (taking it), refer it to the directorate.
        staff = person("staff")
        click_nav(staff, "cases")
        staff.wait_for_url(re.compile(r"/cases/$"))
        row = staff.locator(f"[data-testid=case-table] tr[data-case='{case.pk}']")
        expect(row).to_contain_text(world.coop_a.name)
        expect(row.locator("[data-state]").first).to_have_text("ثبت‌شده")
        shot(staff, "staff-case-list")
        row.get_by_role("link", name=TITLE).click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
        desk = staff.locator("[data-testid=desk-panel]")
        desk.locator("[data-move=triage]").click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/triage/$"))
        expect(staff.locator("#id_assignee option:checked")).to_contain_text("سارا محمدی")
        shot(staff, "staff-triage")
        staff.locator("[data-testid=desk-submit]").click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/#desk$"))
        expect(staff.locator("[data-testid=assignee]")).to_have_text("سارا محمدی")
        expect(staff.locator("[data-testid=case-header] [data-state]")).to_have_text(
            "بررسی اولیه شد"
        )

        desk.locator("[data-move=refer]").click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/refer/$"))
        staff.select_option("#id_organisation", label=body.name)
        letter = staff.locator("#id_letter_text")
        expect(letter).to_have_value(re.compile(re.escape(world.coop_a.name)))
        expect(letter).to_have_value(re.compile(re.escape(number)))
        shot(staff, "staff-refer")
        staff.locator("[data-testid=desk-submit]").click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/#desk$"))
        referral = Referral.objects.get(case=case)
        expect(staff.get_by_role("alert").first).to_contain_text(
            to_persian_digits(referral.letter_number)
        )
        referrals = staff.locator("[data-testid=referrals]")
        expect(referrals).to_contain_text(body.name)
        letter_link = referrals.locator("[data-testid=referral-letter]")
        pdf = staff.request.get(live_server.url + letter_link.get_attribute("href"))
        assert pdf.status == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF") and len(pdf.body()) > 1024
        letter_pdf = tmp_path / "letter.pdf"
        letter_pdf.write_bytes(pdf.body())
        if shutil.which("pdftoppm"):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            subprocess.run(  # noqa: S603 (a fixed tool on our own file)
                [
                    shutil.which("pdftoppm"),
                    *("-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"),
                    str(letter_pdf),
                    str(SCREENSHOT_DIR / "cases-walk-referral-letter"),
                ],
                check=True,
                timeout=30,
            )

        # A reply the cooperative reads, and a note it never sees (htmx swaps the timeline).
        conversation = staff.locator("#case-conversation")
        conversation.locator("textarea[name=text]").fill(REPLY)
        conversation.locator("[data-testid=post-message]").click()
        expect(conversation.locator("[data-testid=timeline]")).to_contain_text(REPLY)
        conversation = staff.locator("#case-conversation")
        conversation.locator("textarea[name=text]").fill(NOTE)
        conversation.locator("input[name=internal]").check()
        conversation.locator("[data-testid=post-message]").click()
        note = staff.locator("[data-testid=timeline] li[data-internal]")
        expect(note).to_contain_text(NOTE)
        expect(note.locator("[data-testid=internal-note]")).to_be_visible()
        shot(staff, "staff-referred-replied-noted")

        # 3. The cooperative reads the reply and the referral, not the note; coop2 gets 404.
        coop.goto(case_url)
        expect(coop.locator("[data-testid=case-header] [data-state]")).to_have_text(
            "ارجاع به دستگاه"
        )
        expect(coop.locator("[data-testid=timeline]")).to_contain_text(REPLY)
        expect(coop.locator("[data-testid=referrals]")).to_contain_text(body.name)
        expect(coop.get_by_text(NOTE)).to_have_count(0)
        expect(coop.locator("[data-testid=internal-note]")).to_have_count(0)
        expect(coop.locator("[data-testid=desk-panel]")).to_have_count(0)
        shot(coop, "coop-sees-reply-and-referral")

        coop2 = person("coop2")
        answer = coop2.goto(case_url)
        assert answer.status == 404
        expect(coop2.get_by_text(TITLE)).to_have_count(0)

        # 4. Staff tick the case on the list and put it on the board meeting's agenda.
        click_nav(staff, "cases")
        staff.wait_for_url(re.compile(r"/cases/$"))
        staff.locator(f"#pick-{case.pk}").check()
        staff.locator("[data-testid=put-on-agenda]").click()
        staff.wait_for_url(re.compile(rf"/cases/agenda/\?cases={case.pk}$"))
        expect(staff.locator("[data-testid=agenda-cases] li")).to_have_count(1)
        expect(staff.locator("[data-testid=agenda-cases]")).to_contain_text(TITLE)
        expect(staff.locator("#id_meeting option:checked")).to_contain_text(MEETING_TITLE)
        expect(staff.locator("#id_title")).to_have_value("رسیدگی به مشکل تعاونی‌ها در موضوع «بیمه»")
        staff.fill("#id_title", ITEM_TITLE)
        # The draft becomes the resolution's published text: it names no case.
        expect(staff.locator("#id_description")).to_have_value("درخواست تعاونی در موضوع «بیمه».")
        shot(staff, "staff-agenda-form")
        staff.locator("[data-testid=agenda-submit]").click()
        staff.wait_for_url(re.compile(rf"/decisions/meetings/{meeting.pk}/#item-\d+$"))
        item = AgendaItem.objects.get(meeting=meeting)
        assert list(item.cases.all()) == [case]
        card = staff.locator(f"#item-{item.pk}")
        expect(card).to_contain_text(ITEM_TITLE)
        expect(card.locator("[data-testid=linked-cases]")).to_contain_text(number)
        expect(card.locator("[data-testid=item-state]")).to_have_text("در انتظار")

        # 5. Attendance, voting by both board members, closing the vote: a resolution.
        staff.locator("[data-testid=attendance-link]").click()
        for voter in voters:
            staff.locator(f"#present-{voter.pk}").check()
        staff.get_by_role("button", name="ثبت حضور و غیاب").click()
        staff.wait_for_url(re.compile(r"/decisions/meetings/\d+/#attendance$"))
        expect(staff.locator("[data-testid=quorum-status]")).to_have_text("حدنصاب حاصل است")
        card.locator("[data-testid=voting-open]").click()
        staff.wait_for_load_state("load")
        expect(card.locator("[data-testid=item-state]")).to_have_text("در حال رأی‌گیری")
        shot(staff, "meeting-voting-open")

        meeting_url = f"{live_server.url}/decisions/meetings/{meeting.pk}/"
        for n, voter in enumerate(voters, start=1):
            member = person(voter.username)
            member.goto(meeting_url)
            item_card = member.locator(f"#item-{item.pk}")
            expect(item_card.locator("[data-testid=linked-cases]")).to_contain_text(number)
            item_card.get_by_role("button", name="موافقم").click()
            expect(item_card.locator("[data-testid=my-vote]")).to_have_text("رأی شما: موافق")
            if n == len(voters):
                shot(member, "board-votes")

        staff.goto(meeting_url)
        card.locator("textarea").fill(RESOLUTION_TEXT)
        card.locator("[data-testid=voting-close]").click()
        staff.wait_for_url(re.compile(rf"/decisions/meetings/{meeting.pk}/#item-{item.pk}$"))
        expect(card.locator("[data-testid=item-state]")).to_have_text("تصویب شد")
        resolution = Resolution.objects.get(item=item)
        number_link = card.locator("[data-testid=resolution-link]")
        assert plain(number_link.inner_text()) == resolution.number
        shot(staff, "meeting-item-passed")

        # 6. Staff give the resolution an action for the directorate; its official reports
        # it done with evidence.
        number_link.click()
        staff.wait_for_url(re.compile(rf"/decisions/resolutions/{resolution.pk}/$"))
        expect(staff.locator("[data-testid=linked-cases]")).to_contain_text(number)
        shot(staff, "resolution-with-linked-case")
        staff.locator("[data-testid=add-action]").click()
        action_form = staff.locator("[data-testid=action-form]")
        expect(action_form).to_be_visible()
        staff.fill("#id_title", ACTION_TITLE)
        staff.fill("#id_description", ACTION_DESCRIPTION)
        staff.select_option("#id_responsible", label=body.name)
        staff.fill("#id_owner", "directorate")
        due_on = timezone.localdate() + datetime.timedelta(days=30)
        type_jalali(
            staff, "#id_due_on", jdatetime.date.fromgregorian(date=due_on).strftime("%Y/%m/%d")
        )
        shot(staff, "staff-action-form")
        action_form.locator("[data-testid=save-action]").click()
        staff.wait_for_url(re.compile(r"/followup/actions/\d+/$"))
        action = Action.objects.get(resolution=resolution)
        assert (action.responsible, action.owner, action.due_on) == (
            body,
            world.users["directorate"],
            due_on,
        )

        official = person("directorate")
        click_nav(official, "my_actions")
        official.get_by_role("link", name=ACTION_TITLE).click()
        official.wait_for_url(re.compile(rf"/followup/actions/{action.pk}/$"))
        update_form = official.locator("[data-testid=update-form]")
        update_form.get_by_role("textbox", name="گزارش", exact=True).fill(REPORT)
        update_form.get_by_role("combobox", name="وضعیت", exact=True).select_option(
            label="انجام شد"
        )
        update_form.get_by_label("پیشرفت (درصد)").fill("۱۰۰")
        update_form.locator("input[type=file]").set_input_files(evidence)
        shot(official, "directorate-reports-done")
        update_form.locator("[data-testid=post-update]").click()
        official.wait_for_url(re.compile(rf"/followup/actions/{action.pk}/#update-\d+$"))
        status = official.locator("[data-testid=action-status]")
        expect(status.locator("[data-status]")).to_have_text("انجام شد")
        expect(official.locator("[data-testid=evidence] a")).to_have_text(EVIDENCE_NAME)
        shot(official, "directorate-action-done")

        # 7. Staff announce the outcome.
        staff.goto(case_url)
        staff.locator("[data-testid=desk-panel] [data-move=resolve]").click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/resolve/$"))
        staff.fill("#id_outcome", OUTCOME)
        shot(staff, "staff-resolves")
        staff.locator("[data-testid=desk-submit]").click()
        staff.wait_for_url(re.compile(rf"/cases/{case.pk}/#desk$"))
        expect(staff.locator("[data-testid=case-header] [data-state]")).to_have_text("حل شد")
        expect(staff.locator("[data-testid=outcome]")).to_contain_text(OUTCOME)

        # 8. The cooperative sees the way from its problem to the decision, confirms, rates.
        coop.goto(case_url)
        path = coop.locator("[data-testid=decisions]")
        expect(path).to_contain_text(MEETING_TITLE)
        assert plain(path.locator("[data-testid=resolution] a").inner_text()) == resolution.number
        action_row = path.locator(f"[data-testid=actions] tr[data-action='{action.pk}']")
        expect(action_row).to_contain_text(ACTION_TITLE)
        expect(action_row).to_contain_text(body.name)
        expect(action_row.locator("[data-status]")).to_have_text("انجام شد")
        expect(action_row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
        expect(action_row).to_contain_text("۱۰۰٪")
        outcome = coop.locator("[data-testid=outcome]")
        expect(outcome).to_contain_text(OUTCOME)
        confirm = coop.locator("[data-testid=confirm-form]")
        confirm.locator("label[for=rating-4]").click()
        confirm.locator("textarea[name=comment]").fill(COMMENT)
        shot(coop, "coop-confirms-and-rates")
        confirm.locator("[data-testid=confirm]").click()
        coop.wait_for_url(re.compile(rf"/cases/{case.pk}/#outcome$"))
        expect(coop.get_by_role("alert").first).to_contain_text("درخواست بسته شد")
        expect(coop.locator("[data-testid=case-header] [data-state]")).to_have_text("بسته شد")
        expect(outcome.locator("[data-testid=rating]")).to_contain_text("رضایت تعاونی: ۴ از ۵")
        expect(outcome.locator("[data-testid=rating]")).to_contain_text(COMMENT)
        expect(coop.locator("[data-testid=confirm-form]")).to_have_count(0)
        shot(coop, "coop-case-closed")

        phone = person("coop", "phone")
        phone.goto(case_url)
        expect(phone.locator("[data-testid=case-header] [data-state]")).to_have_text("بسته شد")
        expect(phone.locator("[data-testid=decisions] [data-status]")).to_have_text("انجام شد")
        expect(phone.locator("[data-testid=rating]")).to_contain_text("۴ از ۵")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the case page scrolls sideways on a phone by {overflow}px"
        shot(phone, "coop-case-closed-phone")

    # The database agrees with what the pages showed.
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED
    assert (case.rating, case.rating_comment) == (4, COMMENT)
    assert case.assignee == staff_user
    assert case.outcome == OUTCOME
    assert case.first_response_at is not None and case.closed_at is not None
    assert not case.auto_closed
    assert list(case.agenda_items.all()) == [item]
    assert referral.organisation == body and referral.created_by == staff_user
    assert case.attachments.get(message=None).original_name == FILE_NAME
    assert Message.objects.filter(case=case, internal=False).get().text == REPLY
    assert Message.objects.filter(case=case, internal=True).get().text == NOTE
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    for kind in ("filed", "triaged", "referred", "agenda", "resolved", "closed", "rated"):
        assert kind in kinds, (kind, kinds)
    assert kinds.index("filed") < kinds.index("triaged") < kinds.index("referred")
    assert kinds.index("agenda") < kinds.index("resolved") < kinds.index("closed")
    assert Event.objects.filter(case=case, kind="closed").count() == 1
    item.refresh_from_db()
    assert item.state == AgendaItem.State.PASSED
    assert (item.votes_for, item.present_count) == (2, 2)
    assert resolution.text == RESOLUTION_TEXT
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.DONE, 100)
    update = ProgressUpdate.objects.get(action=action)
    assert update.author == world.users["directorate"]
    assert update.evidence.get().original_name == EVIDENCE_NAME

    for name, watch in watches.items():
        ignore = (lambda m: "404" in m) if name.startswith("coop2") else (lambda m: False)
        assert watch.problems(ignore=ignore) == [], (name, watch.problems(ignore=ignore))
        assert watch.csp_violations() == [], (name, watch.csp_violations())
