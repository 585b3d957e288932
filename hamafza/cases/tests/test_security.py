"""A security review of the cases part: what one party must never see or change of another's
cases (docs/permissions.md, «Cases: who sees what»). Each test names the protection it pins;
the first ones were failing before their fix (see the docstrings)."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hamafza.accounts.models import Role, RoleAssignment
from hamafza.api.models import ApiToken
from hamafza.cases import pdf as case_pdf
from hamafza.cases import services
from hamafza.cases.models import Attachment, Case, Message
from hamafza.cases.tests.helpers import PDF, case_world, category, file_case, pdf
from hamafza.conftest import make_cooperative, make_user, sign_in
from hamafza.core.models import Notification
from hamafza.core.uploads import MAX_UPLOAD_BYTES
from hamafza.followup.models import Organisation

pytestmark = pytest.mark.django_db

XSS_TITLE = '<script>alert("t")</script><img src="file:///etc/passwd">'
XSS_TEXT = "<img src=x onerror=alert(1)> url(file:///etc/passwd)"


def detail_url(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def notified(user, text: str) -> bool:
    return Notification.objects.filter(user=user, body__contains=text).exists()


def outside_body(name: str = "بانک توسعه تعاون") -> Organisation:
    return Organisation.objects.get_or_create(
        name=name, defaults={"kind": Organisation.Kind.OUTSIDE}
    )[0]


# --------------------------------------------------------------------------- findings
def test_it_tells_no_former_representative_about_the_case(world):
    """Was failing: party_users() added whoever filed the case even after they stopped
    representing the cooperative, so a replaced managing director kept receiving the chamber's
    replies, the outcome and the referrals (SMS, e-mail, in the app) of a case whose page
    answers them 404."""
    case_world(world)
    former = world.users["coop"]
    RoleAssignment.objects.filter(user=former).delete()
    former.clear_role_cache()
    staff = world.users["staff"]
    services.message_add(actor=staff, case=world.case_a, text="پاسخ محرمانه اتاق")
    services.case_resolve(actor=staff, case=world.case_a, outcome="نتیجه محرمانه رسیدگی")
    assert not notified(former, "پاسخ محرمانه اتاق")
    assert not notified(former, "نتیجه محرمانه رسیدگی")
    assert services.party_users(world.case_a) == []
    assert Client().get(detail_url(world.case_a)).status_code == 302
    assert sign_in(Client(), former).get(detail_url(world.case_a)).status_code == 404
    # The union's case: its representatives are still told, the former one is not.
    union_case = world.case_union
    services.message_add(actor=staff, case=union_case, text="پاسخ به اتحادیه")
    assert notified(world.users["union"], "پاسخ به اتحادیه")
    assert not notified(former, "پاسخ به اتحادیه")


def test_it_tells_a_former_staff_assignee_nothing_about_the_case(world):
    """Was failing: desk_users() and case_confirm() told the case's assignee even after they
    had left the chamber's staff — here they now represent another cooperative and received
    cooperative A's messages and its rating comment."""
    case_world(world)
    staff, coop = world.users["staff"], world.users["coop"]
    services.case_resolve(actor=staff, case=world.case_a, outcome="حل شد")
    world.case_a.refresh_from_db()
    assert world.case_a.assignee == staff
    RoleAssignment.objects.filter(user=staff).delete()
    RoleAssignment.objects.create(user=staff, role=Role.COOPERATIVE, cooperative=world.coop_b)
    staff.clear_role_cache()
    colleague = make_user("staff2", Role.STAFF)
    case = Case.objects.get(pk=world.case_a.pk)
    services.case_confirm(actor=coop, case=case, rating=2, comment="نظر محرمانه تعاونی")
    services.case_reopen(actor=coop, case=case, reason="دلیل بازگشایی تعاونی")
    services.message_add(actor=coop, case=case, text="پیام محرمانه تعاونی الف")
    for text in ("نظر محرمانه تعاونی", "دلیل بازگشایی تعاونی", "پیام محرمانه تعاونی الف"):
        assert not notified(staff, text), text
        assert notified(colleague, text), text  # the chamber's staff are told instead
    assert services.desk_users(case) == [colleague]


