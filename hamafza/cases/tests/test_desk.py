"""The chamber's desk: staff triage, assign, refer (with the letter as a PDF), start, resolve
and reject cases and put them on a meeting's agenda; the meeting and resolution pages show the
linked cases to those who may see them."""

import datetime
import shutil
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import Role
from hamafza.cases import services
from hamafza.cases.models import Case, Event, Referral
from hamafza.cases.tests.helpers import case_world, category, directorate, file_case
from hamafza.cases.views_desk import desk_context
from hamafza.conftest import make_user
from hamafza.decisions import services as decisions_services
from hamafza.decisions.models import AgendaItem, Meeting, MeetingKind
from hamafza.followup.models import Organisation
from hamafza.persian.text import normalize, to_persian_digits

pytestmark = pytest.mark.django_db

OTHERS = ["coop", "coop2", "union", "board", "directorate"]


def _cases(world):
    """case_world's cases, read again (the services moved copies of them)."""
    case_world(world)
    for case in (world.case_a, world.case_b, world.case_union):
        case.refresh_from_db()
    return world


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _meeting(world, *, title="جلسه هیئت رئیسه درباره مشکلات بیمه", days=7, **kwargs) -> Meeting:
    return decisions_services.meeting_create(
        actor=world.users["staff"],
        kind=MeetingKind.BOARD,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="سالن جلسات اتاق",
        **kwargs,
    )


def _panel(world, case, persona="staff") -> dict:
    request = RequestFactory().get("/")
    request.user = world.users[persona]
    return desk_context(request, case)["desk"]


def _moves(world, case) -> list[str]:
    return [m["key"] for m in _panel(world, case)["moves"]]


def _closed_case(world) -> Case:
    case = file_case(world, title="درخواست حل‌شده و بسته")
    staff = world.users["staff"]
    services.case_triage(actor=staff, case=case)
    services.case_resolve(actor=staff, case=case, outcome="تسهیلات پرداخت شد.")
    services.case_confirm(actor=world.users["coop"], case=case, rating=5)
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED
    return case


# --------------------------------------------------------------------------- the panel
def test_it_offers_exactly_the_moves_the_workflow_allows(world):
    _cases(world)
    assert _moves(world, world.case_b) == ["triage", "reject"]  # new
    assert _moves(world, world.case_a) == ["start", "refer", "resolve", "reject"]  # referred
    staff = world.users["staff"]
    services.case_start(actor=staff, case=world.case_a)
    world.case_a.refresh_from_db()
    assert _moves(world, world.case_a) == ["refer", "resolve", "reject"]  # in progress
    services.case_resolve(actor=staff, case=world.case_a, outcome="حل شد.")
    world.case_a.refresh_from_db()
    panel = _panel(world, world.case_a)
    assert panel["moves"] == [] and panel["done"]  # back to work is reopening
    assert panel["may_reopen"]
    assert panel["assign_form"] is not None and panel["agenda_url"]
    closed = _closed_case(world)
    panel = _panel(world, closed)
    assert panel["moves"] == [] and panel["assign_form"] is None and panel["agenda_url"] is None
    assert panel["may_reopen"]  # within the window
    Case.objects.filter(pk=closed.pk).update(
        resolved_at=timezone.now() - datetime.timedelta(days=400)
    )
    closed.refresh_from_db()
    assert not _panel(world, closed)["may_reopen"]


def test_it_gives_the_panel_to_staff_and_administrators_only(world):
    _cases(world)
    assert _panel(world, world.case_a, "admin") is not None
    for persona in ["board", "directorate", "coop"]:
        assert _panel(world, world.case_a, persona) is None


def test_it_renders_the_panel_with_its_moves_assignment_and_agenda(world):
    _cases(world)
    request = RequestFactory().get("/")
    request.user = world.users["staff"]
    html = render_to_string(
        "cases/_desk_panel.html", desk_context(request, world.case_a), request=request
    )
    case = world.case_a
    assert 'data-testid="desk-panel"' in html
    for name in ["case_start", "case_refer", "case_resolve", "case_reject", "case_assign"]:
        assert reverse(f"cases:{name}", args=[case.pk]) in html
    assert reverse("cases:case_triage", args=[case.pk]) not in html  # not from «referred»
    assert f"{reverse('cases:cases_agenda')}?cases={case.pk}" in html
    assert f'value="{world.users["staff"].pk}" selected' in html  # assigned at triage


