"""The case report (where the sector is blocked), its Excel export and the breach report,
checked against a hand-built set of cases whose numbers are worked out below."""

import datetime
import io
import re
from types import SimpleNamespace

import jdatetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hamafza.cases import reports, services
from hamafza.cases.models import Case, Referral
from hamafza.cases.tests.helpers import category, directorate
from hamafza.conftest import make_cooperative
from hamafza.followup.models import Organisation
from hamafza.persian.jalali import format_jalali_date
from hamafza.persian.text import to_persian_digits
from hamafza.registry.models import County, Sector

REPORT = "/cases/report/"
EXPORT = "/cases/report.xlsx"
BREACHES = "/cases/breaches/"
NOTE = "یادداشت محرمانه کارشناس درباره بدهی مدیرعامل"

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def history(
    world,
    *,
    cat,
    coop,
    age,
    respond=None,
    outcome=None,
    reject=False,
    confirm=None,
    rating=None,
    refer=None,
    title="درخواست نمونه",
):
    """A case filed `age` ago: first response `respond` after filing, referred to `refer`
    (a body, one day after filing), an outcome (resolved or, with reject, rejected) `outcome`
    after filing, confirmed and rated by the persona `confirm`. The workflow runs through the
    services; the timestamps are then moved back in time."""
    staff = world.users["staff"]
    case = services.case_file(
        actor=staff, cooperative=coop, category=cat, title=title, description="شرح"
    )
    if respond is not None:
        case = services.case_triage(actor=staff, case=case)
        if refer is not None:
            referral = services.case_refer(
                actor=staff, case=case, organisation=refer, letter_text="متن نامه"
            )
            case.refresh_from_db()
        if outcome is not None:
            if reject:
                case = services.case_reject(actor=staff, case=case, reason="خارج از حیطه اتاق")
            else:
                case = services.case_resolve(actor=staff, case=case, outcome="حل شد")
            if confirm:
                case = services.case_confirm(actor=world.users[confirm], case=case, rating=rating)
    now = timezone.now()
    filed = now - age
    fields = {
        "filed_at": filed,
        "first_response_due_at": filed + cat.first_response_hours * H,
        "resolution_due_at": filed + cat.resolution_days * D,
        "first_response_at": filed + respond if respond is not None else None,
        "resolved_at": filed + outcome if outcome is not None else None,
    }
    Case.objects.filter(pk=case.pk).update(**fields)
    if refer is not None:
        Referral.objects.filter(pk=referral.pk).update(created_at=filed + D)
    case.refresh_from_db()
    return case


@pytest.fixture
def data(world):
    """Nine cases; the expected numbers are in the tests.

    c1 insurance, A: answered in 10 h, resolved at 20 d, rated 5        (on time)
    c2 insurance, A: answered in 72 h (> 48), resolved at 40 d (> 30), rated 3  (late)
    c3 insurance, B: answered in 24 h, rejected at 10 d                 (on time)
    c4 tax, B: answered in 12 h, referred to the directorate, open at 60 d (> 45) (late, open)
    c5 tax, C: filed 5 days ago, never answered (> 48 h)                (late, open)
    c6 insurance, C: filed an hour ago                                   (on time, open)
    c7 tax, A: answered in 4 h, referred to the bank, resolved at 30 d   (on time)
    c8 insurance, B: answered in 20 h, rejected at 5 d, closed, rated 1 (on time; rejected)
    c9 insurance, A: filed 40.5 h ago, not answered: 84 % of 48 h gone    (warning, open)
    """
    insurance, tax = category("بیمه"), category("مالیات")
    mine = Sector.objects.get(name="معدنی")
    coop_c = make_cooperative(
        3, name="شرکت تعاونی معدنی سنگ‌آهن سنگان", sector=mine, county=world.coop_a.county
    )
    bank = Organisation.objects.create(name="بانک توسعه تعاون", kind=Organisation.Kind.OUTSIDE)
    body = directorate()
    a, b = world.coop_a, world.coop_b
    c = SimpleNamespace(insurance=insurance, tax=tax, coop_c=coop_c, bank=bank, body=body)
    c.c1 = history(
        world, cat=insurance, coop=a, age=100 * D, respond=10 * H, outcome=20 * D,
        confirm="coop", rating=5, title="خسارت سرمازدگی",
    )  # fmt: skip
    c.c2 = history(
        world, cat=insurance, coop=a, age=90 * D, respond=72 * H, outcome=40 * D,
        confirm="coop", rating=3, title="بیمه تکمیلی اعضا",
    )  # fmt: skip
    c.c3 = history(
        world, cat=insurance, coop=b, age=80 * D, respond=24 * H, outcome=10 * D, reject=True
    )
    c.c4 = history(
        world, cat=tax, coop=b, age=60 * D, respond=12 * H, refer=body, title="مالیات بر ارزش افزوده"
    )  # fmt: skip
    c.c5 = history(world, cat=tax, coop=coop_c, age=5 * D, title="جریمه دیرکرد اظهارنامه")
    c.c6 = history(world, cat=insurance, coop=coop_c, age=H)
    c.c7 = history(world, cat=tax, coop=a, age=70 * D, respond=4 * H, refer=bank, outcome=30 * D)
    c.c8 = history(
        world, cat=insurance, coop=b, age=50 * D, respond=20 * H, outcome=5 * D, reject=True,
        confirm="coop2", rating=1,
    )  # fmt: skip
    c.c9 = history(world, cat=insurance, coop=a, age=40.5 * H, title="بیمه کارگاه بسته‌بندی")
    services.message_add(actor=world.users["staff"], case=c.c1, text=NOTE, internal=True)
    return c


