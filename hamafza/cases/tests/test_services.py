import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hamafza.cases import services
from hamafza.cases.models import Case, Event
from hamafza.cases.tests.helpers import case_world, category, directorate, file_case, pdf
from hamafza.core import sms
from hamafza.core.models import AuditEvent, Notification
from hamafza.decisions.models import Meeting, MeetingKind
from hamafza.decisions.services import Conflict


def test_it_files_with_a_tracking_number_and_confirms_by_sms_and_email(world):
    world.users["coop"].mobile = "09151234567"
    world.users["coop"].email = "coop@example.com"
    world.users["coop"].save()
    sms.outbox.clear()
    case = file_case(world, attachments=[pdf()])
    assert case.state == Case.State.NEW
    year = case.tracking_number.split("-")[0]
    assert case.tracking_number == f"{year}-00001"
    second = file_case(world, title="دومین")
    assert second.tracking_number == f"{year}-00002"
    assert case.first_response_due_at - case.filed_at == datetime.timedelta(hours=48)
    assert any("۱-" in m.subject or "۰۰۰۰۱" in m.subject for m in mail.outbox)
    assert Notification.objects.filter(user=world.users["coop"], kind="case_filed").exists()
    assert any(to == "09151234567" and "۰۰۰۰۱" in text for to, text in sms.outbox)
    assert AuditEvent.objects.filter(action="cases.case_file").count() == 2
    assert case.attachments.count() == 1


def test_it_refuses_filing_for_another_cooperative(world):
    with pytest.raises(PermissionDenied):
        file_case(world, persona="coop2", cooperative=world.coop_a)
    assert not Case.objects.exists()


def test_it_lets_the_union_file_for_a_member_only(world):
    case = file_case(world, persona="union")
    assert case.union == world.union and case.channel == Case.Channel.UNION
    with pytest.raises(PermissionDenied):
        file_case(world, persona="union", cooperative=world.coop_b)


def test_it_rejects_a_bad_attachment_and_keeps_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        file_case(world, attachments=[bad])
    assert not Case.objects.exists()


def test_it_walks_the_workflow_and_refuses_other_moves(world):
    staff = world.users["staff"]
    case = file_case(world)
    with pytest.raises(Conflict):
        services.case_resolve(actor=staff, case=case, outcome="حل شد")
    services.case_triage(actor=staff, case=case)
    case.refresh_from_db()
    assert case.state == Case.State.TRIAGED and case.assignee == staff
    assert case.first_response_at is not None
    services.case_refer(actor=staff, case=case, organisation=directorate(), letter_text="متن")
    services.case_start(actor=staff, case=case)
    services.case_resolve(actor=staff, case=case, outcome="خسارت پرداخت شد.")
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED
    with pytest.raises(PermissionDenied):
        services.case_confirm(actor=world.users["coop2"], case=case, rating=5)
    with pytest.raises(ValidationError):
        services.case_confirm(actor=world.users["coop"], case=case, rating=7)
    services.case_confirm(actor=world.users["coop"], case=case, rating=4, comment="خوب بود")
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.rating == 4
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [
        "filed",
        "triaged",
        "assigned",
        "referred",
        "started",
        "resolved",
        "closed",
        "rated",
    ]
    services.case_reopen(actor=world.users["coop"], case=case, reason="دوباره مشکل پیش آمد")
    case.refresh_from_db()
    assert case.state == Case.State.IN_PROGRESS and case.rating is None


def test_it_refuses_reopening_after_the_window(world, settings):
    staff = world.users["staff"]
    case = file_case(world)
    services.case_triage(actor=staff, case=case)
    services.case_reject(actor=staff, case=case, reason="خارج از وظایف اتاق")
    Case.objects.filter(pk=case.pk).update(
        resolved_at=timezone.now() - datetime.timedelta(days=settings.HAMAFZA_CASE_REOPEN_DAYS + 1)
    )
    with pytest.raises(Conflict):
        services.case_reopen(actor=world.users["coop"], case=case, reason="چرا؟")


def test_it_keeps_internal_notes_from_the_cooperative(world):
    case_world(world)
    with pytest.raises(PermissionDenied):
        services.message_add(actor=world.users["coop"], case=world.case_a, text="x", internal=True)
    with pytest.raises(PermissionDenied):
        services.message_add(actor=world.users["coop2"], case=world.case_a, text="x")
    assert not Notification.objects.filter(
        user=world.users["coop"], body__contains="یادداشت داخلی"
    ).exists()


def test_it_puts_several_cases_on_one_agenda_item(world):
    staff = world.users["staff"]
    one = file_case(world)
    two = file_case(world, title="همان مشکل بیمه")
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        created_by=staff,
    )
    item = services.cases_put_on_agenda(
        actor=staff, cases=[one, two], meeting=meeting, title="خسارت بیمه محصول"
    )
    assert set(item.cases.all()) == {one, two}
    assert Event.objects.filter(kind="agenda").count() == 2


def test_tick_closes_resolved_cases_and_warns_once(world, settings):
    staff = world.users["staff"]
    case = file_case(world, category=category("مواد اولیه و نهاده‌ها"))  # 24 h to respond
    now = case.filed_at + datetime.timedelta(hours=20)
    assert services.warn_service_levels(now=now) >= 1
    assert services.warn_service_levels(now=now) == 0
    later = case.filed_at + datetime.timedelta(hours=25)
    assert services.warn_service_levels(now=later) >= 1
    assert services.warn_service_levels(now=later) == 0
    services.case_triage(actor=staff, case=case)
    services.case_resolve(actor=staff, case=case, outcome="حل شد")
    moment = timezone.now() + datetime.timedelta(days=settings.HAMAFZA_CASE_CLOSE_DAYS + 1)
    assert services.close_resolved(now=moment) >= 1
    assert services.close_resolved(now=moment) == 0
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.auto_closed
    services.case_rate(actor=world.users["coop"], case=case, rating=3)
    with pytest.raises(Conflict):
        services.case_rate(actor=world.users["coop"], case=case, rating=3)


def test_it_confirms_by_sms_to_the_registered_mobile_when_no_one_represents_it(world):
    from hamafza.cases.models import Case as CaseModel

    world.coop_b.mobile = "09157654321"
    world.coop_b.save()
    world.users["coop2"].role_assignments.all().delete()
    sms.outbox.clear()
    case = services.case_file(
        actor=world.users["staff"],
        cooperative=world.coop_b,
        category=category(),
        title="تلفنی: کمبود سهمیه",
        description="مدیرعامل تلفنی خبر داد.",
        channel=CaseModel.Channel.PHONE,
    )
    (to, text) = sms.outbox[-1]
    assert to == "09157654321" and "۰۰۰۰۱" in text and world.coop_b.name in text
    assert case.channel == "phone"
