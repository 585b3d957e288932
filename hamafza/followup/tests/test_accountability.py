import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.followup.models import Action, Organisation
from hamafza.followup.tests.accountability_helpers import action, body, pass_resolutions, report
from hamafza.persian.jalali import format_jalali_date, to_jalali
from hamafza.persian.text import to_persian_digits

Status = Action.Status
URL = "/followup/accountability/"


@pytest.fixture
def page_world(world):
    (saffron, desk) = pass_resolutions(
        world, ["تکمیل زنجیره ارزش زعفران", "میز خدمت اتاق در نیشابور"]
    )
    (secret,) = pass_resolutions(world, ["خرید ساختمان تازه"], days_ago=20, published=False)
    bank = body("بانک توسعه تعاون")
    directorate = body(
        "اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی",
        Organisation.Kind.DIRECTORATE,
        members=[world.users["directorate"]],
    )
    done = action(
        world,
        saffron,
        bank,
        title="گشایش خط اعتباری برای بسته‌بندی",
        status=Status.DONE,
        due_in=-10,
        done_days_after_due=-1,
        owner=world.users["staff"],
        description="شرح درونی که نباید در صفحه عمومی بیاید",
    )
    report(
        world,
        done,
        text="گزارش محرمانه پیشرفت",
        status=Status.DONE,
        progress=100,
        evidence=1,
    )
    late = action(
        world,
        saffron,
        directorate,
        title="معرفی تعاونی‌های واجد شرایط",
        status=Status.IN_PROGRESS,
        progress=40,
        due_in=-5,
        owner=world.users["directorate"],
    )
    cancelled = action(world, desk, bank, title="اقدام لغوشده میز خدمت", status=Status.CANCELLED)
    action(world, secret, bank, title="اقدام مصوبه منتشرنشده", status=Status.IN_PROGRESS)
    return {
        "saffron": saffron,
        "desk": desk,
        "secret": secret,
        "bank": bank,
        "directorate": directorate,
        "done": done,
        "late": late,
        "cancelled": cancelled,
    }


