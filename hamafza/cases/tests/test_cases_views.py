"""The case pages both sides use: filing through the form, the list with its filters and
search, the case page for each persona (internal notes only for the chamber), files, the
conversation, and the cooperative's confirmation, rating and reopening; the registry's
cooperative page lists the cooperative's cases to those who may see them."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hamafza.cases import selectors, services
from hamafza.cases.models import Attachment, Case, CaseSequence, Category, Message
from hamafza.cases.tests.helpers import case_world, category, file_case, pdf
from hamafza.decisions.models import AgendaItem, Meeting, MeetingKind, Resolution
from hamafza.followup.models import Action, Organisation
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import Sector

pytestmark = pytest.mark.django_db

LIST = "cases:case_list"
NEW = "cases:case_create"


def detail_url(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def html(response) -> str:
    return response.content.decode()


def listed_ids(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-case="(\d+)"', html(response))}


def fa(text: str) -> str:
    return to_persian_digits(text)


def form_data(**fields) -> dict:
    data = {
        "category": str(category("بیمه").pk),
        "title": "تأخیر در پرداخت خسارت بیمه محصول",
        "description": "خسارت سرمازدگی باغ‌های اعضا پس از شش ماه هنوز پرداخت نشده است.",
        "urgency": "high",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def resolved_case(world, **kwargs) -> Case:
    case = file_case(world, **kwargs)
    staff = world.users["staff"]
    services.case_triage(actor=staff, case=case)
    return services.case_resolve(actor=staff, case=case, outcome="خسارت پرداخت شد.")


# --------------------------------------------------------------------------- filing
def test_it_files_a_case_through_the_form_and_shows_the_tracking_number(world, client_for):
    client = client_for("coop")
    page = client.get(reverse(NEW))
    assert page.status_code == 200
    text = html(page)
    assert world.coop_a.name in text and 'name="cooperative"' not in text
    assert 'name="channel"' not in text  # only staff say how a case reached them
    assert "نخستین پاسخ تا ۴۸ ساعت، رسیدگی تا ۳۰ روز" in text  # the category's targets
    response = client.post(
        reverse(NEW), form_data(attachments=[pdf("bimeh.pdf"), pdf("nameh.pdf")]), follow=True
    )
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(case)
    assert case.cooperative == world.coop_a and case.channel == Case.Channel.WEB
    assert case.urgency == "high" and case.filed_by == world.users["coop"]
    assert case.attachments.count() == 2
    text = html(response)
    assert fa(case.tracking_number) in text
    assert "شماره پیگیری: \u2066" + fa(case.tracking_number) + "\u2069" in text  # the message


def test_it_refuses_bad_input_keeps_nothing_and_keeps_what_was_typed(world, client_for):
    response = client_for("coop").post(
        reverse(NEW), form_data(category=None, title="", description="شرحی که نباید گم شود")
    )
    assert response.status_code == 422
    text = html(response)
    assert "موضوع درخواست را انتخاب کنید." in text
    assert "عنوان درخواست را بنویسید." in text
    assert "شرحی که نباید گم شود" in text
    assert not Case.objects.exists()


def test_it_refuses_a_bad_attachment_keeping_nothing_and_the_typed_values(world, client_for):
    bad = SimpleUploadedFile(
        "virus.exe.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client_for("coop").post(
        reverse(NEW), form_data(title="عنوانی که می‌ماند", attachments=[pdf("ok.pdf"), bad])
    )
    assert response.status_code == 422
    text = html(response)
    assert "virus.exe.pdf" in text and "این نوع فایل پذیرفته نیست" in text
    assert 'value="عنوانی که می‌ماند"' in text
    assert "دوباره انتخاب کنید" in text  # the browser does not keep chosen files
    assert re.search(rf'value="{category("بیمه").pk}"\s+id="[^"]+" checked', text)
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()
    assert not CaseSequence.objects.filter(last__gt=0).exists()


def test_it_refuses_more_files_than_allowed(world, client_for):
    files = [pdf(f"f{i}.pdf") for i in range(services.MAX_ATTACHMENTS + 1)]
    response = client_for("coop").post(reverse(NEW), form_data(attachments=files))
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_it_lets_the_union_choose_one_of_its_members_only(world, client_for):
    from hamafza.conftest import make_cooperative

    member = make_cooperative(3, name="شرکت تعاونی زعفران قائنات", union=world.union)
    client = client_for("union")
    text = html(client.get(reverse(NEW)))
    assert world.coop_a.name in text and member.name in text
    assert world.coop_b.name not in text
    refused = client.post(reverse(NEW), form_data(cooperative=str(world.coop_b.pk)))
    assert refused.status_code == 422 and not Case.objects.exists()
    response = client.post(reverse(NEW), form_data(cooperative=str(world.coop_a.pk)))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.union == world.union and case.channel == Case.Channel.UNION


def test_it_lets_staff_file_by_national_id_in_persian_digits_with_a_channel(world, client_for):
    client = client_for("staff")
    text = html(client.get(reverse(NEW)))
    assert 'name="channel"' in text and f'hx-get="{reverse(NEW)}"' in text
    response = client.post(
        reverse(NEW),
        form_data(cooperative=fa(world.coop_b.national_id), channel="letter"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.cooperative == world.coop_b and case.channel == Case.Channel.LETTER
    assert case.filed_by == world.users["staff"]


def test_it_refuses_staff_an_unknown_or_invalid_national_id(world, client_for):
    client = client_for("staff")
    invalid = client.post(reverse(NEW), form_data(cooperative="12345", channel="phone"))
    assert invalid.status_code == 422
    assert "شناسه ملی ۱۱ رقمی" in html(invalid)
    from hamafza.conftest import make_national_id

    unknown = client.post(
        reverse(NEW), form_data(cooperative=make_national_id(555), channel="phone")
    )
    assert unknown.status_code == 422 and "در فهرست نیست" in html(unknown)
    assert not Case.objects.exists()


def test_it_finds_a_cooperative_for_staff_by_name_or_national_id(world, client_for):
    client = client_for("staff")
    headers = {"HX-Request": "true"}
    by_name = client.get(reverse(NEW), {"lookup": "1", "cooperative": "فیروزه"}, headers=headers)
    assert by_name.status_code == 200
    assert world.coop_b.name in html(by_name)
    assert f'data-fill="{world.coop_b.national_id}"' in html(by_name)
    assert "<html" not in html(by_name)
    by_id = client.get(
        reverse(NEW),
        {"lookup": "1", "cooperative": fa(world.coop_a.national_id)},
        headers=headers,
    )
    assert 'data-testid="coop-found"' in html(by_id) and world.coop_a.name in html(by_id)


def test_it_prefills_the_cooperative_from_the_registry_page(world, client_for):
    text = html(client_for("staff").get(reverse(NEW), {"cooperative": world.coop_b.pk}))
    assert f'value="{world.coop_b.national_id}"' in text


@pytest.mark.parametrize("persona", ["board", "directorate"])
def test_it_refuses_filing_to_those_who_cannot_file(world, client_for, persona):
    client = client_for(persona)
    assert client.get(reverse(NEW)).status_code == 403
    assert client.post(reverse(NEW), form_data()).status_code == 403
    assert not Case.objects.exists()


def test_it_sends_the_public_to_sign_in(world, client_for):
    response = client_for("public").get(reverse(NEW))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --------------------------------------------------------------------------- the list
def test_it_lists_my_cases_for_a_cooperative_and_never_anothers(world, client_for):
    case_world(world)
    coop = client_for("coop").get(reverse(LIST))
    assert listed_ids(coop) == {world.case_a.pk, world.case_union.pk}
    assert "درخواست‌های من" in html(coop)
    coop2 = client_for("coop2").get(reverse(LIST))
    assert listed_ids(coop2) == {world.case_b.pk}
    assert world.case_a.title not in html(coop2)
    union = client_for("union").get(reverse(LIST))
    assert listed_ids(union) == {world.case_union.pk}


def test_it_never_finds_another_cooperatives_case_by_search(world, client_for):
    case_world(world)
    for q in (world.case_a.tracking_number, fa(world.case_a.tracking_number), "خسارت بیمه"):
        response = client_for("coop2").get(reverse(LIST), {"q": q, "state": "all"})
        assert listed_ids(response) == set(), q
        assert world.case_a.title not in html(response)


def test_it_shows_the_chamber_every_case_and_the_directorate_those_referred(world, client_for):
    case_world(world)
    everyone = {world.case_a.pk, world.case_b.pk, world.case_union.pk}
    for persona in ("staff", "board", "admin"):
        assert listed_ids(client_for(persona).get(reverse(LIST), {"state": "all"})) == everyone
    directorate = client_for("directorate").get(reverse(LIST))
    assert listed_ids(directorate) == {world.case_a.pk}


def test_it_searches_tracking_numbers_in_persian_digits_and_arabic_letters(world, client_for):
    case_world(world)
    client = client_for("staff")
    number = world.case_a.tracking_number  # e.g. 1405-00001
    for q in (number, fa(number), "۰۰۰۰۱", number.replace("-", " ")):
        assert listed_ids(client.get(reverse(LIST), {"q": q, "state": "all"})) == {
            world.case_a.pk
        }, q
    # Arabic yeh and kaf, and alef with hamza written bare: «تاخير» finds «تأخیر».
    found = client.get(reverse(LIST), {"q": "تاخير پرداخت", "state": "all"})
    assert listed_ids(found) == {world.case_a.pk}
    assert listed_ids(client.get(reverse(LIST), {"q": "معدن", "state": "all"})) == {world.case_b.pk}
    assert listed_ids(client.get(reverse(LIST), {"q": "ناموجود", "state": "all"})) == set()
    # A compound typed glued, with a space or with ZWNJ finds «بسته‌بندی».
    for q in ("بسته‌بندی", "بسته بندی", "بستهبندی", "بستهب"):
        assert listed_ids(client.get(reverse(LIST), {"q": q, "state": "all"})) == {
            world.case_union.pk
        }, q


def test_it_filters_by_state_category_urgency_and_assignee(world, client_for):
    case_world(world)
    staff = world.users["staff"]
    done = resolved_case(world, title="حل‌شده", urgency="critical")
    client = client_for("staff")
    # Staff start on the open cases.
    assert listed_ids(client.get(reverse(LIST))) == {
        world.case_a.pk,
        world.case_b.pk,
        world.case_union.pk,
    }
    assert listed_ids(client.get(reverse(LIST), {"state": "done"})) == {done.pk}
    assert listed_ids(client.get(reverse(LIST), {"state": "resolved"})) == {done.pk}
    assert listed_ids(client.get(reverse(LIST), {"state": "new"})) == {
        world.case_b.pk,
        world.case_union.pk,
    }
    education = category("آموزش و مشاوره")
    assert listed_ids(client.get(reverse(LIST), {"category": education.pk})) == {
        world.case_union.pk
    }
    assert listed_ids(client.get(reverse(LIST), {"urgency": "critical", "state": "all"})) == {
        done.pk
    }
    assert listed_ids(client.get(reverse(LIST), {"assignee": "mine", "state": "all"})) == {
        world.case_a.pk,
        done.pk,
    }
    assert listed_ids(client.get(reverse(LIST), {"assignee": "unassigned"})) == {
        world.case_b.pk,
        world.case_union.pk,
    }
    assert listed_ids(client.get(reverse(LIST), {"assignee": str(staff.pk)})) == {world.case_a.pk}
    # Party users cannot filter by assignee: the parameter is ignored.
    assert listed_ids(client_for("coop").get(reverse(LIST), {"assignee": "unassigned"})) == {
        world.case_a.pk,
        world.case_union.pk,
        done.pk,
    }


def test_it_filters_breached_cases_and_colours_their_clock(world, client_for):
    case_world(world)
    past = timezone.now() - datetime.timedelta(hours=1)
    Case.objects.filter(pk=world.case_b.pk).update(first_response_due_at=past)
    client = client_for("staff")
    response = client.get(reverse(LIST), {"breached": "1"})
    assert listed_ids(response) == {world.case_b.pk}
    text = html(response)
    assert 'data-sla="breached"' in text and "گذشته از مهلت" in text
    assert 'data-sla="ok"' not in text
    fresh = html(client.get(reverse(LIST)))
    assert "مانده" in fresh  # time left to the next target


def test_it_filters_by_county_sector_and_cooperative(world, client_for):
    case_world(world)
    client = client_for("staff")
    county = world.coop_b.county_id
    assert listed_ids(client.get(reverse(LIST), {"county": county})) == {world.case_b.pk}
    # Both test cooperatives are agricultural.
    assert len(listed_ids(client.get(reverse(LIST), {"sector": world.coop_b.sector_id}))) == 3
    other = Sector.objects.exclude(pk=world.coop_b.sector_id).first()
    assert listed_ids(client.get(reverse(LIST), {"sector": other.pk})) == set()
    assert listed_ids(client.get(reverse(LIST), {"cooperative": world.coop_a.pk})) == {
        world.case_a.pk,
        world.case_union.pk,
    }
    # The cooperative filter never widens what a party sees.
    assert (
        listed_ids(client_for("coop2").get(reverse(LIST), {"cooperative": world.coop_a.pk}))
        == set()
    )


def test_it_shows_the_list_columns_in_persian(world, client_for):
    case_world(world)
    text = html(client_for("coop").get(reverse(LIST)))
    assert fa(world.case_a.tracking_number) in text
    assert world.coop_a.name in text and "بیمه" in text
    assert "ارجاع به دستگاه" in text  # the state badge
    from hamafza.persian.jalali import format_jalali_date

    assert format_jalali_date(world.case_a.filed_at, persian_digits=True) in text


def test_it_offers_staff_to_put_ticked_cases_on_an_agenda(world, client_for):
    case_world(world)
    text = html(client_for("staff").get(reverse(LIST)))
    assert f'action="{reverse("cases:cases_agenda")}"' in text
    assert f'name="cases" value="{world.case_a.pk}"' in text
    assert "طرح در جلسه" in text and "ثبت درخواست تازه" in text
    coop = html(client_for("coop").get(reverse(LIST)))
    assert 'name="cases"' not in coop and "طرح در جلسه" not in coop
    assert "ثبت درخواست تازه" in coop
    assert "ثبت درخواست تازه" not in html(client_for("board").get(reverse(LIST)))


def test_it_has_friendly_empty_states(world, client_for):
    text = html(client_for("coop").get(reverse(LIST)))
    assert "هنوز درخواستی ثبت نکرده‌اید." in text
    filtered = html(client_for("coop").get(reverse(LIST), {"q": "هیچ"}))
    assert "درخواستی با این پالایش پیدا نشد." in filtered


def test_it_answers_the_filters_with_only_the_results_to_htmx(world, client_for):
    case_world(world)
    response = client_for("staff").get(
        reverse(LIST), {"q": "معدن"}, headers={"HX-Request": "true", "HX-Target": "case-results"}
    )
    assert "<html" not in html(response) and listed_ids(response) == {world.case_b.pk}


def test_it_lists_cases_in_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    for i in range(30):
        file_case(world, title=f"درخواست شماره {i}", urgency="high" if i % 2 else "normal")
    client = client_for("staff")
    client.get(reverse(LIST))  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(reverse(LIST), {"state": "all"})
    assert len(listed_ids(response)) == 25
    coop = client_for("coop")
    coop.get(reverse(LIST))
    with django_assert_max_num_queries(10):
        coop.get(reverse(LIST), {"q": "درخواست"})


# --------------------------------------------------------------------------- the case
def test_it_shows_the_case_to_its_cooperative_without_internal_notes(world, client_for):
    case_world(world)
    response = client_for("coop").get(detail_url(world.case_a))
    assert response.status_code == 200
    text = html(response)
    assert fa(world.case_a.tracking_number) in text
    assert world.case_a.description in text
    assert "نامه به اداره کل فرستاده شد." in text  # the public message
    assert "bimeh.pdf" in text and "name.pdf" in text
    assert "مدیرعامل پیش‌تر هم شکایت کرده بود" not in text
    assert "internal.pdf" not in text
    assert "یادداشت داخلی" not in text
    assert (
        reverse("cases:attachment", args=[world.case_a.pk, world.case_internal_file.pk]) not in text
    )
    # The referral, with its letter.
    assert world.case_referral.organisation.name in text
    assert fa(world.case_referral.letter_number) in text
    assert reverse("cases:referral_letter", args=[world.case_a.pk, world.case_referral.pk]) in text
    # The message form, without the internal-note option; no desk.
    assert 'data-testid="message-form"' in text and 'name="internal"' not in text
    assert 'data-testid="desk-panel"' not in text


@pytest.mark.parametrize("persona", ["staff", "board", "admin"])
def test_it_shows_internal_notes_to_the_chamber_marked_as_such(world, client_for, persona):
    case_world(world)
    text = html(client_for(persona).get(detail_url(world.case_a)))
    assert "مدیرعامل پیش‌تر هم شکایت کرده بود" in text
    assert "یادداشت داخلی — تعاونی نمی‌بیند" in text
    assert "internal.pdf" in text


def test_it_shows_the_directorate_a_referred_case_without_internal_notes(world, client_for):
    case_world(world)
    text = html(client_for("directorate").get(detail_url(world.case_a)))
    assert world.case_a.title in text
    assert "مدیرعامل پیش‌تر هم شکایت کرده بود" not in text and "internal.pdf" not in text
    assert 'data-testid="message-form"' not in text  # it reads, it does not converse
    assert client_for("directorate").get(detail_url(world.case_b)).status_code == 404


def test_it_offers_staff_the_internal_note_option_and_the_desk(world, client_for):
    case_world(world)
    text = html(client_for("staff").get(detail_url(world.case_a)))
    assert 'name="internal"' in text
    assert "cases/_desk_panel.html" not in text  # included, not printed


def test_it_shows_the_service_level_targets(world, client_for):
    case_world(world)
    text = html(client_for("coop").get(detail_url(world.case_b)))  # coop2's, so 404 for coop
    assert "مهلت‌های رسیدگی" not in text
    response = client_for("coop2").get(detail_url(world.case_b))
    text = html(response)
    assert "مهلت‌های رسیدگی" in text and "نخستین پاسخ" in text and "مانده" in text
    from hamafza.persian.jalali import format_jalali_datetime

    assert format_jalali_datetime(world.case_b.first_response_due_at) in text
    # case_a had its first response (triage) in time.
    text = html(client_for("coop").get(detail_url(world.case_a)))
    assert 'data-target="response" data-sla="met"' in text and "به‌موقع" in text


def test_it_answers_404_to_another_cooperative_for_the_page_files_and_actions(world, client_for):
    case_world(world)
    case = world.case_a
    client = client_for("coop2")
    assert client.get(detail_url(case)).status_code == 404
    for attachment in (world.case_public_file, world.case_internal_file):
        url = reverse("cases:attachment", args=[case.pk, attachment.pk])
        assert client.get(url).status_code == 404
    # coop2's own case with coop_a's file id: still 404.
    url = reverse("cases:attachment", args=[world.case_b.pk, world.case_public_file.pk])
    assert client.get(url).status_code == 404
    posts = {
        "cases:message_add": {"text": "سلام"},
        "cases:case_confirm": {"rating": "5"},
        "cases:case_rate": {"rating": "5"},
        "cases:case_reopen": {"reason": "حل نشد"},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, args=[case.pk]), data).status_code == 404, name
    assert not Message.objects.filter(author=world.users["coop2"]).exists()


def test_it_serves_internal_files_only_to_the_chamber(world, client_for):
    case_world(world)
    internal = reverse("cases:attachment", args=[world.case_a.pk, world.case_internal_file.pk])
    public = reverse("cases:attachment", args=[world.case_a.pk, world.case_public_file.pk])
    for persona in ("coop", "directorate"):
        assert client_for(persona).get(internal).status_code == 404, persona
        assert client_for(persona).get(public).status_code == 200, persona
    for persona in ("staff", "board", "admin"):
        response = client_for(persona).get(internal)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert "internal.pdf" in response["Content-Disposition"]
    assert client_for("public").get(public).status_code == 302


# --------------------------------------------------------------------------- conversation
def test_it_lets_the_cooperative_write_and_never_post_an_internal_note(world, client_for):
    case_world(world)
    url = reverse("cases:message_add", args=[world.case_a.pk])
    response = client_for("coop").post(url, {"text": "پیگیری می‌کنید؟", "internal": "on"})
    assert response.status_code == 302
    message = Message.objects.get(text="پیگیری می‌کنید؟")
    assert message.internal is False
    assert response["Location"].endswith(f"#message-{message.pk}")


def test_it_keeps_staff_internal_notes_from_the_cooperative(world, client_for):
    case_world(world)
    url = reverse("cases:message_add", args=[world.case_a.pk])
    client_for("staff").post(
        url, {"text": "سابقه بدهی دارد", "internal": "on", "attachments": [pdf("debt.pdf")]}
    )
    note = Message.objects.get(text="سابقه بدهی دارد")
    assert note.internal and note.attachments.get().internal
    coop = html(client_for("coop").get(detail_url(world.case_a)))
    assert "سابقه بدهی دارد" not in coop and "debt.pdf" not in coop
    file_url = reverse("cases:attachment", args=[world.case_a.pk, note.attachments.get().pk])
    assert client_for("coop").get(file_url).status_code == 404


def test_it_refuses_an_empty_message_and_a_bad_file(world, client_for):
    case_world(world)
    url = reverse("cases:message_add", args=[world.case_a.pk])
    empty = client_for("coop").post(url, {"text": "  "})
    assert empty.status_code == 422 and "متن پیام را بنویسید." in html(empty)
    bad = SimpleUploadedFile("x.pdf", b"not a pdf")
    refused = client_for("coop").post(url, {"text": "پیام با فایل بد", "attachments": [bad]})
    assert refused.status_code == 422 and "پیام با فایل بد" in html(refused)
    assert not Message.objects.filter(text="پیام با فایل بد").exists()


def test_it_answers_htmx_with_the_conversation(world, client_for):
    case_world(world)
    url = reverse("cases:message_add", args=[world.case_a.pk])
    response = client_for("coop").post(
        url, {"text": "پیام با htmx"}, headers={"HX-Request": "true"}
    )
    text = html(response)
    assert response.status_code == 200 and "<html" not in text
    assert 'id="case-conversation"' in text and "پیام با htmx" in text
    assert 'hx-swap-oob="true"' in text  # the clock, refreshed
    errors = client_for("coop").post(url, {"text": ""}, headers={"HX-Request": "true"})
    assert errors.status_code == 200 and "متن پیام را بنویسید." in html(errors)


def test_it_refuses_messages_to_those_who_only_read(world, client_for):
    case_world(world)
    url = reverse("cases:message_add", args=[world.case_a.pk])
    for persona in ("board", "directorate"):
        assert client_for(persona).post(url, {"text": "نظر"}).status_code == 403


def test_it_refuses_a_closed_cases_message_from_the_cooperative(world, client_for):
    case = resolved_case(world)
    services.case_confirm(actor=world.users["coop"], case=case, rating=4)
    text = html(client_for("coop").get(detail_url(case)))
    assert 'data-testid="message-form"' not in text and "بازگشایی" in text
    response = client_for("coop").post(
        reverse("cases:message_add", args=[case.pk]), {"text": "هنوز هستید؟"}
    )
    assert response.status_code == 409 and "هنوز هستید؟" in html(response)


# --------------------------------------------------------------------------- the outcome
def test_it_lets_the_cooperative_confirm_and_rate_a_resolved_case(world, client_for):
    case = resolved_case(world)
    client = client_for("coop")
    text = html(client.get(detail_url(case)))
    assert 'data-testid="confirm-form"' in text and "خسارت پرداخت شد." in text
    assert 'data-testid="reopen-form"' in text
    assert 'data-testid="confirm-form"' not in html(client_for("staff").get(detail_url(case)))
    response = client.post(
        reverse("cases:case_confirm", args=[case.pk]), {"rating": "5", "comment": "سپاس"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.rating == 5 and case.rating_comment == "سپاس"
    text = html(client.get(detail_url(case)))
    assert "رضایت تعاونی: ۵ از ۵" in text and 'data-testid="rate-form"' not in text


@pytest.mark.parametrize("rating", ["", "0", "6", "عالی"])
def test_it_refuses_a_rating_outside_1_to_5(world, client_for, rating):
    case = resolved_case(world)
    response = client_for("coop").post(
        reverse("cases:case_confirm", args=[case.pk]), {"rating": rating, "comment": "نظر من"}
    )
    assert response.status_code == 422
    assert "امتیاز رضایت را از ۱ تا ۵ انتخاب کنید." in html(response)
    assert "نظر من" in html(response)
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED


def test_it_refuses_to_confirm_an_open_case(world, client_for):
    case_world(world)
    response = client_for("coop").post(
        reverse("cases:case_confirm", args=[world.case_a.pk]), {"rating": "3"}
    )
    assert response.status_code == 409 and 'data-testid="refused"' in html(response)


def test_it_refuses_confirmation_by_the_chamber(world, client_for):
    case = resolved_case(world)
    for persona in ("staff", "board", "admin"):
        response = client_for(persona).post(
            reverse("cases:case_confirm", args=[case.pk]), {"rating": "5"}
        )
        assert response.status_code == 403, persona


def test_it_lets_the_cooperative_rate_a_case_that_closed_by_itself(world, client_for):
    case = resolved_case(world)
    later = timezone.now() + datetime.timedelta(days=settings.HAMAFZA_CASE_CLOSE_DAYS + 1)
    services.close_resolved(now=later)
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.auto_closed
    client = client_for("coop")
    text = html(client.get(detail_url(case)))
    assert 'data-testid="rate-form"' in text and 'data-testid="confirm-form"' not in text
    assert (
        client.post(reverse("cases:case_rate", args=[case.pk]), {"rating": "2"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.rating == 2
    again = client.post(reverse("cases:case_rate", args=[case.pk]), {"rating": "4"})
    assert again.status_code == 409
    case.refresh_from_db()
    assert case.rating == 2


def test_it_lets_the_cooperative_reopen_within_the_window(world, client_for):
    case = resolved_case(world)
    client = client_for("coop")
    url = reverse("cases:case_reopen", args=[case.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 422
    assert "بنویسید چرا درخواست را دوباره باز می‌کنید." in html(empty)
    assert client.post(url, {"reason": "خسارت هنوز واریز نشده"}).status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.IN_PROGRESS and case.reopened_count == 1
    assert "خسارت هنوز واریز نشده" in html(client.get(detail_url(case)))


def test_it_refuses_to_reopen_after_the_window(world, client_for):
    case = resolved_case(world)
    long_ago = timezone.now() - datetime.timedelta(days=settings.HAMAFZA_CASE_REOPEN_DAYS + 1)
    Case.objects.filter(pk=case.pk).update(resolved_at=long_ago)
    client = client_for("coop")
    assert 'data-testid="reopen-form"' not in html(client.get(detail_url(case)))
    response = client.post(reverse("cases:case_reopen", args=[case.pk]), {"reason": "حل نشد"})
    assert response.status_code == 409 and "مهلت بازگشایی" in html(response)
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED


# --------------------------------------------------------------------------- to a decision
def _decided(world, case) -> tuple[Resolution, Action]:
    staff = world.users["staff"]
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه (درخواست‌ها)",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="سالن جلسات",
        created_by=staff,
    )
    item = services.cases_put_on_agenda(
        actor=staff, cases=[case], meeting=meeting, title="خسارت بیمه محصول تعاونی‌های زعفران"
    )
    AgendaItem.objects.filter(pk=item.pk).update(state=AgendaItem.State.PASSED)
    resolution = Resolution.objects.create(
        number="1405/ه1/1",
        item=item,
        meeting=meeting,
        title="پیگیری خسارت بیمه محصول",
        text="اتاق پیگیری پرداخت خسارت را به عهده می‌گیرد.",
        passed_on=timezone.localdate(),
    )
    body = Organisation.objects.create(name="صندوق بیمه کشاورزی استان", kind="outside")
    action = Action.objects.create(
        resolution=resolution,
        title="نامه به صندوق بیمه کشاورزی",
        responsible=body,
        due_on=timezone.localdate() + datetime.timedelta(days=20),
        progress=40,
        status=Action.Status.IN_PROGRESS,
        created_by=staff,
    )
    return resolution, action


def test_it_shows_the_way_from_the_problem_to_a_decision_to_the_cooperative(world, client_for):
    case_world(world)
    resolution, action = _decided(world, world.case_a)
    text = html(client_for("coop").get(detail_url(world.case_a)))
    assert "از مشکل تا تصمیم" in text
    assert "جلسه هیئت رئیسه (درخواست‌ها)" in text
    assert "پیگیری خسارت بیمه محصول" in text
    assert reverse("decisions:resolution_detail", args=[resolution.pk]) in text
    assert "نامه به صندوق بیمه کشاورزی" in text and "صندوق بیمه کشاورزی استان" in text
    assert 'data-progress="40"' in text and "۴۰٪" in text
    # The cooperative is not invited to the meeting: its name is shown without a link.
    assert reverse("decisions:meeting_detail", args=[resolution.meeting_id]) not in text
    staff = html(client_for("staff").get(detail_url(world.case_a)))
    assert reverse("decisions:meeting_detail", args=[resolution.meeting_id]) in staff
    assert reverse("followup:action_detail", args=[action.pk]) in staff


def test_it_does_not_link_an_unpublished_resolution_for_the_cooperative(world, client_for):
    case_world(world)
    resolution, _action = _decided(world, world.case_a)
    Resolution.objects.filter(pk=resolution.pk).update(published=False)
    text = html(client_for("coop").get(detail_url(world.case_a)))
    assert reverse("decisions:resolution_detail", args=[resolution.pk]) not in text


def test_it_shows_the_case_page_in_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    case_world(world)
    _decided(world, world.case_a)
    for i in range(10):
        services.message_add(
            actor=world.users["coop"], case=world.case_a, text=f"پیام {i}", attachments=[pdf()]
        )
    coop = client_for("coop")
    coop.get(detail_url(world.case_a))
    with django_assert_max_num_queries(22):
        assert coop.get(detail_url(world.case_a)).status_code == 200
    staff = client_for("staff")
    staff.get(detail_url(world.case_a))
    with django_assert_max_num_queries(40):  # the desk panel adds its own
        assert staff.get(detail_url(world.case_a)).status_code == 200


# --------------------------------------------------------------------------- the registry
def test_it_lists_a_cooperatives_cases_on_its_registry_page_for_those_allowed(world, client_for):
    case_world(world)
    url = reverse("registry:cooperative_detail", args=[world.coop_a.pk])
    for persona in ("coop", "staff", "board", "admin"):
        text = html(client_for(persona).get(url))
        assert 'data-testid="cooperative-cases"' in text, persona
        assert world.case_a.title in text and world.case_union.title in text, persona
        assert f"{reverse(LIST)}?cooperative={world.coop_a.pk}" in text, persona
    for persona in ("public", "coop2"):
        text = html(client_for(persona).get(url))
        assert 'data-testid="cooperative-cases"' not in text, persona
        assert world.case_a.title not in text, persona
    union = html(client_for("union").get(url))
    assert world.case_union.title in union and world.case_a.title not in union
    directorate = html(client_for("directorate").get(url))
    assert world.case_a.title in directorate and world.case_union.title not in directorate


def test_it_shows_a_cooperatives_own_page_an_empty_case_list(world, client_for):
    text = html(
        client_for("coop2").get(reverse("registry:cooperative_detail", args=[world.coop_b.pk]))
    )
    assert "این تعاونی هنوز درخواستی به اتاق نیاورده است." in text


# --------------------------------------------------------------------------- the clock
def test_it_words_the_clock(world):
    case = file_case(world)
    now = case.filed_at
    response, resolution = selectors.targets(case, now + datetime.timedelta(hours=1))
    assert response.state == "ok" and response.text == "۱ روز و ۲۳ ساعت مانده"
    response, _ = selectors.targets(case, now + datetime.timedelta(hours=40))
    assert response.state == "warn"
    response, _ = selectors.targets(case, now + datetime.timedelta(hours=50))
    assert response.state == "breached" and response.text == "۲ ساعت گذشته"
    assert selectors.clock(case, now + datetime.timedelta(hours=50)).state == "breached"
    services.case_triage(actor=world.users["staff"], case=case)
    case.refresh_from_db()
    response, resolution = selectors.targets(case)
    assert response.state == "met" and resolution.state == "ok"
    assert selectors.clock(case).text.endswith("مانده")
    assert Category.objects.filter(active=True).exists()


def test_it_finds_a_whole_tracking_number_by_its_index(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case_world(world)
    year, seq = world.case_a.tracking_number.split("-")
    client = client_for("staff")
    for q in (f"{year}/{int(seq)}", f"{year} {seq}", fa(f"{year}{seq}")):
        with CaptureQueriesContext(connection) as queries:
            found = listed_ids(client.get(reverse(LIST), {"q": q, "state": "all"}))
        assert found == {world.case_a.pk}, q
        sql = " ".join(x["sql"] for x in queries.captured_queries)
        assert '"cases_case"."search_key" LIKE' not in sql, q
        assert '"cases_case"."tracking_number" =' in sql, q