# --------------------------------------------------------------------------- who
@pytest.mark.parametrize(
    "name,method",
    [
        ("case_triage", "get"),
        ("case_triage", "post"),
        ("case_assign", "post"),
        ("case_refer", "get"),
        ("case_refer", "post"),
        ("case_start", "post"),
        ("case_resolve", "get"),
        ("case_resolve", "post"),
        ("case_reject", "get"),
        ("case_reject", "post"),
    ],
)
def test_it_refuses_the_desk_to_everyone_but_staff(world, client_for, name, method):
    _cases(world)
    data = {
        "note": "x",
        "assignee": world.users["coop"].pk,
        "organisation": directorate().pk,
        "letter_text": "x",
        "outcome": "x",
        "reason": "x",
        "category": world.case_b.category_id,
        "urgency": "high",
    }
    for case in (world.case_a, world.case_b):
        url = reverse(f"cases:{name}", args=[case.pk])
        for persona in OTHERS:
            client = client_for(persona)
            response = client.post(url, data) if method == "post" else client.get(url)
            assert response.status_code == 403, (persona, case.pk)
        response = getattr(client_for("public"), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for case in (world.case_a, world.case_b):
        before = Case.objects.get(pk=case.pk)  # as they were before
        assert (before.state, before.assignee_id, before.outcome) == (
            case.state,
            case.assignee_id,
            case.outcome,
        )
    assert Referral.objects.count() == 1


def test_it_answers_404_for_a_case_that_does_not_exist(world, client_for):
    client = client_for("staff")
    assert client.get(reverse("cases:case_triage", args=[999999])).status_code == 404
    assert client.post(reverse("cases:case_start", args=[999999])).status_code == 404


# --------------------------------------------------------------------------- triage
def test_it_triages_a_new_case_through_its_page(world, client_for):
    _cases(world)
    staff2 = make_user("staff2", Role.STAFF)
    staff2.first_name, staff2.last_name = "مهدی", "کاظمی"
    staff2.save()
    client = client_for("staff")
    url = reverse("cases:case_triage", args=[world.case_b.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="desk-form"' in html and "مهدی کاظمی (staff2)" in html
    assert world.case_b.title in html
    insurance = category("بیمه")
    response = client.post(
        url,
        {
            "category": insurance.pk,
            "urgency": "high",
            "assignee": staff2.pk,
            "note": "موضوع به بیمه مربوط است، نه مواد اولیه.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cases:case_detail", args=[world.case_b.pk]))
    case = Case.objects.get(pk=world.case_b.pk)
    assert case.state == Case.State.TRIAGED
    assert (case.category, case.urgency, case.assignee) == (insurance, "high", staff2)
    assert case.first_response_at is not None
    event = case.events.get(kind=Event.Kind.TRIAGED)
    assert event.text == "موضوع به بیمه مربوط است، نه مواد اولیه."
    assert any("بررسی اولیه" in m for m in _messages(response))


def test_it_refuses_triage_the_workflow_does_not_allow_and_changes_nothing(world, client_for):
    _cases(world)
    client = client_for("staff")
    url = reverse("cases:case_triage", args=[world.case_a.pk])  # already referred
    page = client.get(url)
    assert page.status_code == 409
    html = page.content.decode()
    assert 'data-testid="desk-refused"' in html and "نمی‌تواند" in html
    assert 'data-testid="desk-form"' not in html
    events = world.case_a.events.count()
    response = client.post(
        url,
        {
            "category": world.case_a.category_id,
            "urgency": "critical",
            "assignee": world.users["staff"].pk,
            "note": "یادداشتی که نباید گم شود",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "«ارجاع به دستگاه»" in html and "یادداشتی که نباید گم شود" in html
    case = Case.objects.get(pk=world.case_a.pk)
    assert case.state == Case.State.REFERRED and case.urgency == "normal"
    assert case.events.count() == events


# --------------------------------------------------------------------------- assign
def test_it_assigns_a_case_to_another_staff_member(world, client_for):
    _cases(world)
    staff2 = make_user("staff2", Role.STAFF)
    response = client_for("staff").post(
        reverse("cases:case_assign", args=[world.case_a.pk]), {"assignee": staff2.pk}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=world.case_a.pk).assignee == staff2
    assert world.case_a.events.filter(kind=Event.Kind.ASSIGNED, text="staff2").exists()


def test_it_refuses_to_assign_a_case_to_someone_not_on_staff(world, client_for):
    _cases(world)
    for persona in ["coop", "board"]:
        response = client_for("staff").post(
            reverse("cases:case_assign", args=[world.case_a.pk]),
            {"assignee": world.users[persona].pk},
        )
        assert response.status_code == 302
        assert any("در فهرست نیست" in m for m in _messages(response))
    assert Case.objects.get(pk=world.case_a.pk).assignee == world.users["staff"]


def test_it_refuses_to_assign_a_closed_case(world, client_for):
    _cases(world)
    closed = _closed_case(world)
    before = closed.assignee_id
    staff2 = make_user("staff2", Role.STAFF)
    response = client_for("staff").post(
        reverse("cases:case_assign", args=[closed.pk]), {"assignee": staff2.pk}
    )
    assert response.status_code == 302
    assert any("بسته شده" in m for m in _messages(response))
    assert Case.objects.get(pk=closed.pk).assignee_id == before


# --------------------------------------------------------------------------- refer
def test_it_drafts_the_referral_letter_from_the_case(world, client_for):
    _cases(world)
    services.case_triage(actor=world.users["staff"], case=world.case_b)
    page = client_for("staff").get(reverse("cases:case_refer", args=[world.case_b.pk]))
    assert page.status_code == 200
    letter = page.context["form"].initial["letter_text"]
    coop = world.coop_b
    for piece in [
        "با سلام و احترام",
        coop.name,
        to_persian_digits(coop.national_id),
        to_persian_digits(coop.registration_number),
        coop.county.name,
        to_persian_digits(world.case_b.tracking_number),
        world.case_b.title,
        world.case_b.description,
        "سپاسگزاریم",
    ]:
        assert piece in letter, piece
    html = page.content.decode()
    assert directorate().name in html  # offered as a body


def test_it_refers_a_case_to_a_listed_body(world, client_for):
    _cases(world)
    staff = world.users["staff"]
    services.case_triage(actor=staff, case=world.case_b)
    bank = Organisation.objects.create(name="بانک توسعه تعاون", kind=Organisation.Kind.OUTSIDE)
    response = client_for("staff").post(
        reverse("cases:case_refer", args=[world.case_b.pk]),
        {"organisation": bank.pk, "letter_text": "با سلام؛ خواهشمند است بررسی فرمایید."},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=world.case_b)
    assert referral.organisation == bank and referral.created_by == staff
    assert referral.letter_text == "با سلام؛ خواهشمند است بررسی فرمایید."
    assert Case.objects.get(pk=world.case_b.pk).state == Case.State.REFERRED


def test_it_refers_a_case_to_an_outside_body_typed_in(world, client_for):
    _cases(world)
    response = client_for("staff").post(
        reverse("cases:case_refer", args=[world.case_a.pk]),  # referred again, elsewhere
        {"new_name": "  اداره کل   امور مالیاتی استان ", "letter_text": "متن نامه"},
    )
    assert response.status_code == 302
    body = Organisation.objects.get(name="اداره کل امور مالیاتی استان")
    assert body.kind == Organisation.Kind.OUTSIDE
    referral = world.case_a.referrals.get(organisation=body)
    assert referral.letter_number.endswith("/2")


def test_it_keeps_what_was_typed_when_a_referral_is_invalid(world, client_for):
    _cases(world)
    client = client_for("staff")
    url = reverse("cases:case_refer", args=[world.case_a.pk])
    response = client.post(url, {"letter_text": "متنی که نوشته‌ام و نباید گم شود"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "متنی که نوشته‌ام و نباید گم شود" in html
    assert "دستگاه گیرنده را از فهرست انتخاب کنید" in html
    response = client.post(
        url, {"organisation": directorate().pk, "new_name": "بانک ملی", "letter_text": "متن"}
    )
    assert response.status_code == 422 and "نه هر دو" in response.content.decode()
    response = client.post(url, {"new_name": "بانک ملی", "letter_text": "  "})
    assert response.status_code == 422
    assert "بانک ملی" in response.content.decode()
    assert world.case_a.referrals.count() == 1
    assert not Organisation.objects.filter(name="بانک ملی").exists()


def test_it_refuses_to_refer_a_new_case_and_keeps_no_body_typed_in(world, client_for):
    _cases(world)
    client = client_for("staff")
    url = reverse("cases:case_refer", args=[world.case_b.pk])  # new: triage first
    assert client.get(url).status_code == 409
    response = client.post(url, {"new_name": "بانک کشاورزی", "letter_text": "متن نامه من"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "نمی‌تواند" in html and "متن نامه من" in html
    assert not Referral.objects.filter(case=world.case_b).exists()
    assert not Organisation.objects.filter(name="بانک کشاورزی").exists()
    assert Case.objects.get(pk=world.case_b.pk).state == Case.State.NEW


def test_it_refuses_a_body_that_is_not_outside_the_chamber(world, client_for):
    _cases(world)
    unit = Organisation.objects.create(name="واحد حقوقی اتاق", kind=Organisation.Kind.CHAMBER)
    response = client_for("staff").post(
        reverse("cases:case_refer", args=[world.case_a.pk]),
        {"organisation": unit.pk, "letter_text": "متن"},
    )
    assert response.status_code == 422  # not offered in the list
    response = client_for("staff").post(
        reverse("cases:case_refer", args=[world.case_a.pk]),
        {"new_name": "واحد حقوقی اتاق", "letter_text": "متن"},  # typed: found, refused
    )
    assert response.status_code == 422
    assert "ارجاع فقط به اداره کل یا دستگاهی بیرونی است" in response.content.decode()
    assert world.case_a.referrals.count() == 1


# --------------------------------------------------------------------------- letter
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    command = [shutil.which("pdftotext"), "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603


def _pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    command = [shutil.which("pdfinfo"), str(path)]
    info = subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_it_serves_the_referral_letter_as_a_pdf_to_those_who_see_the_case(world, client_for):
    _cases(world)
    url = reverse("cases:referral_letter", args=[world.case_a.pk, world.case_referral.pk])
    for persona in ["coop", "staff", "board", "directorate", "admin"]:
        response = client_for(persona).get(url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert "referral-" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF-")
    for persona in ["coop2", "union"]:
        assert client_for(persona).get(url).status_code == 404, persona
    # A referral of another case, through this case's address: 404.
    other = reverse("cases:referral_letter", args=[world.case_b.pk, world.case_referral.pk])
    assert client_for("staff").get(other).status_code == 404


@needs_poppler
def test_it_puts_the_letterhead_number_date_addressee_and_signature_in_the_letter(
    world, client_for, tmp_path
):
    _cases(world)
    staff = world.users["staff"]
    staff.first_name, staff.last_name = "زهرا", "احمدی"
    staff.save()
    referral = world.case_referral
    response = client_for("coop").get(
        reverse("cases:referral_letter", args=[world.case_a.pk, referral.pk])
    )
    data = response.content
    assert data.rstrip().endswith(b"%%EOF")
    assert _pdf_pages(data, tmp_path) == 1
    text = normalize(_pdf_text(data, tmp_path))
    from django.conf import settings

    for piece in [
        settings.HAMAFZA_CHAMBER_NAME,
        "بررسی شود",  # from the letter's text
        "زهرا احمدی",
        "تعاونی تولیدی زعفران",
        "خسارت بیمه محصول",
    ]:
        assert normalize(piece) in text, piece
    # The letter's number in Persian digits, never in Latin ones.
    raw = _pdf_text(data, tmp_path)
    assert to_persian_digits(world.case_a.tracking_number.split("-")[1]) in raw
    assert world.case_a.tracking_number not in raw


# --------------------------------------------------------------------------- start
def test_it_starts_work_on_a_referred_case(world, client_for):
    _cases(world)
    response = client_for("staff").post(reverse("cases:case_start", args=[world.case_a.pk]))
    assert response.status_code == 302
    assert Case.objects.get(pk=world.case_a.pk).state == Case.State.IN_PROGRESS
    assert world.case_a.events.filter(kind=Event.Kind.STARTED).exists()


def test_it_refuses_to_start_a_new_or_resolved_case(world, client_for):
    _cases(world)
    client = client_for("staff")
    response = client.post(reverse("cases:case_start", args=[world.case_b.pk]))
    assert response.status_code == 302
    assert any("نمی‌تواند" in m for m in _messages(response))
    assert Case.objects.get(pk=world.case_b.pk).state == Case.State.NEW
    services.case_resolve(actor=world.users["staff"], case=world.case_a, outcome="حل شد.")
    response = client.post(reverse("cases:case_start", args=[world.case_a.pk]))
    assert any("نمی‌تواند" in m for m in _messages(response))
    case = Case.objects.get(pk=world.case_a.pk)
    assert case.state == Case.State.RESOLVED and case.resolved_at is not None
    assert client.get(reverse("cases:case_start", args=[world.case_a.pk])).status_code == 405


# --------------------------------------------------------------------------- outcome
def test_it_resolves_a_case_with_its_outcome(world, client_for):
    _cases(world)
    client = client_for("staff")
    url = reverse("cases:case_resolve", args=[world.case_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "  "})
    assert response.status_code == 422
    assert "بنویسید مشکل چگونه حل شد" in response.content.decode()
    assert Case.objects.get(pk=world.case_a.pk).state == Case.State.REFERRED
    response = client.post(url, {"outcome": "بیمه خسارت را پرداخت کرد."})
    assert response.status_code == 302
    case = Case.objects.get(pk=world.case_a.pk)
    assert case.state == Case.State.RESOLVED and case.outcome == "بیمه خسارت را پرداخت کرد."


def test_it_rejects_a_case_with_its_reason(world, client_for):
    _cases(world)
    client = client_for("staff")
    url = reverse("cases:case_reject", args=[world.case_b.pk])  # new cases may be rejected
    page = client.get(url)
    assert page.status_code == 200 and "دلیل رد درخواست" in page.content.decode()
    response = client.post(url, {"reason": "موضوع در حیطه اتاق نیست."})
    assert response.status_code == 302
    case = Case.objects.get(pk=world.case_b.pk)
    assert case.state == Case.State.REJECTED and case.outcome == "موضوع در حیطه اتاق نیست."


def test_it_refuses_an_outcome_the_workflow_does_not_allow_and_keeps_the_text(world, client_for):
    _cases(world)
    client = client_for("staff")
    url = reverse("cases:case_resolve", args=[world.case_b.pk])  # new: not yet
    page = client.get(url)
    assert page.status_code == 409 and 'data-testid="desk-form"' not in page.content.decode()
    response = client.post(url, {"outcome": "شرحی که نوشته بودم"})
    assert response.status_code == 409
    assert "شرحی که نوشته بودم" in response.content.decode()
    case = Case.objects.get(pk=world.case_b.pk)
    assert case.state == Case.State.NEW and case.outcome == "" and case.resolved_at is None
    closed = _closed_case(world)
    response = client.post(
        reverse("cases:case_reject", args=[closed.pk]), {"reason": "دیگر دیر است"}
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=closed.pk).state == Case.State.CLOSED


# --------------------------------------------------------------------------- agenda
def test_it_puts_two_cases_on_a_meeting_agenda_as_one_item(world, client_for):
    _cases(world)
    meeting = _meeting(world)
    final = _meeting(world, title="جلسه نهایی‌شده")
    Meeting.objects.filter(pk=final.pk).update(state=Meeting.State.FINAL)
    client = client_for("staff")
    url = reverse("cases:cases_agenda") + f"?cases={world.case_a.pk}&cases={world.case_b.pk}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    form = page.context["form"]
    # Named by the subject, never by one cooperative's own title (case_a: insurance, case_b:
    # raw materials, so the general title).
    assert form.initial["title"] == "رسیدگی به مشکلات طرح‌شده در درخواست‌های تعاونی‌ها"
    # The draft (published with the resolution) names no case; the page lists them.
    assert form.initial["description"] == "۲ درخواست تعاونی‌ها."
    for case in (world.case_a, world.case_b):
        assert case.title in html and case.cooperative.name in html
    assert meeting.title in html and "جلسه نهایی‌شده" not in html
    response = client.post(
        reverse("cases:cases_agenda"),
        {
            "cases": [world.case_a.pk, world.case_b.pk],
            "meeting": meeting.pk,
            "title": "تأخیر بیمه و نهاده‌ها",
            "description": "دو درخواست مشابه",
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert response["Location"] == reverse("decisions:meeting_detail", args=[meeting.pk]) + (
        f"#item-{item.pk}"
    )
    assert item.title == "تأخیر بیمه و نهاده‌ها" and item.description == "دو درخواست مشابه"
    assert set(item.cases.all()) == {world.case_a, world.case_b}
    assert world.case_b.events.filter(kind=Event.Kind.AGENDA, text=meeting.title).exists()
    assert any("افزوده شد" in m for m in _messages(response))


def test_it_flags_closed_cases_and_leaves_them_off_the_agenda(world, client_for):
    _cases(world)
    meeting = _meeting(world)
    closed = _closed_case(world)
    client = client_for("staff")
    page = client.get(
        reverse("cases:cases_agenda") + f"?cases={closed.pk}&cases={world.case_b.pk}&cases=x"
    )
    html = page.content.decode()
    assert 'data-testid="closed-flag"' in html
    assert f'name="cases" value="{closed.pk}"' not in html
    assert f'name="cases" value="{world.case_b.pk}"' in html
    assert page.context["form"].initial["title"] == (
        f"رسیدگی به مشکل تعاونی‌ها در موضوع «{world.case_b.category.name}»"
    )
    # Even posted by hand, a closed case is not put on the agenda.
    response = client.post(
        reverse("cases:cases_agenda"),
        {"cases": [closed.pk, world.case_b.pk], "meeting": meeting.pk, "title": "بند"},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert list(item.cases.all()) == [world.case_b]
    page = client.get(reverse("cases:cases_agenda") + f"?cases={closed.pk}")
    assert 'data-testid="agenda-form"' not in page.content.decode()


def test_it_says_when_there_is_no_meeting_and_links_to_creating_one(world, client_for):
    _cases(world)
    page = client_for("staff").get(reverse("cases:cases_agenda") + f"?cases={world.case_b.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="agenda-no-meeting"' in html
    assert reverse("decisions:meeting_create") in html
    assert 'data-testid="agenda-form"' not in html


def test_it_says_when_no_case_was_chosen(world, client_for):
    _meeting(world)
    client = client_for("staff")
    page = client.get(reverse("cases:cases_agenda"))
    assert page.status_code == 200 and 'data-testid="agenda-none"' in page.content.decode()
    response = client.post(reverse("cases:cases_agenda"), {"title": "بند"})
    assert response.status_code == 422
    assert not AgendaItem.objects.exists()


def test_it_keeps_what_was_typed_when_the_agenda_form_is_invalid(world, client_for):
    _cases(world)
    meeting = _meeting(world)
    final = _meeting(world, title="جلسه گذشته")
    Meeting.objects.filter(pk=final.pk).update(state=Meeting.State.FINAL)
    client = client_for("staff")
    response = client.post(
        reverse("cases:cases_agenda"),
        {"cases": [world.case_a.pk], "meeting": "", "title": "", "description": "شرح من"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "جلسه را انتخاب کنید" in html and "عنوان بند را بنویسید" in html
    assert "شرح من" in html
    response = client.post(
        reverse("cases:cases_agenda"),
        {"cases": [world.case_a.pk], "meeting": final.pk, "title": "عنوان من"},
    )
    assert response.status_code == 422
    assert "دیگر بند تازه نمی‌پذیرد" in response.content.decode()
    assert "عنوان من" in response.content.decode()
    assert not AgendaItem.objects.exists()
    assert meeting.agenda.count() == 0


def test_it_shows_only_the_cases_staff_may_see_on_the_agenda_page(world, client_for):
    # Staff see every case; ids that are not cases are left out and counted.
    _cases(world)
    _meeting(world)
    page = client_for("staff").get(
        reverse("cases:cases_agenda") + f"?cases={world.case_a.pk}&cases=999999"
    )
    assert page.context["missing"] == 1
    assert [c.pk for c in page.context["chosen"]] == [world.case_a.pk]


# --------------------------------------------------------------------------- decisions
def _resolution_from_cases(world, cases):
    """A board meeting that puts the cases on its agenda, votes and passes a resolution."""
    staff, board = world.users["staff"], world.users["board"]
    meeting = _meeting(world, days=-1)
    item = services.cases_put_on_agenda(
        actor=staff, cases=cases, meeting=meeting, title="بیمه محصولات کشاورزی"
    )
    decisions_services.attendance_set(actor=staff, meeting=meeting, present_user_ids=[board.pk])
    decisions_services.voting_open(actor=staff, item=item)
    decisions_services.vote_cast(actor=board, item=item, choice="for")
    resolution = decisions_services.voting_close(
        actor=staff, item=item, text="اتاق پیگیری پرداخت خسارت‌ها را به عهده می‌گیرد."
    )
    assert resolution is not None and resolution.published
    return meeting, item, resolution


def test_it_shows_the_linked_cases_on_the_meeting_page(world, client_for):
    _cases(world)
    meeting, _item, _resolution = _resolution_from_cases(world, [world.case_a, world.case_b])
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    html = client_for("board").get(url).content.decode()
    assert 'data-testid="linked-cases"' in html
    for case in (world.case_a, world.case_b):
        assert reverse("cases:case_detail", args=[case.pk]) in html
        assert to_persian_digits(case.tracking_number) in html
        assert case.cooperative.name in html
    # The directorate sees case_a (referred to it) and only a count for the other.
    html = client_for("directorate").get(url).content.decode()
    assert reverse("cases:case_detail", args=[world.case_a.pk]) in html
    assert reverse("cases:case_detail", args=[world.case_b.pk]) not in html
    assert world.coop_b.name not in html
    assert 'data-testid="linked-cases-hidden"' in html


def test_it_shows_the_public_only_how_many_cases_a_resolution_came_from(world, client_for):
    _cases(world)
    *_rest, resolution = _resolution_from_cases(world, [world.case_a, world.case_b])
    url = reverse("decisions:resolution_detail", args=[resolution.pk])
    html = client_for("public").get(url).content.decode()
    assert 'data-testid="linked-cases"' in html
    assert "برخاسته از ۲ درخواست" in html
    for case in (world.case_a, world.case_b):
        assert reverse("cases:case_detail", args=[case.pk]) not in html
        assert case.cooperative.name not in html
        assert to_persian_digits(case.tracking_number) not in html
    # Each cooperative sees its own case and only a count of the others.
    html = client_for("coop").get(url).content.decode()
    assert reverse("cases:case_detail", args=[world.case_a.pk]) in html
    assert world.case_a.title in html
    assert reverse("cases:case_detail", args=[world.case_b.pk]) not in html
    assert world.coop_b.name not in html and "و ۱ درخواست دیگر" in html
    html = client_for("staff").get(url).content.decode()
    assert all(
        reverse("cases:case_detail", args=[c.pk]) in html for c in (world.case_a, world.case_b)
    )
    assert 'data-testid="linked-cases-hidden"' not in html


def test_it_shows_nothing_when_a_resolution_has_no_linked_case(world, client_for):
    _cases(world)
    meeting = _meeting(world)
    decisions_services.agenda_item_add(actor=world.users["staff"], meeting=meeting, title="بند")
    html = client_for("staff").get(reverse("decisions:meeting_detail", args=[meeting.pk]))
    assert 'data-testid="linked-cases"' not in html.content.decode()


def _many_linked_items(world, meeting, n: int) -> None:
    staff = world.users["staff"]
    for i in range(n):
        cases = [
            file_case(world, title=f"درخواست {i}-الف"),
            file_case(world, persona="coop2", cooperative=world.coop_b, title=f"درخواست {i}-ب"),
        ]
        services.cases_put_on_agenda(actor=staff, cases=cases, meeting=meeting, title=f"بند {i}")


@pytest.mark.parametrize("persona", ["staff", "coop"])
def test_it_reads_the_linked_cases_of_a_meeting_without_a_query_per_item(
    world, client_for, django_assert_max_num_queries, persona
):
    meeting = _meeting(world)
    if persona == "coop":  # an invited guest who sees only some of the cases
        meeting.members.create(user=world.users["coop"], voting=False)
    _many_linked_items(world, meeting, 2)
    client = client_for(persona)
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _many_linked_items(world, meeting, 8)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.decode().count('data-testid="linked-cases"') == 10


def test_it_reads_the_linked_cases_of_a_resolution_in_two_queries(
    world, client_for, django_assert_max_num_queries
):
    _cases(world)
    extra = [file_case(world, title=f"درخواست مشابه {i}") for i in range(6)]
    *_rest, resolution = _resolution_from_cases(world, [world.case_a, *extra])
    client = client_for("staff")
    url = reverse("decisions:resolution_detail", args=[resolution.pk])
    with django_assert_max_num_queries(40) as counted:
        response = client.get(url)
    assert response.content.decode().count("data-case=") == 7
    linked = [q["sql"] for q in counted.captured_queries if "cases_case" in q["sql"]]
    assert len(linked) <= 2, linked