def test_it_refuses_an_overlong_api_search_instead_of_failing(world):
    """Was failing: the API's ?q= had no length limit, and every word multiplies the search
    condition (each glued pair is tried too): 400 short words took about 20 seconds of the
    server and then answered 500 («too many SQL variables»). The web list cuts q at 200
    characters; the API now refuses longer ones with 400."""
    case_world(world)
    headers = bearer(world.users["coop"])
    q = " ".join(f"w{i}" for i in range(400))
    started = time.monotonic()
    response = Client().get("/api/v1/cases", {"q": q}, headers=headers)
    assert response.status_code == 400 and set(response.json()) == {"detail"}
    assert time.monotonic() - started < 5
    fine = Client().get("/api/v1/cases", {"q": "خسارت " * 30}, headers=headers)
    assert fine.status_code == 200


def test_it_lets_the_letter_fetch_nothing_but_its_fonts(world, tmp_path, monkeypatch):
    """Was failing: WeasyPrint's default fetcher reads any file:// or http(s) address a
    letter names. The letter template escapes everything typed (pinned below), but the
    letter should not be able to reach the server's files or network even if markup ever got
    through: only the Vazirmatn fonts are fetched."""
    case_world(world)
    fetch = case_pdf.fonts_only()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.org/x.png",
        (case_pdf.settings.NODE_MODULES / "vazirmatn" / ".." / "package.json").as_uri(),
        "data:text/plain,hi",
    ):
        with pytest.raises(ValueError):
            fetch(url)
    for face in case_pdf.font_faces():
        response = fetch(face["url"])
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
        response.close()
    # A picture named by markup that got into the letter is not embedded.
    from PIL import Image

    picture = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    html = f'<html><body><p>نامه</p><img src="{picture.as_uri()}"></body></html>'
    monkeypatch.setattr(case_pdf, "render_to_string", lambda *args, **kwargs: html)
    data = case_pdf.render_referral_letter(world.case_referral)
    assert data.startswith(b"%PDF-") and b"/Image" not in data


# --------------------------------------------------------------------------- pages and ids
def test_it_never_serves_one_cases_file_or_letter_under_another_cases_address(world, client_for):
    case_world(world)
    mine = client_for("coop2")
    theirs_file = reverse("cases:attachment", args=[world.case_b.pk, world.case_public_file.pk])
    theirs_note = reverse("cases:attachment", args=[world.case_b.pk, world.case_internal_file.pk])
    letter = reverse("cases:referral_letter", args=[world.case_b.pk, world.case_referral.pk])
    for url in (theirs_file, theirs_note, letter):
        assert mine.get(url).status_code == 404, url
    # Even the chamber reads a file only under its own case's address.
    assert client_for("staff").get(theirs_file).status_code == 404
    # A file id that does not exist answers as one that belongs to someone else.
    missing = reverse("cases:attachment", args=[world.case_b.pk, 999999])
    assert mine.get(missing).status_code == 404


def test_it_never_lists_another_cooperatives_case_through_filters_or_htmx(world, client_for):
    case_world(world)
    a = world.case_a
    client = client_for("coop2")
    tries = [
        {"cooperative": world.coop_a.pk, "state": "all"},
        {"q": a.title, "state": "all"},
        {"county": world.coop_a.county_id, "state": "all"},
        {"sector": world.coop_a.sector_id, "state": "all"},
        {"assignee": str(world.users["staff"].pk), "state": "all"},
        {"category": a.category_id, "state": a.state},
    ]
    for params in tries:
        for headers in ({}, {"HX-Request": "true", "HX-Target": "case-results"}):
            response = client.get(reverse("cases:case_list"), params, headers=headers)
            text = response.content.decode()
            assert response.status_code == 200
            assert f'data-case="{a.pk}"' not in text, params
            if "q" not in params:  # the search box shows what was typed
                assert a.title not in text, params
    # The union sees the case it filed, never cooperative A's own.
    union = client_for("union").get(
        reverse("cases:case_list"), {"cooperative": world.coop_a.pk, "state": "all"}
    )
    assert a.title not in union.content.decode()
    assert world.case_union.title in union.content.decode()