def html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _row(page: str, testid: str, key) -> str:
    match = re.search(
        rf'<tr data-testid="{testid}" data-(?:key|case|month)="{key}".*?</tr>', page, re.S
    )
    assert match, f"no {testid} row {key}"
    return match.group(0)


def _cell(row: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</td>', row, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()


def fa(value) -> str:
    return to_persian_digits(str(value)).replace(".", "٫")


# --------------------------------------------------------------------------- numbers
def test_it_counts_outcomes_medians_breaches_and_satisfaction(data):
    report = reports.case_report(reports.Filters(*reports.default_period(timezone.localdate())))
    t = report.total
    assert (t.filed, t.open, t.resolved, t.rejected) == (9, 4, 3, 2)
    # Breaches: c2 (late twice, closed), c4 (open past its 45 days), c5 (open, never answered).
    assert t.breached == 3 and t.breach_rate == 33
    # First responses (days): 4 h, 10 h, 12 h, 20 h, 24 h, 72 h: the median is the mean of
    # the middle two, (12 + 20) / 2 h = 0.67 d.
    assert t.median_response_days == 0.7
    # Outcomes: 5, 10, 20, 30, 40 days (closed-as-rejected c8 counts as rejected).
    assert t.median_outcome_days == 20
    assert t.mean_rating == 3 and t.rated == 3
    assert report.referred == 2


def test_it_breaks_the_numbers_down_by_category_county_sector_and_body(data):
    report = reports.case_report(reports.Filters(*reports.default_period(timezone.localdate())))
    by_category = {g.name: g for g in report.by_category}
    insurance, tax = by_category["بیمه"], by_category["مالیات"]
    assert [g.name for g in report.by_category] == ["بیمه", "مالیات"]  # the most cases first
    assert (insurance.filed, insurance.open, insurance.resolved, insurance.rejected) == (6, 2, 2, 2)
    assert (insurance.breached, insurance.breach_rate) == (1, 17)
    assert insurance.median_response_days == 0.9  # 10, 20, 24, 72 h: (20 + 24) / 2 h
    assert insurance.median_outcome_days == 15  # 5, 10, 20, 40 d: (10 + 20) / 2
    assert insurance.mean_rating == 3
    assert (tax.filed, tax.open, tax.resolved, tax.breached, tax.breach_rate) == (3, 2, 1, 2, 67)
    assert tax.median_response_days == 0.3 and tax.median_outcome_days == 30
    assert tax.mean_rating is None

    counties = {g.name: g.filed for g in report.by_county}
    assert counties == {"مشهد": 6, "نیشابور": 3}
    sectors = {g.name: (g.filed, g.open, g.breached) for g in report.by_sector}
    assert sectors == {"کشاورزی": (7, 2, 2), "معدنی": (2, 2, 1)}

    bodies = {g.name: g for g in report.by_body}
    assert set(bodies) == {data.body.name, "بانک توسعه تعاون"}
    to_body = bodies[data.body.name]
    assert (to_body.filed, to_body.open, to_body.breached) == (1, 1, 1)
    assert to_body.median_outcome_days is None
    bank = bodies["بانک توسعه تعاون"]
    assert (bank.filed, bank.open, bank.resolved, bank.breached) == (1, 0, 1, 0)
    assert bank.median_outcome_days == 30 and bank.median_referral_days == 29


def test_it_counts_each_jalali_month_of_the_period(data):
    today = timezone.localdate()
    report = reports.case_report(reports.Filters(*reports.default_period(today)))
    assert len(report.months) == 12
    first = jdatetime.date.fromgregorian(date=report.filters.start)
    assert first.day == 1
    this = jdatetime.date.fromgregorian(date=today)
    assert (report.months[-1].year, report.months[-1].month) == (this.year, this.month)

    def month_of(case):
        j = jdatetime.date.fromgregorian(date=timezone.localtime(case.filed_at).date())
        return f"{j.year}/{j.month:02d}"

    months = {m.code: m for m in report.months}
    expected: dict[str, list] = {}
    for case in (data.c1, data.c2, data.c3, data.c4, data.c5, data.c6, data.c7, data.c8, data.c9):
        expected.setdefault(month_of(case), []).append(case)
    for code, month in months.items():
        cases = expected.get(code, [])
        assert month.filed == len(cases), code
    assert months[month_of(data.c2)].breached >= 1
    assert months[month_of(data.c4)].breached >= 1
    assert sum(m.filed for m in report.months) == 9
    assert sum(m.breached for m in report.months) == 3
    assert sum(m.resolved for m in report.months) == 3
    assert sum(m.rejected for m in report.months) == 2


def test_it_takes_the_tehran_day_for_the_month_of_a_case(world):
    """A case filed at 22:00 UTC on the last day of a Jalali month is in the next month in
    Tehran (UTC+3:30)."""
    cat = category("بیمه")
    end_of_month = jdatetime.date(1404, 6, 31).togregorian()  # Shahrivar's last day
    moment = datetime.datetime.combine(end_of_month, datetime.time(22, 0), tzinfo=datetime.UTC)
    case = history(world, cat=cat, coop=world.coop_a, age=timezone.now() - moment)
    report = reports.case_report(
        reports.Filters(jdatetime.date(1404, 6, 1).togregorian(), end_of_month + D)
    )
    months = {m.code: m.filed for m in report.months}
    assert months == {"1404/06": 0, "1404/07": 1}
    assert timezone.localtime(case.filed_at).date() == end_of_month + D


def test_it_shows_the_numbers_on_the_page(data, client_for):
    page = html(client_for("staff"), REPORT)
    assert 'data-testid="sum-filed">۹<' in page
    assert "۳۳٪" in page  # the breach rate
    insurance = _row(page, "group", f"category:{data.insurance.pk}")
    assert _cell(insurance, "filed") == ["۶"]
    assert _cell(insurance, "median-response") == ["۰٫۹", "روز"]
    assert _cell(insurance, "median-outcome") == ["۱۵", "روز"]
    assert "۱۷٪" in insurance
    bank = _row(page, "group", f"body:{data.bank.pk}")
    assert _cell(bank, "median-referral") == ["۲۹", "روز"]
    # The bars: the largest group fills the track (2 resolved, 2 rejected, 2 open of 6), the
    # others in proportion (tax: 1 resolved and 2 open of 3 = half the track).
    assert "hz-rp-resolved hz-w-33" in insurance and "hz-rp-rejected hz-w-34" in insurance
    assert "hz-rp-open hz-w-33" in insurance
    tax = _row(page, "group", f"category:{data.tax.pk}")
    assert "hz-rp-resolved hz-w-17" in tax and "hz-rp-open hz-w-33" in tax
    assert page.count('data-testid="month"') == 12
    assert NOTE not in page


def test_it_filters_by_category_county_sector_and_period(data, client_for):
    client = client_for("staff")
    page = html(client, REPORT, category=data.insurance.pk)
    assert 'data-testid="sum-filed">۶<' in page
    neyshabur = County.objects.get(name="نیشابور")
    page = html(client, REPORT, county=neyshabur.pk)
    assert 'data-testid="sum-filed">۳<' in page
    mine = Sector.objects.get(name="معدنی")
    page = html(client, REPORT, sector=mine.pk)
    assert 'data-testid="sum-filed">۲<' in page
    # Jalali dates typed in Persian digits: from 65 days ago, c4, c8, c5, c6 and c9.
    since = format_jalali_date(timezone.localdate() - 65 * D)
    page = html(client, REPORT, filed_from=since)
    assert 'data-testid="sum-filed">۵<' in page
    # Filters combine.
    page = html(client, REPORT, filed_from=since, category=data.tax.pk, county=neyshabur.pk)
    assert 'data-testid="sum-filed">۱<' in page


def test_it_shows_a_friendly_empty_state_for_a_period_without_cases(data, client_for):
    page = html(client_for("board"), REPORT, filed_from="۱۳۹۰/۰۱/۰۱", filed_to="1390/12/29")
    assert 'data-testid="report-empty"' in page
    assert "در این بازه درخواستی ثبت نشده است" in page
    assert 'data-testid="report-summary"' not in page


def test_it_explains_bad_filters_instead_of_failing(data, client_for):
    client = client_for("staff")
    page = html(client, REPORT, filed_from="1405/13/40", filed_to="x")
    assert 'data-testid="report-invalid"' in page
    assert "invalid-feedback" in page
    page = html(client, REPORT, filed_from="1405/06/01", filed_to="1405/01/01")
    assert "نمی‌تواند پیش از" in page
    response = client.get(EXPORT, {"filed_from": "1405/13/40"})
    assert response.status_code == 302
    assert response["Location"].startswith(REPORT + "?")


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries.captured_queries)


