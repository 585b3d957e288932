"""Proposals in the browser's way: submitted with attachments, supported once, discussed,
put on a meeting's agenda or answered by the staff."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.core.models import AuditEvent
from hamafza.decisions.models import (
    AgendaItem,
    LegalDocument,
    Meeting,
    MeetingKind,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    ProposalSupport,
    Resolution,
)
from hamafza.decisions.tests.matrix_proposals import prepare

PDF = b"%PDF-1.7 proposal annex"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

HTMX = {"HX-Request": "true"}


@pytest.fixture
def law(db):
    return LegalDocument.objects.create(
        kind=LegalDocument.Kind.LAW,
        title="قانون آزمایشی تعاون",
        issuer="مجلس شورای اسلامی",
    )


def submit(client, on_behalf="", files=(), **fields):
    data = {
        "title": "ایجاد بازارچه دائمی محصولات تعاونی‌ها",
        "text": "پیشنهاد می‌شود در هر شهرستان بازارچه‌ای دائمی برای فروش محصولات تعاونی‌ها برپا شود.",
        "legal_basis": "بند ۶ ماده ۴۳: بازاریابی برای تعاونی‌های عضو",
        "on_behalf": on_behalf,
        **fields,
    }
    if files:
        data["attachments"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(reverse("decisions:proposal_create"), data)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "decisions"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upcoming_meeting(world, **fields) -> Meeting:
    defaults = {
        "kind": MeetingKind.BOARD,
        "title": "جلسه هیئت رئیسه آذر",
        "starts_at": timezone.now() + datetime.timedelta(days=7),
        "created_by": world.users["staff"],
    }
    return Meeting.objects.create(**{**defaults, **fields})


# --------------------------------------------------------------------------- submitting
def test_it_submits_a_proposal_with_attachments(world, client_for, law):
    client = client_for("coop")
    response = submit(
        client,
        on_behalf=f"coop:{world.coop_a.pk}",
        legal_documents=[law.pk],
        files=[("annex.pdf", PDF), ("photo.png", PNG)],
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:proposal_detail", args=[proposal.pk])
    assert proposal.cooperative == world.coop_a
    assert proposal.submitted_by == world.users["coop"]
    assert proposal.state == Proposal.State.SUBMITTED
    assert list(proposal.legal_documents.all()) == [law]
    attachments = {a.original_name: a for a in proposal.attachments.all()}
    assert attachments["annex.pdf"].content_type == "application/pdf"
    assert attachments["photo.png"].content_type == "image/png"
    assert AuditEvent.objects.filter(action="decisions.proposal_submit").exists()
    assert AuditEvent.objects.filter(action="decisions.proposal_attach").count() == 2
    html = client.get(response["Location"]).content.decode()
    assert "annex.pdf" in html
    assert world.coop_a.name in html
    assert reverse("decisions:library_detail", args=[law.pk]) in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf", "این نوع فایل پذیرفته نیست"),
        ("page.html", b"<script>alert(1)</script>", "این نوع فایل پذیرفته نیست"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "۱۰ مگابایت"),
    ],
)
def test_it_refuses_forbidden_types_and_sizes_and_saves_nothing(
    world, client_for, settings, name, content, message
):
    response = submit(
        client_for("coop"),
        on_behalf=f"coop:{world.coop_a.pk}",
        # A good file next to the refused one is not kept either: all or nothing.
        files=[("annex.pdf", PDF), (name, content)],
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert f"«\u2068{name}\u2069»" in html
    # Nothing typed is lost …
    assert "ایجاد بازارچه دائمی محصولات تعاونی‌ها" in html
    assert "بازارچه‌ای دائمی برای فروش" in html
    assert "پیوست‌ها را دوباره انتخاب کنید" in html
    # … and nothing is saved.
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()
    assert stored_files(settings) == []


def test_it_explains_missing_fields_in_persian(world, client_for):
    response = submit(client_for("coop"), on_behalf="", title="", text="")
    html = response.content.decode()
    assert response.status_code == 422
    assert "عنوان پیشنهاد را بنویسید." in html
    assert "متن پیشنهاد را بنویسید." in html
    assert "انتخاب کنید از طرف کدام تعاونی یا اتحادیه پیشنهاد می‌دهید." in html
    assert not Proposal.objects.exists()


def test_it_lets_representatives_submit_only_for_their_own_organisation(world, client_for):
    # coop2 cannot submit for coop's cooperative, nor for a union it does not represent.
    for on_behalf in (f"coop:{world.coop_a.pk}", f"union:{world.union.pk}", "coop:999999"):
        response = submit(client_for("coop2"), on_behalf=on_behalf)
        assert response.status_code == 422, on_behalf
        assert "فقط از طرف تعاونی یا اتحادیه‌ای که نماینده آن هستید." in response.content.decode()
    assert not Proposal.objects.exists()
    # The choices offered are the user's own organisations.
    page = client_for("coop2").get(reverse("decisions:proposal_create")).content.decode()
    assert world.coop_b.name in page
    assert world.coop_a.name not in page

    assert submit(client_for("coop2"), on_behalf=f"coop:{world.coop_b.pk}").status_code == 302
    assert submit(client_for("union"), on_behalf=f"union:{world.union.pk}").status_code == 302
    assert submit(client_for("board"), on_behalf="").status_code == 302
    assert [(p.cooperative, p.union) for p in Proposal.objects.order_by("id")] == [
        (world.coop_b, None),
        (None, world.union),
        (None, None),
    ]


def test_it_keeps_the_directorate_from_submitting(world, client_for):
    assert submit(client_for("directorate")).status_code == 403
    assert not Proposal.objects.exists()


# --------------------------------------------------------------------------- support, comments
def test_it_counts_each_supporter_once(world, client_for):
    prepare(world)
    url = reverse("decisions:proposal_support", args=[world.proposal.pk])
    client = client_for("union")
    first = client.post(url, headers=HTMX)
    assert first.status_code == 200
    assert "<html" not in first.content.decode()
    assert "حمایت شما ثبت شد." in first.content.decode()
    again = client.post(url, follow=True)
    assert "پیش‌تر از این پیشنهاد حمایت کرده‌اید" in again.content.decode()
    client_for("board").post(url)
    assert ProposalSupport.objects.filter(proposal=world.proposal).count() == 2
    detail = client.get(reverse("decisions:proposal_detail", args=[world.proposal.pk]))
    html = detail.content.decode()
    assert 'data-testid="supported"' in html
    assert 'data-testid="support"' not in html  # no second button


def test_it_adds_comments_and_refuses_an_empty_one(world, client_for):
    prepare(world)
    url = reverse("decisions:proposal_comment", args=[world.proposal.pk])
    fragment = client_for("coop2").post(url, {"text": "ما هم همین مشکل را داریم."}, headers=HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert "ما هم همین مشکل را داریم." in html
    empty = client_for("coop2").post(url, {"text": "   "}, headers=HTMX)
    assert "متن دیدگاه را بنویسید." in empty.content.decode()
    plain = client_for("directorate").post(url, {"text": "اداره کل پیگیری می‌کند."})
    assert plain.status_code == 302
    assert [c.text for c in ProposalComment.objects.order_by("id")] == [
        "ما هم همین مشکل را داریم.",
        "اداره کل پیگیری می‌کند.",
    ]
    detail = client_for("coop").get(reverse("decisions:proposal_detail", args=[world.proposal.pk]))
    assert "اداره کل پیگیری می‌کند." in detail.content.decode()


# --------------------------------------------------------------------------- staff review
def test_it_puts_a_proposal_on_an_upcoming_meetings_agenda(world, client_for, law):
    prepare(world)
    world.proposal.legal_documents.add(law)
    meeting = upcoming_meeting(world)
    held = upcoming_meeting(world, title="جلسه گذشته", state=Meeting.State.HELD)
    url = reverse("decisions:proposal_to_agenda", args=[world.proposal.pk])
    page = client_for("staff").get(url).content.decode()
    assert meeting.title in page
    assert held.title not in page
    refused = client_for("staff").post(url, {"meeting": held.pk})
    assert refused.status_code == 422
    assert not AgendaItem.objects.exists()

    response = client_for("staff").post(url, {"meeting": meeting.pk})
    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.state == Proposal.State.ON_AGENDA
    item = AgendaItem.objects.get()
    assert (item.meeting, item.proposal, item.title) == (
        meeting,
        world.proposal,
        world.proposal.title,
    )
    assert law.title in item.legal_basis
    html = client_for("coop").get(reverse("decisions:proposal_detail", args=[world.proposal.pk]))
    assert meeting.title in html.content.decode()


def test_it_declines_with_a_reason_and_emails_the_submitter(world, client_for):
    prepare(world)
    url = reverse("decisions:proposal_decline", args=[world.proposal.pk])
    empty = client_for("staff").post(url, {"answer": ""})
    assert empty.status_code == 422
    assert "بنویسید چرا این پیشنهاد در دستور جلسه نمی‌آید." in empty.content.decode()
    assert mail.outbox == []

    answer = "این موضوع در اختیار اداره کل است و پیشنهاد به آن ارجاع شد."
    response = client_for("staff").post(url, {"answer": answer})
    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.state == Proposal.State.DECLINED
    assert world.proposal.answer == answer
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.users["coop"].email]
    assert answer in mail.outbox[0].body
    assert world.proposal.title in mail.outbox[0].subject
    detail = client_for("coop").get(reverse("decisions:proposal_detail", args=[world.proposal.pk]))
    assert answer in detail.content.decode()
    # A second answer is refused with a message; nothing changes.
    again = client_for("staff").post(url, {"answer": "پاسخ دیگر"})
    assert again.status_code == 422
    assert "این پیشنهاد پیش‌تر بررسی شده است." in again.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("persona", ["coop", "coop2", "union", "board", "directorate"])
def test_it_lets_only_the_staff_review_proposals(world, client_for, persona):
    prepare(world)
    meeting = upcoming_meeting(world)
    client = client_for(persona)
    agenda = reverse("decisions:proposal_to_agenda", args=[world.proposal.pk])
    decline = reverse("decisions:proposal_decline", args=[world.proposal.pk])
    assert client.post(agenda, {"meeting": meeting.pk}).status_code == 403
    assert client.post(decline, {"answer": "نه"}).status_code == 403
    world.proposal.refresh_from_db()
    assert world.proposal.state == Proposal.State.SUBMITTED
    assert not AgendaItem.objects.exists()
    assert mail.outbox == []
    detail = client.get(reverse("decisions:proposal_detail", args=[world.proposal.pk]))
    assert 'data-testid="staff-actions"' not in detail.content.decode()


def test_it_shows_the_resolution_a_proposal_led_to(world, client_for):
    prepare(world)
    meeting = upcoming_meeting(world, state=Meeting.State.HELD)
    item = AgendaItem.objects.create(
        meeting=meeting, title=world.proposal.title, proposal=world.proposal, state="passed"
    )
    Resolution.objects.create(
        number="1405/ه3/1",
        item=item,
        meeting=meeting,
        title="تشکیل صندوق ضمانت",
        text="تصویب شد.",
        passed_on=datetime.date(2026, 11, 20),
    )
    Proposal.objects.filter(pk=world.proposal.pk).update(state=Proposal.State.DECIDED)
    html = client_for("coop2").get(reverse("decisions:proposal_detail", args=[world.proposal.pk]))
    html = html.content.decode()
    assert "تشکیل صندوق ضمانت" in html
    assert "\u2066۱۴۰۵/ه\u200e۳/۱\u2069" in html  # one left-to-right piece
    assert "تصمیم‌گیری‌شده" in html


# --------------------------------------------------------------------------- attachments
def test_it_serves_attachments_to_signed_in_people_only(world, client_for):
    prepare(world)
    url = reverse(
        "decisions:proposal_attachment", args=[world.proposal.pk, world.proposal_attachment.pk]
    )
    public = client_for("public").get(url)
    assert public.status_code == 302
    assert public["Location"].startswith(reverse("accounts:login"))
    download = client_for("coop2").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 proposal"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    other = Proposal.objects.create(title="دیگر", text="متن", submitted_by=world.users["board"])
    wrong = reverse("decisions:proposal_attachment", args=[other.pk, world.proposal_attachment.pk])
    assert client_for("coop2").get(wrong).status_code == 404


# --------------------------------------------------------------------------- list
def _make_proposals(world, n: int, start: int = 0) -> None:
    users = [world.users[p] for p in ("coop", "coop2", "union", "board")]
    for i in range(start, start + n):
        proposal = Proposal.objects.create(
            title=f"پیشنهاد شماره {i}",
            text="متن",
            submitted_by=users[i % 4],
            cooperative=world.coop_a if i % 4 == 0 else None,
            union=world.union if i % 4 == 2 else None,
            state=Proposal.State.DECLINED if i % 5 == 0 else Proposal.State.SUBMITTED,
        )
        for user in users[: i % 3]:
            ProposalSupport.objects.create(proposal=proposal, user=user)
            ProposalComment.objects.create(proposal=proposal, author=user, text="دیدگاه")


def test_it_lists_proposals_with_the_same_queries_however_many(world, client_for):
    client = client_for("coop")
    url = reverse("decisions:proposal_list")
    _make_proposals(world, 3)
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _make_proposals(world, 40, start=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 12
    html = response.content.decode()
    assert "پیشنهاد شماره 42" in html  # newest first
    assert "پیشنهاد شماره 0<" not in html  # on the second page


def test_it_shows_counts_and_filters_by_state(world, client_for):
    _make_proposals(world, 6)
    response = client_for("directorate").get(
        reverse("decisions:proposal_list"), {"state": "declined"}
    )
    html = response.content.decode()
    assert "پیشنهاد شماره 5<" in html
    assert "پیشنهاد شماره 0<" in html
    assert "پیشنهاد شماره 1<" not in html
    everything = client_for("directorate").get(reverse("decisions:proposal_list")).content.decode()
    assert "۲ حمایت" in everything  # proposal 2 (and 5) have two supporters
    assert "۲ دیدگاه" in everything