def test_it_shows_the_directorate_no_case_referred_only_to_an_outside_body(world, client_for):
    case_world(world)
    staff = world.users["staff"]
    services.case_triage(actor=staff, case=world.case_b)
    referral = services.case_refer(
        actor=staff, case=world.case_b, organisation=outside_body(), letter_text="متن نامه"
    )
    client = client_for("directorate")
    urls = [
        detail_url(world.case_b),
        reverse("cases:attachment", args=[world.case_b.pk, world.case_b_file.pk]),
        reverse("cases:referral_letter", args=[world.case_b.pk, referral.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("cases:case_list"), {"state": "all", "q": "معدن"})
    assert world.case_b.title not in listed.content.decode()
    api = Client().get(
        f"/api/v1/cases/{world.case_b.pk}", headers=bearer(world.users["directorate"])
    )
    assert api.status_code == 404
    # Its cooperative's registry page shows the directorate no case of it either.
    page = client.get(reverse("registry:cooperative_detail", args=[world.coop_b.pk]))
    assert world.case_b.title not in page.content.decode()
    # The breach list and the Excel list hold only what the directorate may open.
    breaches = client.get(reverse("cases:breach_report"), {"filed_from": "1300/01/01"})
    assert world.case_b.title not in breaches.content.decode()


def test_it_answers_the_report_pages_of_others_with_403_and_the_public_with_sign_in(
    world, client_for
):
    case_world(world)
    urls = [
        reverse("cases:case_report"),
        reverse("cases:case_report_export"),
        reverse("cases:breach_report"),
    ]
    for url in urls:
        for persona in ("coop", "coop2", "union"):
            assert client_for(persona).get(url).status_code == 403, (persona, url)
        response = client_for("public").get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_shows_the_directorate_numbers_but_no_single_case_it_may_not_open(world, client_for):
    case_world(world)
    page = client_for("directorate").get(reverse("cases:case_report")).content.decode()
    b = world.case_b
    for secret in (b.title, b.tracking_number, world.coop_b.name, b.description):
        assert secret not in page, secret
    assert reverse("cases:case_detail", args=[b.pk]) not in page


def test_it_shows_meeting_guests_and_the_directorate_only_the_linked_cases_they_see(
    world, client_for
):
    import datetime

    from django.utils import timezone

    from hamafza.decisions import services as decisions_services
    from hamafza.decisions.models import MeetingKind, MeetingMember
    from hamafza.persian.text import to_persian_digits

    case_world(world)
    staff = world.users["staff"]
    meeting = decisions_services.meeting_create(
        actor=staff,
        kind=MeetingKind.JOINT,
        title="نشست مشترک",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="اتاق",
    )
    services.cases_put_on_agenda(
        actor=staff, cases=[world.case_a, world.case_b], meeting=meeting, title="بند مشترک"
    )
    MeetingMember.objects.create(meeting=meeting, user=world.users["coop2"], voting=False)
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    seen = {"coop2": world.case_b, "directorate": world.case_a}  # a is referred to it
    for persona, visible in seen.items():
        html = client_for(persona).get(url).content.decode()
        hidden = world.case_a if visible is world.case_b else world.case_b
        assert detail_url(visible) in html, persona
        assert detail_url(hidden) not in html and hidden.title not in html, persona
        assert to_persian_digits(hidden.tracking_number) not in html, persona
        assert hidden.cooperative.name not in html, persona
        assert "و ۱ درخواست دیگر" in html, persona
    # The API's view of a case names the agenda item, never the other case.
    api = Client().get(f"/api/v1/cases/{world.case_b.pk}", headers=bearer(world.users["coop2"]))
    assert world.case_a.title not in api.content.decode()


# --------------------------------------------------------------------------- filing
def test_it_files_only_for_ones_own_cooperative_whatever_the_form_or_body_says(world, client_for):
    case_world(world)
    before = Case.objects.count()
    response = client_for("coop").post(
        reverse("cases:case_create"),
        {
            "cooperative": str(world.coop_b.pk),
            "channel": Case.Channel.PHONE,
            "category": category().pk,
            "title": "درخواست با فرم دستکاری‌شده",
            "description": "شرح",
            "urgency": "normal",
            "union": world.union.pk,
        },
    )
    assert response.status_code == 302
    filed = Case.objects.get(title="درخواست با فرم دستکاری‌شده")
    assert filed.cooperative == world.coop_a and filed.channel == Case.Channel.WEB
    assert filed.union is None
    # The API ignores fields it does not define (channel, union, filed_by).
    api = Client().post(
        "/api/v1/cases",
        {
            "category": "بیمه",
            "title": "درخواست با بدنه دستکاری‌شده",
            "description": "شرح",
            "channel": "phone",
            "union": world.union.pk,
            "filed_by": world.users["staff"].pk,
        },
        content_type="application/json",
        headers=bearer(world.users["coop"]),
    )
    assert api.status_code == 201
    filed = Case.objects.get(pk=api.json()["id"])
    assert (filed.cooperative, filed.channel, filed.union, filed.filed_by) == (
        world.coop_a,
        Case.Channel.WEB,
        None,
        world.users["coop"],
    )
    assert Case.objects.count() == before + 2


def test_it_refuses_a_channel_that_is_not_the_filers(world):
    with pytest.raises(services.ValidationError):
        file_case(world, persona="union", channel=Case.Channel.PHONE)
    with pytest.raises(services.PermissionDenied):
        file_case(world, persona="coop", channel=Case.Channel.UNION)
    with pytest.raises(services.PermissionDenied):
        file_case(world, persona="union", cooperative=world.coop_b, channel=Case.Channel.UNION)
    assert not Case.objects.exists()


# --------------------------------------------------------------------------- conversation
def test_it_never_tells_anyone_outside_the_chamber_an_internal_note(world):
    case_world(world)
    staff = world.users["staff"]
    services.message_add(actor=staff, case=world.case_a, text="یادداشت سری", internal=True)
    for persona in ("coop", "coop2", "union", "directorate"):
        user = world.users[persona]
        assert not Notification.objects.filter(user=user, body__contains="یادداشت سری").exists()
        assert not Notification.objects.filter(user=user, title__contains="یادداشت سری").exists()


def test_it_hides_internal_notes_from_the_cooperative_in_the_htmx_conversation(world, client_for):
    case_world(world)
    response = client_for("coop").post(
        reverse("cases:message_add", args=[world.case_a.pk]),
        {"text": "پیام با htmx", "internal": "on"},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "پیام با htmx" in text
    assert "یادداشت داخلی: مدیرعامل" not in text and "internal.pdf" not in text
    assert Message.objects.get(text="پیام با htmx").internal is False


def test_it_refuses_the_readers_every_write_on_a_case_they_see(world, client_for):
    case_world(world)
    staff = world.users["staff"]
    services.case_resolve(actor=staff, case=world.case_a, outcome="حل شد")
    posts = {
        "cases:message_add": {"text": "پیام خواننده", "internal": "on"},
        "cases:case_confirm": {"rating": "1"},
        "cases:case_rate": {"rating": "1"},
        "cases:case_reopen": {"reason": "بازگشایی خواننده"},
    }
    for persona in ("board", "directorate"):
        for name, data in posts.items():
            response = client_for(persona).post(reverse(name, args=[world.case_a.pk]), data)
            assert response.status_code == 403, (persona, name)
    case = Case.objects.get(pk=world.case_a.pk)
    assert case.state == Case.State.RESOLVED and case.rating is None
    assert not Message.objects.filter(text="پیام خواننده").exists()


# --------------------------------------------------------------------------- CSRF and methods
def test_it_refuses_every_write_without_the_csrf_token(world):
    case_world(world)
    coop = sign_in(Client(enforce_csrf_checks=True), world.users["coop"])
    staff = sign_in(Client(enforce_csrf_checks=True), world.users["staff"])
    a = world.case_a.pk
    writes = [
        (coop, reverse("cases:case_create"), {"title": "بی‌توکن", "description": "شرح"}),
        (coop, reverse("cases:message_add", args=[a]), {"text": "بی‌توکن"}),
        (coop, reverse("cases:case_confirm", args=[a]), {"rating": "5"}),
        (coop, reverse("cases:case_rate", args=[a]), {"rating": "5"}),
        (coop, reverse("cases:case_reopen", args=[a]), {"reason": "بی‌توکن"}),
        (staff, reverse("cases:case_triage", args=[world.case_b.pk]), {"note": "بی‌توکن"}),
        (staff, reverse("cases:case_assign", args=[a]), {"assignee": world.users["staff"].pk}),
        (staff, reverse("cases:case_refer", args=[a]), {"letter_text": "بی‌توکن"}),
        (staff, reverse("cases:case_start", args=[a]), {}),
        (staff, reverse("cases:case_resolve", args=[a]), {"outcome": "بی‌توکن"}),
        (staff, reverse("cases:case_reject", args=[a]), {"reason": "بی‌توکن"}),
        (staff, reverse("cases:cases_agenda"), {"cases": [a], "title": "بی‌توکن"}),
    ]
    for client, url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert not Message.objects.filter(text="بی‌توکن").exists()
    assert Case.objects.get(pk=a).state == Case.State.REFERRED
    assert Case.objects.get(pk=world.case_b.pk).state == Case.State.NEW


def test_it_changes_nothing_on_get(world, client_for):
    case_world(world)
    a = world.case_a.pk
    for name in ("message_add", "case_confirm", "case_rate", "case_reopen"):
        response = client_for("coop").get(reverse(f"cases:{name}", args=[a]), {"text": "x"})
        assert response.status_code == 405, name
    for name in ("case_assign", "case_start"):
        assert client_for("staff").get(reverse(f"cases:{name}", args=[a])).status_code == 405
    # The desk's form pages only show their form on GET.
    client_for("staff").get(reverse("cases:case_resolve", args=[a]), {"outcome": "x"})
    client_for("staff").get(reverse("cases:case_triage", args=[world.case_b.pk]), {"note": "x"})
    assert Case.objects.get(pk=a).state == Case.State.REFERRED
    assert Case.objects.get(pk=world.case_b.pk).state == Case.State.NEW


# --------------------------------------------------------------------------- files
def test_it_serves_a_file_as_a_download_of_its_detected_kind(world, client_for):
    case_world(world)
    # The browser said text/html; the server keeps what the bytes are.
    name = '<img src=x onerror=alert(1)>".pdf'
    spoofed = SimpleUploadedFile(name, PDF, content_type="text/html")
    services.message_add(
        actor=world.users["coop"], case=world.case_a, text="فایل", attachments=[spoofed]
    )
    found = Attachment.objects.get(original_name=name)
    assert found.content_type == "application/pdf"
    response = client_for("coop").get(reverse("cases:attachment", args=[world.case_a.pk, found.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    page = client_for("coop").get(detail_url(world.case_a)).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>"),
        SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>"),
        SimpleUploadedFile("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        SimpleUploadedFile("pdf.png", PDF),
        SimpleUploadedFile("empty.pdf", b""),
        SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES),
    ],
    ids=["html-as-pdf", "html", "svg", "pdf-as-png", "empty", "too-big"],
)
def test_it_refuses_a_file_that_is_not_what_it_claims_or_too_big(world, client_for, upload):
    case_world(world)
    response = client_for("coop").post(
        reverse("cases:message_add", args=[world.case_a.pk]),
        {"text": "پیام با فایل نپذیرفتنی", "attachments": [upload]},
    )
    assert response.status_code == 422
    assert not Message.objects.filter(text="پیام با فایل نپذیرفتنی").exists()
    assert not Attachment.objects.filter(original_name=upload.name).exists()


def test_it_refuses_more_than_five_files_on_a_message(world, client_for):
    case_world(world)
    files = [pdf(f"f{i}.pdf") for i in range(services.MAX_ATTACHMENTS + 1)]
    response = client_for("coop").post(
        reverse("cases:message_add", args=[world.case_a.pk]),
        {"text": "پیام با شش فایل", "attachments": files},
    )
    assert response.status_code == 422
    assert not Message.objects.filter(text="پیام با شش فایل").exists()
    with pytest.raises(services.ValidationError):
        services.message_add(
            actor=world.users["coop"],
            case=world.case_a,
            text="شش فایل از راه سرویس",
            attachments=[pdf(f"g{i}.pdf") for i in range(services.MAX_ATTACHMENTS + 1)],
        )


# --------------------------------------------------------------------------- escaping
def test_it_escapes_what_cooperatives_type_on_every_page(world, client_for):
    case_world(world)
    case = file_case(world, title=XSS_TITLE, description=XSS_TEXT)
    services.message_add(actor=world.users["coop"], case=case, text=XSS_TEXT)
    pages = [
        ("coop", detail_url(case)),
        ("staff", detail_url(case)),
        ("coop", reverse("cases:case_list")),
        ("staff", reverse("cases:case_list") + "?state=all"),
        ("coop", reverse("registry:cooperative_detail", args=[world.coop_a.pk])),
        ("staff", reverse("cases:cases_agenda") + f"?cases={case.pk}"),
        ("staff", reverse("cases:case_refer", args=[case.pk])),
    ]
    for persona, url in pages:
        text = client_for(persona).get(url).content.decode()
        assert "<script>alert" not in text, url
        assert "<img src=x" not in text and '<img src="file:' not in text, url
        assert "&lt;script&gt;alert" in text, url


def test_it_escapes_the_letter_so_typed_markup_cannot_fetch_anything(world):
    case_world(world)
    staff = world.users["staff"]
    case = file_case(world, title=XSS_TITLE, description=XSS_TEXT)
    services.case_triage(actor=staff, case=case)
    referral = services.case_refer(
        actor=staff,
        case=case,
        organisation=outside_body('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'),
        letter_text=XSS_TEXT + '\n<style>@import "file:///etc/passwd";</style>',
    )
    from django.template.loader import render_to_string

    context = case_pdf.letter_context(referral) | {"direction": "rtl", "language": "fa"}
    html = render_to_string("cases/referral_letter_pdf.html", context)
    for raw in ("<img src=", "<script>", "<link rel", "<style>@import"):
        assert raw not in html, raw
    assert "&lt;img src=x" in html and "&lt;script&gt;" in html
    assert case_pdf.render_referral_letter(referral).startswith(b"%PDF-")


# --------------------------------------------------------------------------- Excel
def test_it_neutralises_formulas_in_the_report_export(world, client_for):
    from openpyxl import load_workbook

    staff = world.users["staff"]
    formula_coop = make_cooperative(7, name='=HYPERLINK("http://evil.example","باز کنید")')
    case = file_case(world, persona="staff", cooperative=formula_coop, channel="phone")
    services.case_triage(actor=staff, case=case)
    services.case_refer(
        actor=staff, case=case, organisation=outside_body("=1+2"), letter_text="متن نامه"
    )
    response = client_for("staff").get(reverse("cases:case_report_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert "'=1+2" in values
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert all(cell.data_type != "f" for s in book.worksheets for r in s.iter_rows() for cell in r)