def _more_cases(world, n: int) -> None:
    """n more cases, each in another category, county, sector and body than the last."""
    sectors = list(Sector.objects.all()[:6])
    counties = list(County.objects.all()[:6])
    names = ["بیمه", "مالیات", "مجوز و پروانه", "زمین و ساختمان"]
    for i in range(n):
        coop = make_cooperative(
            40 + i, sector=sectors[i % len(sectors)], county=counties[i % len(counties)]
        )
        body = Organisation.objects.create(name=f"دستگاه {i}", kind=Organisation.Kind.OUTSIDE)
        history(
            world,
            cat=category(names[i % len(names)]),
            coop=coop,
            age=(10 + 20 * i) * D,
            respond=5 * H,
            refer=body,
            outcome=(3 + i) * D if i % 2 else None,
            confirm=None,
        )


@pytest.mark.parametrize(("url", "ceiling"), [(REPORT, 14), (EXPORT, 10), (BREACHES, 11)])
def test_it_costs_the_same_few_queries_whatever_the_number_of_cases(
    url, ceiling, data, world, client_for, django_assert_max_num_queries
):
    client = client_for("staff")
    client.get(url)  # the session's first touches
    before = _queries(client, url)
    _more_cases(world, 12)
    with django_assert_max_num_queries(ceiling):
        after = _queries(client, url)
    assert after == before
    official = client_for("directorate")
    official.get(url)
    assert _queries(official, url) <= ceiling