def html_of(client: Client, url: str = URL, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_at_the_documented_address():
    assert reverse("followup:accountability") == URL


def test_it_shows_the_public_every_published_resolution_with_its_actions(page_world):
    html = html_of(Client())
    assert "کارنامه اجرای مصوبات" in html
    saffron = page_world["saffron"]
    assert "تکمیل زنجیره ارزش زعفران" in html
    assert "میز خدمت اتاق در نیشابور" in html
    assert "خرید ساختمان تازه" not in html and "اقدام مصوبه منتشرنشده" not in html
    # Each resolution links to its page; its progress is derived: (100 + 40) / 2, the
    # cancelled action left out, in Persian digits.
    assert reverse("decisions:resolution_detail", args=[saffron.pk]) in html
    article = _article(html, saffron.pk)
    assert "۷۰٪" in article
    assert "گشایش خط اعتباری برای بسته‌بندی" in article
    assert "بانک توسعه تعاون" in article
    assert format_jalali_date(page_world["late"].due_on) in article
    assert 'data-testid="overdue"' in _row(article, page_world["late"].pk)
    assert 'data-testid="overdue"' not in _row(article, page_world["done"].pk)
    assert "انجام شد" in _row(article, page_world["done"].pk)
    # A resolution whose only action was cancelled has no progress to show.
    assert "بی‌اقدام" in _article(html, page_world["desk"].pk)


def test_it_shows_status_and_progress_only_never_files_reports_or_people(page_world, world):
    for client in (Client(), Client()):
        html = html_of(client)
        assert "evidence" not in html.lower()
        assert "گزارش محرمانه پیشرفت" not in html
        assert "شرح درونی" not in html
        assert "gozaresh" not in html
        assert world.users["directorate"].username not in re.sub(
            r"<nav.*?</nav>", "", html, flags=re.S
        )
        assert ".pdf" not in html


def test_it_shows_the_same_page_to_signed_in_people(page_world, client_for):
    html = html_of(client_for("coop2"))
    assert "تکمیل زنجیره ارزش زعفران" in html
    assert "خرید ساختمان تازه" not in html  # the page is public: published resolutions only
    staff = html_of(client_for("staff"))
    assert "خرید ساختمان تازه" not in staff
    assert "گزارش محرمانه پیشرفت" not in staff


def test_it_shows_rates_per_body_as_bars_with_persian_numbers(page_world):
    html = html_of(Client())
    rates = html.split('data-testid="body-rates"', 1)[1].split("</section>", 1)[0]
    bank_row = _rate_row(rates, page_world["bank"].pk)
    # The bank: 1 done of 1 not cancelled (the cancelled one left out), on time.
    assert "۱۰۰٪" in bank_row and "hz-w-100" in bank_row
    directorate_row = _rate_row(rates, page_world["directorate"].pk)
    # The directorate: 0 of 1 done, nothing done to be on time, 1 overdue.
    assert "۰٪" in directorate_row and "hz-w-0" in directorate_row
    assert "هنوز انجام‌شده‌ای ندارد" in directorate_row
    overdue = directorate_row.split('data-testid="overdue-count"', 1)[1]
    assert "۱" in overdue.split("</td>", 1)[0]
    # Bars are described for assistive technology, and drawn without inline styles.
    assert 'role="progressbar"' in rates and 'aria-valuenow="100"' in rates
    assert "style=" not in html


def test_it_filters_by_status_body_year_and_words(page_world):
    client = Client()
    saffron, desk = page_world["saffron"].pk, page_world["desk"].pk

    def shown(**params):
        html = html_of(client, **params)
        return {int(x) for x in re.findall(r'data-resolution="(\d+)"', html)}, html

    assert shown()[0] == {saffron, desk}
    only, html = shown(status=Status.CANCELLED)
    assert only == {desk}
    assert shown(status="overdue")[0] == {saffron}
    # A status filter lists only the matching actions of each resolution.
    ids, html = shown(status=Status.DONE)
    assert ids == {saffron}
    assert "گشایش خط اعتباری" in html and "معرفی تعاونی‌های واجد شرایط" not in html
    assert shown(responsible=page_world["directorate"].pk)[0] == {saffron}
    year = to_jalali(page_world["saffron"].passed_on).year
    assert shown(year=year)[0] == {saffron, desk}
    assert shown(year=to_persian_digits(str(year)))[0] == {saffron, desk}
    # Search with Arabic letters and a prefix finds the Persian title.
    assert shown(q="زنجيره ارز")[0] == {saffron}
    assert shown(q="نیشابور")[0] == {desk}
    ids, html = shown(q="چیزی که نیست")
    assert ids == set() and "مصوبه‌ای با این شرط‌ها پیدا نشد" in html
    # Values that are not choices are ignored, never an error.
    assert shown(status="bogus", responsible="x", year="abc")[0] == {saffron, desk}


def test_it_costs_the_same_queries_for_a_full_page(world):
    bank = body("بانک توسعه تعاون")
    directorate = body("اداره کل", Organisation.Kind.DIRECTORATE)
    (first,) = pass_resolutions(world, ["مصوبه یکم"])
    action(world, first, bank)
    client = Client()
    client.get(URL)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        html_of(client)
    many = pass_resolutions(world, [f"مصوبه شماره {n}" for n in range(12)], days_ago=10)
    for n, r in enumerate(many):
        for k in range(3):
            action(world, r, bank if k % 2 else directorate, title=f"اقدام {n}-{k}")
    with CaptureQueriesContext(connection) as full:
        html = html_of(client)
    assert html.count('data-testid="accountability-resolution"') == 10  # a page
    assert len(full) == len(one), [q["sql"] for q in full]
    with CaptureQueriesContext(connection) as searched:
        html_of(client, q="مصوبه", status="not_started", page=2)
    assert len(searched) <= len(one) + 1


def test_it_paginates_keeping_the_filters(world):
    bank = body("بانک توسعه تعاون")
    for r in pass_resolutions(world, [f"مصوبه آزمایشی {n}" for n in range(12)]):
        action(world, r, bank)
    html = html_of(Client(), q="آزمایشی")
    assert "page=2" in html and "q=%D8%A2" in html
    second = html_of(Client(), q="آزمایشی", page=2)
    assert second.count('data-testid="accountability-resolution"') == 2


def test_it_says_so_when_nothing_is_published_yet(world):
    html = html_of(Client())
    assert "هنوز مصوبه‌ای منتشر نشده است" in html
    assert "هنوز اقدامی برای مصوبات منتشرشده ثبت نشده است" in html


def _article(html: str, resolution_id: int) -> str:
    start = html.index(f'data-resolution="{resolution_id}"')
    return html[start : html.index("</article>", start)]


def _row(html: str, action_id: int) -> str:
    start = html.index(f'data-action="{action_id}"')
    return html[start : html.index("</tr>", start)]


def _rate_row(html: str, body_id: int) -> str:
    start = html.index(f'data-body="{body_id}"')
    return html[start : html.index("</tr>", start)]


def test_it_shows_that_a_late_action_went_before_the_board(page_world, world):
    from hamafza.decisions import services as decisions

    late = page_world["late"]
    meeting = decisions.meeting_create(
        actor=world.users["staff"],
        kind="board",
        title="جلسه آینده",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    item = decisions.agenda_item_add(
        actor=world.users["staff"], meeting=meeting, title="پیگیری اقدام معوق"
    )
    Action.objects.filter(pk=late.pk).update(escalated_item=item)
    html = html_of(Client())
    assert 'data-testid="escalated"' in _row(html, late.pk)
    assert 'data-testid="escalated"' not in _row(html, page_world["done"].pk)