def test_it_shows_the_added_cases(data, world, client_for):
    _more_cases(world, 12)
    page = html(client_for("staff"), REPORT)
    assert 'data-testid="sum-filed">۲۱<' in page
    assert page.count('data-testid="group" data-key="body:') == 14


# --------------------------------------------------------------------------- Excel
def _workbook(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="case-report-' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_it_exports_every_section_and_every_case_to_excel(data, client_for):
    book = _workbook(client_for("staff"))
    assert book.sheetnames == [
        "خلاصه",
        "موضوع",
        "شهرستان",
        "گرایش",
        "دستگاه بیرونی",
        "روند ماهانه",
        "فهرست درخواست‌ها",
    ]
    for sheet in book.worksheets:
        assert sheet.sheet_view.rightToLeft is True
        assert sheet["A1"].font.b is True
        assert sheet.column_dimensions["A"].width > 8
    categories = _rows(book["موضوع"])
    assert categories[0][:3] == ["موضوع", "ثبت‌شده", "باز"]
    assert categories[1] == ["بیمه", 6, 2, 2, 2, 0.9, 15, 1, 17, 3]
    bodies = {r[0]: r for r in _rows(book["دستگاه بیرونی"])[1:]}
    assert bodies["بانک توسعه تعاون"][-1] == 29
    months = _rows(book["روند ماهانه"])
    assert len(months) == 13 and sum(r[2] for r in months[1:]) == 9

    cases = _rows(book["فهرست درخواست‌ها"])
    assert cases[0] == [
        "شماره پیگیری",
        "تعاونی",
        "شهرستان",
        "گرایش",
        "موضوع",
        "وضعیت",
        "زمان ثبت",
        "نخستین پاسخ",
        "زمان نتیجه",
        "روز تا نتیجه",
        "گذشته از مهلت",
        "رضایت",
    ]
    assert len(cases) == 10
    c2 = next(r for r in cases if r[0] == data.c2.tracking_number)
    local = timezone.localtime(data.c2.filed_at)
    assert c2[:6] == [
        data.c2.tracking_number,
        data.c2.cooperative.name,
        "مشهد",
        "کشاورزی",
        "بیمه",
        "بسته شد",
    ]
    assert c2[6] == f"{format_jalali_date(local, persian_digits=False)} {local:%H:%M}"
    assert c2[9:] == [40, "بله", 3]
    summary = dict(r[:2] for r in _rows(book["خلاصه"])[1:])
    assert summary["درخواست‌های ثبت‌شده"] == 9 and summary["میانه روز تا نتیجه"] == 20
    everything = " ".join(
        str(v) for s in book.worksheets for r in _rows(s) for v in r if v is not None
    )
    assert NOTE not in everything


def test_it_exports_the_same_filters(data, client_for):
    book = _workbook(client_for("admin"), category=data.tax.pk)
    assert [r[0] for r in _rows(book["موضوع"])[1:]] == ["مالیات"]
    assert len(_rows(book["فهرست درخواست‌ها"])) == 4


def test_it_lists_only_the_directorates_cases_one_by_one_for_the_directorate(data, client_for):
    book = _workbook(client_for("directorate"))
    # The numbers cover every case; the list only the case referred to the directorate.
    assert _rows(book["موضوع"])[1][1] == 6
    cases = _rows(book["فهرست درخواست‌ها"])
    assert [r[0] for r in cases[1:]] == [data.c4.tracking_number]
    summary = dict(r[:2] for r in _rows(book["خلاصه"])[1:])
    assert "اداره کل" in summary["فهرست درخواست‌ها"]


# --------------------------------------------------------------------------- breaches
def _breach_rows(page: str) -> list[tuple[int, str]]:
    return [
        (int(pk), status)
        for pk, status in re.findall(
            r'data-testid="breach-row" data-case="(\d+)" data-status="(\w+)"', page
        )
    ]


def test_it_lists_breaches_open_first_with_the_target_and_how_late(data, client_for):
    page = html(client_for("staff"), BREACHES)
    assert _breach_rows(page) == [
        (data.c4.pk, "breached"),  # open, 15 days past its resolution target
        (data.c5.pk, "breached"),  # open, 3 days past its first-response target
        (data.c9.pk, "warning"),  # open, 7.5 hours left
        (data.c2.pk, "breached"),  # closed, was late
    ]
    c4 = _row(page, "breach-row", data.c4.pk)
    assert "رسیدگی: ۱۵ روز گذشته" in c4
    assert data.c4.cooperative.name in c4
    assert world_name(data.c4) in c4
    assert reverse("cases:case_detail", args=[data.c4.pk]) in c4
    c5 = _row(page, "breach-row", data.c5.pk)
    assert "نخستین پاسخ: ۳ روز گذشته" in c5
    assert "تعیین نشده" in c5
    assert "نخستین پاسخ: ۷ ساعت مانده" in _row(page, "breach-row", data.c9.pk)
    c2 = _row(page, "breach-row", data.c2.pk)
    assert "نخستین پاسخ: ۱ روز دیر" in c2 and "رسیدگی: ۱۰ روز دیر" in c2
    counts = re.search(r'data-testid="breach-counts".*?</div>', page, re.S).group(0)
    assert re.search(r'data-count="open_breached">[^<]*<span class="n">۲<', counts)
    assert re.search(r'data-count="open_warned">[^<]*<span class="n">۱<', counts)
    assert re.search(r'data-count="done_breached">[^<]*<span class="n">۱<', counts)
    assert NOTE not in page


def world_name(case) -> str:
    return case.assignee.get_full_name() or case.assignee.username


def test_it_filters_breaches_by_period_and_category(data, client_for):
    client = client_for("board")
    page = html(client, BREACHES, category=data.insurance.pk)
    assert [pk for pk, _s in _breach_rows(page)] == [data.c9.pk, data.c2.pk]
    since = format_jalali_date(timezone.localdate() - 30 * D)
    page = html(client, BREACHES, filed_from=since)
    assert [pk for pk, _s in _breach_rows(page)] == [data.c5.pk, data.c9.pk]
    page = html(client, BREACHES, filed_from="1390/01/01", filed_to="1390/02/01")
    assert 'data-testid="breach-empty"' in page


def test_it_shows_the_directorate_only_the_cases_referred_to_it(data, client_for):
    page = html(client_for("directorate"), BREACHES)
    assert [pk for pk, _s in _breach_rows(page)] == [data.c4.pk]
    assert 'data-testid="breach-scope"' in page
    assert reverse("cases:case_detail", args=[data.c4.pk]) in page


def test_it_pages_breaches_in_the_same_few_queries(
    data, world, client_for, django_assert_max_num_queries
):
    cat = category("مالیات")
    for n in range(30):
        history(world, cat=cat, coop=world.coop_b, age=(3 + n) * D, title=f"بی‌پاسخ {n}")
    client = client_for("staff")
    with django_assert_max_num_queries(11):
        first = html(client, BREACHES)
    with django_assert_max_num_queries(11):
        second = html(client, BREACHES, page=2)
    rows = _breach_rows(first) + _breach_rows(second)
    assert len(_breach_rows(first)) == reports_page_size()
    assert len(rows) == 34 and len({pk for pk, _s in rows}) == 34
    assert "صفحه ۱ از ۲" in first


def reports_page_size() -> int:
    from hamafza.cases.views_report import BREACH_PAGE_SIZE

    return BREACH_PAGE_SIZE


# --------------------------------------------------------------------------- access
@pytest.mark.parametrize("url", [REPORT, EXPORT, BREACHES])
def test_it_lets_only_the_chamber_and_the_directorate_in(url, world, client_for):
    for persona in ("staff", "board", "directorate", "admin"):
        assert client_for(persona).get(url).status_code == 200, persona
    for persona in ("coop", "coop2", "union"):
        assert client_for(persona).get(url).status_code == 403, persona
    response = client_for("public").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_is_linked_from_the_menu_for_those_who_may_see_it(world, client_for):
    assert reverse("cases:case_report") in html(client_for("directorate"), "/")
    assert reverse("cases:case_report") not in html(client_for("coop"), "/")


def test_it_warns_by_the_configured_share_of_the_target(data, client_for, settings):
    settings.HAMAFZA_CASE_WARN_PERCENT = 90  # c9 has used 84 % of its 48 hours
    page = html(client_for("staff"), BREACHES)
    assert data.c9.pk not in [pk for pk, _s in _breach_rows(page)]
    assert "۹۰٪" in page


def test_it_reads_in_english_too(data, client_for):
    client = client_for("staff")
    client.post(reverse("set_language"), {"language": "en"})
    page = html(client, REPORT)
    assert 'data-testid="report-summary"' in page
    assert re.search(r"Dey|Bahman|Esfand|Farvardin|Ordibehesht|Khordad|Tir|Mordad", page)
    assert 'data-testid="sum-filed">9<' in page
    assert html(client, BREACHES).count('data-testid="breach-row"') == 4


def test_it_keeps_the_report_for_five_minutes_and_says_when_it_was_computed(world, client_for):
    from hamafza.cases.tests.helpers import file_case

    file_case(world)
    client = client_for("board")
    first = client.get(reverse("cases:case_report"))
    assert first.context["report"].total.filed == 1
    assert 'data-testid="report-computed"' in first.content.decode()
    file_case(world, title="دومین درخواست")
    again = client.get(reverse("cases:case_report"))
    assert again.context["report"].total.filed == 1  # the kept numbers
    assert again.context["report"].now == first.context["report"].now
    other = client_for("staff").get(reverse("cases:case_report"), {"category": str(category().pk)})
    assert other.context["report"].total.filed == 2  # other filters: computed afresh


def test_it_lists_old_open_cases_but_only_last_years_late_outcomes_without_a_start(
    world, client_for
):
    cat = category()
    old_open = history(world, cat=cat, coop=world.coop_a, age=700 * D, title="باز و کهنه")
    old_late = history(
        world,
        cat=cat,
        coop=world.coop_a,
        age=700 * D,
        respond=1 * H,
        outcome=200 * D,
        title="دیر و کهنه",
    )
    recent_late = history(
        world,
        cat=cat,
        coop=world.coop_a,
        age=100 * D,
        respond=1 * H,
        outcome=90 * D,
        title="دیر و تازه",
    )

    def listed(params):
        page = client_for("staff").get(reverse("cases:breach_report"), params)
        return {row.case.pk for row in page.context["page"].object_list}

    assert listed({}) == {old_open.pk, recent_late.pk}
    start = format_jalali_date(timezone.localdate() - 800 * D, persian_digits=False)
    assert old_late.pk in listed({"filed_from": start})
