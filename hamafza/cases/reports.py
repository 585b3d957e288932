"""Where the sector is blocked: the case report (cases by category, county, sector and outside
body, with median times, breaches and satisfaction, month by month) and the service-level
breach report. Read only; views_report.py shows them and exports them to Excel.

Every number is computed in Python from one narrow `values_list` query per report (plus one
for referrals and one for how closed cases ended), never per group: medians then come out the
same on SQLite and PostgreSQL, and a report costs the same few queries whatever its size.

Definitions (the page says them in Persian too):
- the period is by filing date, in local (Asia/Tehran) days, both ends included;
- open: new, triaged, referred or in progress; resolved and rejected count the outcome, and a
  closed case counts as the outcome it was closed on (its last «resolved»/«rejected» event);
- days to first response: first_response_at − filed_at; days to outcome: resolved_at − filed_at
  (resolved or rejected), both over the cases that have them;
- breached: a first response or an outcome later than its target, or, still waiting, its
  target already past (Case.response_breached / resolution_breached);
- months are Jalali months of the filing date: of the cases filed that month, how many were
  resolved, rejected and breached.
"""

from __future__ import annotations

import datetime
import io
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jdatetime
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from hamafza.cases.models import Case, Category, Event, Referral
from hamafza.persian.jalali import format_jalali_date, format_jalali_datetime, jalali_month_names
from hamafza.persian.text import to_latin_digits, to_persian_digits
from hamafza.registry.models import County, Sector

DAY = 86400
OPEN = frozenset(Case.OPEN_STATES)
RESOLVED = "resolved"
REJECTED = "rejected"
RESPONSE = "response"
RESOLUTION = "resolution"


def _persian() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).lower().startswith("fa")


def _digits(text: str) -> str:
    return to_persian_digits(text) if _persian() else to_latin_digits(text)


# --------------------------------------------------------------------------- filters
def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve Jalali months: from the first day of the month eleven months before
    this one, to today."""
    j = jdatetime.date.fromgregorian(date=today)
    year, month = j.year, j.month - 11
    if month < 1:
        month += 12
        year -= 1
    return jdatetime.date(year, month, 1).togregorian(), today


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Filters:
    start: datetime.date | None  # None: from the first case (the breach report only)
    end: datetime.date
    category: Category | None = None
    county: County | None = None
    sector: Sector | None = None

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """The cases filed in the period (local days, both ends included) that match."""
        cases = cases.filter(filed_at__lt=_day_start(self.end + datetime.timedelta(days=1)))
        if self.start is not None:
            cases = cases.filter(filed_at__gte=_day_start(self.start))
        if self.category is not None:
            cases = cases.filter(category=self.category)
        if self.county is not None:
            cases = cases.filter(cooperative__county=self.county)
        if self.sector is not None:
            cases = cases.filter(cooperative__sector=self.sector)
        return cases

    def params(self, *, dates: bool = True) -> dict[str, str]:
        params = {}
        if dates:
            if self.start is not None:
                params["filed_from"] = format_jalali_date(self.start, persian_digits=False)
            params["filed_to"] = format_jalali_date(self.end, persian_digits=False)
        for name in ("category", "county", "sector"):
            value = getattr(self, name)
            if value is not None:
                params[name] = str(value.pk)
        return params

    def querystring(self, *names: str) -> str:
        """The filters as a query string (only `names` when given), dates in Latin digits."""
        params = self.params()
        if names:
            params = {k: v for k, v in params.items() if k in names}
        return urlencode(params)

    @property
    def narrowed(self) -> bool:
        return any(getattr(self, n) is not None for n in ("category", "county", "sector"))


# --------------------------------------------------------------------------- service levels
@dataclass(frozen=True)
class Target:
    """One service-level target of a case and where the case stands against it."""

    kind: str  # RESPONSE or RESOLUTION
    due: datetime.datetime
    done_at: datetime.datetime | None
    breached: bool
    late: datetime.timedelta | None = None  # how far past the target (still running if open)
    remaining: datetime.timedelta | None = None  # for a warning: time left

    @property
    def label(self) -> str:
        return _("نخستین پاسخ") if self.kind == RESPONSE else _("رسیدگی")

    @property
    def running(self) -> bool:
        return self.done_at is None

    @property
    def late_text(self) -> str:
        return duration_text(self.late) if self.late is not None else ""

    @property
    def remaining_text(self) -> str:
        return duration_text(self.remaining) if self.remaining is not None else ""


def _target(kind, due, done_at, now) -> Target:
    moment = done_at or now
    if moment > due:
        return Target(kind, due, done_at, True, late=moment - due)
    return Target(kind, due, done_at, False)


def breached_targets(
    *, first_response_at, first_response_due_at, resolved_at, resolution_due_at, now
) -> list[Target]:
    """The targets the case missed (as Case.response_breached / resolution_breached judge)."""
    targets = [
        _target(RESPONSE, first_response_due_at, first_response_at, now),
        _target(RESOLUTION, resolution_due_at, resolved_at, now),
    ]
    return [t for t in targets if t.breached]


def is_breached(
    *, first_response_at, first_response_due_at, resolved_at, resolution_due_at, now
) -> bool:
    """Whether breached_targets would name any target, without building them (it runs once
    per case of a report: tens of thousands of times)."""
    return (first_response_at or now) > first_response_due_at or (
        resolved_at or now
    ) > resolution_due_at


def warned_targets(
    *,
    state,
    filed_at,
    first_response_at,
    first_response_due_at,
    resolution_due_at,
    now,
    share: float | None = None,
) -> list[Target]:
    """The targets an open case is close to missing: HAMAFZA_CASE_WARN_PERCENT of the time
    gone, as services.warn_service_levels warns the desk, and not yet past."""
    if state not in OPEN:
        return []
    if share is None:
        share = settings.HAMAFZA_CASE_WARN_PERCENT / 100
    checks = [(RESOLUTION, resolution_due_at)]
    if first_response_at is None:
        checks.insert(0, (RESPONSE, first_response_due_at))
    warned = []
    for kind, due in checks:
        if now <= due and now >= filed_at + (due - filed_at) * share:
            warned.append(Target(kind, due, None, False, remaining=due - now))
    return warned


def duration_text(delta: datetime.timedelta) -> str:
    """«۲ روز و ۳ ساعت» (whole days and hours; «کمتر از یک ساعت» below an hour)."""
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(ngettext("%(n)s روز", "%(n)s روز", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s ساعت", "%(n)s ساعت", hours) % {"n": hours})
    if not parts:
        return _("کمتر از یک ساعت")
    return _digits(_(" و ").join(parts))


# --------------------------------------------------------------------------- the case report
ROW_FIELDS = (
    "pk",
    "category_id",
    "category__name",
    "cooperative__county_id",
    "cooperative__county__name",
    "cooperative__sector_id",
    "cooperative__sector__name",
    "state",
    "filed_at",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
    "rating",
)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Group:
    """The numbers of one group of cases (a category, a county, a sector, a body, a month or
    all of them)."""

    key: object
    name: str
    filed: int = 0
    open: int = 0
    resolved: int = 0
    rejected: int = 0
    breached: int = 0
    response_days: list[float] = field(default_factory=list, repr=False)
    outcome_days: list[float] = field(default_factory=list, repr=False)
    referral_days: list[float] = field(default_factory=list, repr=False)
    ratings: list[int] = field(default_factory=list, repr=False)
    # Bar widths (0–100), relative to the largest group of the section.
    bar: dict = field(default_factory=dict, repr=False)

    def add(self, case: _Facts) -> None:
        self.filed += 1
        if case.outcome is None:
            self.open += 1
        elif case.outcome == RESOLVED:
            self.resolved += 1
        else:
            self.rejected += 1
        if case.breached:
            self.breached += 1
        if case.response_days is not None:
            self.response_days.append(case.response_days)
        if case.outcome_days is not None:
            self.outcome_days.append(case.outcome_days)
        if case.rating is not None:
            self.ratings.append(case.rating)

    @property
    def median_response_days(self) -> float | None:
        return _median(self.response_days)

    @property
    def median_outcome_days(self) -> float | None:
        return _median(self.outcome_days)

    @property
    def median_referral_days(self) -> float | None:
        return _median(self.referral_days)

    @property
    def breach_rate(self) -> int | None:
        return _rate(self.breached, self.filed)

    @property
    def mean_rating(self) -> float | None:
        return round(statistics.fmean(self.ratings), 1) if self.ratings else None

    @property
    def rated(self) -> int:
        return len(self.ratings)


@dataclass
class Month(Group):
    year: int = 0
    month: int = 0

    @property
    def label(self) -> str:
        name = jalali_month_names(_persian())[self.month - 1]
        return f"{name} {_digits(str(self.year))}"

    @property
    def short_label(self) -> str:
        return jalali_month_names(_persian())[self.month - 1]

    @property
    def code(self) -> str:
        return f"{self.year}/{self.month:02d}"


@dataclass(frozen=True)
class _Facts:
    """One case as the report counts it."""

    pk: int
    outcome: str | None  # None while open, RESOLVED or REJECTED
    response_days: float | None
    outcome_days: float | None
    breached: bool
    rating: int | None
    resolved_at: datetime.datetime | None


@dataclass
class Report:
    filters: Filters
    now: datetime.datetime
    total: Group
    by_category: list[Group]
    by_county: list[Group]
    by_sector: list[Group]
    by_body: list[Group]
    months: list[Month]
    referred: int = 0  # cases referred to at least one outside body

    @property
    def top_category(self) -> Group | None:
        return self.by_category[0] if self.by_category else None

    @property
    def empty(self) -> bool:
        return self.total.filed == 0

    @property
    def sections(self) -> list[tuple[str, str, list[Group]]]:
        return [
            ("category", _("به تفکیک موضوع"), self.by_category),
            ("county", _("به تفکیک شهرستان"), self.by_county),
            ("sector", _("به تفکیک گرایش تعاونی"), self.by_sector),
            ("body", _("به تفکیک دستگاه بیرونی (ارجاع‌ها)"), self.by_body),
        ]


def _outcomes_of_closed(cases: QuerySet[Case]) -> dict[int, str]:
    """How each closed case ended: its last «resolved» or «rejected» event (one query)."""
    events = (
        Event.objects.filter(
            case__in=cases.filter(state=Case.State.CLOSED).values("pk"),
            kind__in=(Event.Kind.RESOLVED, Event.Kind.REJECTED),
        )
        .order_by("at", "id")
        .values_list("case_id", "kind")
    )
    return dict(events)  # the last one wins


def _outcome(state: str, closed_as: dict[int, str], pk: int) -> str | None:
    if state in OPEN:
        return None
    if state == Case.State.REJECTED:
        return REJECTED
    if state == Case.State.CLOSED:
        return REJECTED if closed_as.get(pk) == Event.Kind.REJECTED else RESOLVED
    return RESOLVED


def _facts(row, closed_as: dict[int, str], now: datetime.datetime) -> _Facts:
    filed = row.filed_at
    breached = is_breached(
        first_response_at=row.first_response_at,
        first_response_due_at=row.first_response_due_at,
        resolved_at=row.resolved_at,
        resolution_due_at=row.resolution_due_at,
        now=now,
    )
    return _Facts(
        pk=row.pk,
        outcome=_outcome(row.state, closed_as, row.pk),
        response_days=(
            (row.first_response_at - filed).total_seconds() / DAY if row.first_response_at else None
        ),
        outcome_days=(row.resolved_at - filed).total_seconds() / DAY if row.resolved_at else None,
        breached=breached,
        rating=row.rating,
        resolved_at=row.resolved_at,
    )


def _month_keys(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    first = jdatetime.date.fromgregorian(date=start)
    last = jdatetime.date.fromgregorian(date=end)
    keys = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append((year, month))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return keys


def _local_month(moment: datetime.datetime, cache: dict, tz) -> tuple[int, int]:
    day = timezone.localtime(moment, tz).date()
    key = cache.get(day)
    if key is None:
        j = jdatetime.date.fromgregorian(date=day)
        key = cache[day] = (j.year, j.month)
    return key


def _sorted(groups: Iterable[Group]) -> list[Group]:
    """The biggest groups first (where most cases are), then by name."""
    return sorted(groups, key=lambda g: (-g.filed, g.name))


def _bars(groups: list[Group]) -> None:
    """Widths of each group's stacked bar (resolved, rejected, open) relative to the largest
    group, and of its breach rate; rounded so that the segments never add past 100."""
    largest = max((g.filed for g in groups), default=0)
    for g in groups:
        if not largest:
            g.bar = {"resolved": 0, "rejected": 0, "open": 0, "total": 0, "breach": 0}
            continue
        edges, running = [], 0
        for part in (g.resolved, g.rejected, g.open):
            running += part
            edges.append(round(100 * running / largest))
        g.bar = {
            "resolved": edges[0],
            "rejected": edges[1] - edges[0],
            "open": edges[2] - edges[1],
            "total": edges[2],
            "breach": g.breach_rate or 0,
        }


def _month_bars(months: list[Month]) -> None:
    largest = max((m.filed for m in months), default=0)
    for m in months:
        m.bar = {
            # A month with any case keeps a visible sliver of a bar.
            name: max(round(100 * value / largest), 1 if value else 0) if largest else 0
            for name, value in (
                ("filed", m.filed),
                ("resolved", m.resolved),
                ("rejected", m.rejected),
                ("breached", m.breached),
            )
        }


def case_report(filters: Filters, *, now: datetime.datetime | None = None) -> Report:
    """The report over every case filed in the period that matches the filters: three
    queries whatever the number of cases or groups."""
    now = now or timezone.now()
    cases = filters.apply(Case.objects.all())
    closed_as = _outcomes_of_closed(cases)
    total = Group(None, _("همه درخواست‌ها"))
    groups: dict[str, dict] = {"category": {}, "county": {}, "sector": {}}
    months = {
        key: Month(key, "", year=key[0], month=key[1])
        for key in _month_keys(filters.start, filters.end)
    }
    month_cache: dict = {}
    tz = timezone.get_current_timezone()  # once, not once per case
    facts: dict[int, _Facts] = {}
    no_county = _("بدون شهرستان")
    for row in cases.order_by().values_list(*ROW_FIELDS, named=True).iterator(chunk_size=2000):
        case = _facts(row, closed_as, now)
        facts[row.pk] = case
        total.add(case)
        for section, key, name in (
            ("category", row.category_id, row.category__name),
            ("county", row.cooperative__county_id, row.cooperative__county__name or no_county),
            ("sector", row.cooperative__sector_id, row.cooperative__sector__name),
        ):
            group = groups[section].get(key)
            if group is None:
                group = groups[section][key] = Group(key, name)
            group.add(case)
        month = months.get(_local_month(row.filed_at, month_cache, tz))
        if month is not None:
            month.add(case)

    # Referrals: each body counts a case once, from its first referral to that body.
    bodies: dict[int, Group] = {}
    referred: dict[tuple[int, int], datetime.datetime] = {}
    names: dict[int, str] = {}
    referrals = (
        Referral.objects.filter(case__in=cases.values("pk"))
        .order_by("created_at", "id")
        .values_list("case_id", "organisation_id", "organisation__name", "created_at")
    )
    for case_id, body_id, body_name, at in referrals:
        names[body_id] = body_name
        referred.setdefault((case_id, body_id), at)
    for (case_id, body_id), at in referred.items():
        case = facts.get(case_id)
        if case is None:  # filed in the period but changed meanwhile: left out
            continue
        group = bodies.get(body_id)
        if group is None:
            group = bodies[body_id] = Group(body_id, names[body_id])
        group.add(case)
        if case.resolved_at is not None and case.resolved_at >= at:
            group.referral_days.append((case.resolved_at - at).total_seconds() / DAY)

    report = Report(
        filters=filters,
        now=now,
        total=total,
        by_category=_sorted(groups["category"].values()),
        by_county=_sorted(groups["county"].values()),
        by_sector=_sorted(groups["sector"].values()),
        by_body=_sorted(bodies.values()),
        months=list(months.values()),
        referred=len({case_id for case_id, _body in referred if case_id in facts}),
    )
    for _key, _title, section in report.sections:
        _bars(section)
    _month_bars(report.months)
    return report


REPORT_CACHE_SECONDS = 300


def cached_case_report(filters: Filters) -> Report:
    """case_report(), kept for REPORT_CACHE_SECONDS per filters and language: the numbers are
    the same for every reader (its totals cover every case), and computing them at 100,000
    cases takes about a second (docs/performance.md). The page says when they were computed."""
    from django.core.cache import cache

    key = "cases-report:{}:{}".format(
        get_language() or "", urlencode(sorted(filters.params().items()))
    )
    report = cache.get(key)
    if report is None:
        report = case_report(filters)
        cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


# --------------------------------------------------------------------------- the breach report
BREACH_FIELDS = (
    "pk",
    "state",
    "filed_at",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
)


@dataclass
class BreachRow:
    pk: int
    open: bool
    breached: list[Target]
    warned: list[Target]
    case: Case | None = None  # filled for the rows of the page shown

    @property
    def status(self) -> str:
        return "breached" if self.breached else "warning"

    @property
    def worst_late(self) -> datetime.timedelta:
        return max((t.late for t in self.breached), default=datetime.timedelta(0))

    @property
    def soonest(self) -> datetime.timedelta:
        return min((t.remaining for t in self.warned), default=datetime.timedelta(0))

    def sort_key(self):
        if self.breached:
            return (not self.open, 0, -self.worst_late.total_seconds(), -self.pk)
        return (not self.open, 1, self.soonest.total_seconds(), -self.pk)


@dataclass
class BreachCounts:
    open_breached: int = 0
    open_warned: int = 0
    done_breached: int = 0

    @property
    def total(self) -> int:
        return self.open_breached + self.open_warned + self.done_breached


def breach_rows(
    cases: QuerySet[Case],
    *,
    now: datetime.datetime | None = None,
    done_since: datetime.datetime | None = None,
) -> tuple[list[BreachRow], BreachCounts]:
    """The cases that missed a target, or, still open, are close to one: open first, the
    latest first, then the warnings by time left, then the closed ones that were late — those
    with an outcome since ``done_since`` only, when given (open cases of any age always)."""
    now = now or timezone.now()
    late = (
        Q(first_response_at__isnull=True)
        | Q(first_response_at__gt=F("first_response_due_at"))
        | Q(resolved_at__gt=F("resolution_due_at"))
    )
    if done_since is not None:
        late &= Q(resolved_at__isnull=True) | Q(resolved_at__gte=done_since)
    candidates = cases.filter(Q(state__in=Case.OPEN_STATES) | late)
    rows, counts = [], BreachCounts()
    share = settings.HAMAFZA_CASE_WARN_PERCENT / 100
    for r in (
        candidates.order_by().values_list(*BREACH_FIELDS, named=True).iterator(chunk_size=2000)
    ):
        is_open = r.state in OPEN
        breached = breached_targets(
            first_response_at=r.first_response_at,
            first_response_due_at=r.first_response_due_at,
            resolved_at=r.resolved_at,
            resolution_due_at=r.resolution_due_at,
            now=now,
        )
        warned = warned_targets(
            state=r.state,
            filed_at=r.filed_at,
            first_response_at=r.first_response_at,
            first_response_due_at=r.first_response_due_at,
            resolution_due_at=r.resolution_due_at,
            now=now,
            share=share,
        )
        if not breached and not warned:
            continue
        rows.append(BreachRow(r.pk, is_open, breached, warned))
        if breached and is_open:
            counts.open_breached += 1
        elif breached:
            counts.done_breached += 1
        else:
            counts.open_warned += 1
    rows.sort(key=BreachRow.sort_key)
    return rows, counts


def attach_cases(rows: list[BreachRow]) -> list[BreachRow]:
    """Fill the rows of one page with their cases (one query)."""
    by_pk = Case.objects.select_related("cooperative", "category", "assignee").in_bulk(
        [r.pk for r in rows]
    )
    for row in rows:
        row.case = by_pk.get(row.pk)
    return [r for r in rows if r.case is not None]


# --------------------------------------------------------------------------- Excel
SECTION_COLUMNS = [
    ("name", None, 34),
    ("filed", gettext_lazy("ثبت‌شده"), 10),
    ("open", gettext_lazy("باز"), 8),
    ("resolved", gettext_lazy("حل‌شده"), 9),
    ("rejected", gettext_lazy("ردشده"), 9),
    ("median_response_days", gettext_lazy("میانه روز تا نخستین پاسخ"), 14),
    ("median_outcome_days", gettext_lazy("میانه روز تا نتیجه"), 12),
    ("breached", gettext_lazy("گذشته از مهلت"), 11),
    ("breach_rate", gettext_lazy("درصد گذشته از مهلت"), 12),
    ("mean_rating", gettext_lazy("میانگین رضایت (از ۵)"), 12),
]
CASE_COLUMNS = [
    (gettext_lazy("شماره پیگیری"), 13),
    (gettext_lazy("تعاونی"), 38),
    (gettext_lazy("شهرستان"), 14),
    (gettext_lazy("گرایش"), 16),
    (gettext_lazy("موضوع"), 22),
    (gettext_lazy("وضعیت"), 14),
    (gettext_lazy("زمان ثبت"), 17),
    (gettext_lazy("نخستین پاسخ"), 17),
    (gettext_lazy("زمان نتیجه"), 17),
    (gettext_lazy("روز تا نتیجه"), 10),
    (gettext_lazy("گذشته از مهلت"), 11),
    (gettext_lazy("رضایت"), 8),
]
CASE_FIELDS = (
    "pk",
    "tracking_number",
    "cooperative__name",
    "cooperative__county__name",
    "cooperative__sector__name",
    "category__name",
    "state",
    "filed_at",
    "first_response_at",
    "first_response_due_at",
    "resolved_at",
    "resolution_due_at",
    "rating",
)


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _sheet(workbook, title: str, columns: list[tuple[str, int]], rows: Iterable[list]):
    """A right-to-left sheet with a bold, frozen header row and set column widths."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    from hamafza.registry.spreadsheets import neutralise

    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for i, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[_column(i)].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    return sheet


class _JalaliStamps:
    """Local Jalali «1405/09/06 14:30» (Latin digits, as format_jalali_datetime writes them
    for files), each day converted once: a year of cases has a few hundred days, not tens of
    thousands of calendar conversions."""

    def __init__(self):
        self.days: dict[datetime.date, str] = {}
        self.tz = timezone.get_current_timezone()

    def __call__(self, moment: datetime.datetime | None) -> str:
        if moment is None:
            return ""
        local = timezone.localtime(moment, self.tz)
        day = self.days.get(local.date())
        if day is None:
            j = jdatetime.date.fromgregorian(date=local.date())
            day = self.days[local.date()] = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
        return f"{day} {local.hour:02d}:{local.minute:02d}"


def _excel_datetime(moment: datetime.datetime | None) -> str:
    return format_jalali_datetime(moment, persian_digits=False) if moment else ""


def _section_rows(groups: list[Group], *, body: bool = False) -> Iterator[list]:
    for g in groups:
        row = [g.name if name == "name" else getattr(g, name) for name, _l, _w in SECTION_COLUMNS]
        if body:
            row.append(g.median_referral_days)
        yield row


def _summary_rows(report: Report, case_scope: str) -> list[list]:
    f, t = report.filters, report.total
    return [
        [_("از تاریخ"), format_jalali_date(f.start, persian_digits=False)],
        [_("تا تاریخ"), format_jalali_date(f.end, persian_digits=False)],
        [_("موضوع"), f.category.name if f.category else _("همه")],
        [_("شهرستان"), f.county.name if f.county else _("همه")],
        [_("گرایش"), f.sector.name if f.sector else _("همه")],
        [_("زمان تهیه"), _excel_datetime(report.now)],
        [_("درخواست‌های ثبت‌شده"), t.filed],
        [_("باز"), t.open],
        [_("حل‌شده"), t.resolved],
        [_("ردشده"), t.rejected],
        [_("گذشته از مهلت"), t.breached],
        [_("درصد گذشته از مهلت"), t.breach_rate],
        [_("میانه روز تا نخستین پاسخ"), t.median_response_days],
        [_("میانه روز تا نتیجه"), t.median_outcome_days],
        [_("میانگین رضایت (از ۵)"), t.mean_rating],
        [_("شمار امتیازها"), t.rated],
        [_("فهرست درخواست‌ها"), case_scope],
    ]


def _case_rows(cases: QuerySet[Case], now: datetime.datetime) -> Iterator[list]:
    states = {value: str(label) for value, label in Case.State.choices}
    yes, no = _("بله"), _("خیر")
    stamp = _JalaliStamps()
    rows = cases.order_by("filed_at", "pk").values_list(*CASE_FIELDS, named=True)
    for r in rows.iterator(chunk_size=2000):
        breached = is_breached(
            first_response_at=r.first_response_at,
            first_response_due_at=r.first_response_due_at,
            resolved_at=r.resolved_at,
            resolution_due_at=r.resolution_due_at,
            now=now,
        )
        days = (
            round((r.resolved_at - r.filed_at).total_seconds() / DAY, 1) if r.resolved_at else None
        )
        yield [
            r.tracking_number,
            r.cooperative__name,
            r.cooperative__county__name or "",
            r.cooperative__sector__name,
            r.category__name,
            states[r.state],
            stamp(r.filed_at),
            stamp(r.first_response_at),
            stamp(r.resolved_at),
            days,
            yes if breached else no,
            r.rating,
        ]


SHEET_TITLES = {
    "summary": gettext_lazy("خلاصه"),
    "category": gettext_lazy("موضوع"),
    "county": gettext_lazy("شهرستان"),
    "sector": gettext_lazy("گرایش"),
    "body": gettext_lazy("دستگاه بیرونی"),
    "months": gettext_lazy("روند ماهانه"),
    "cases": gettext_lazy("فهرست درخواست‌ها"),
}


def workbook(report: Report, listed: QuerySet[Case], *, case_scope: str) -> bytes:
    """The report as an xlsx workbook: a summary, one sheet per section, the months, and every
    case in `listed` (the report's cases the reader may see one by one)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _sheet(
        book,
        SHEET_TITLES["summary"],
        [(_("شاخص"), 28), (_("مقدار"), 30)],
        _summary_rows(report, case_scope),
    )
    firsts = {
        "category": _("موضوع"),
        "county": _("شهرستان"),
        "sector": _("گرایش"),
        "body": _("دستگاه"),
    }
    for key, _title, groups in report.sections:
        columns = [(firsts[key], SECTION_COLUMNS[0][2])] + [
            (str(label), width) for _n, label, width in SECTION_COLUMNS[1:]
        ]
        if key == "body":
            columns[1] = (_("ارجاع‌شده"), columns[1][1])
            columns.append((_("میانه روز از ارجاع تا نتیجه"), 14))
        _sheet(book, SHEET_TITLES[key], columns, _section_rows(groups, body=key == "body"))
    month_columns = [
        (_("ماه"), 10),
        (_("نام ماه"), 12),
        (_("ثبت‌شده"), 10),
        (_("حل‌شده"), 9),
        (_("ردشده"), 9),
        (_("باز"), 8),
        (_("گذشته از مهلت"), 11),
        (_("میانه روز تا نتیجه"), 12),
    ]
    month_names = jalali_month_names(True)
    _sheet(
        book,
        SHEET_TITLES["months"],
        month_columns,
        (
            [
                m.code,
                month_names[m.month - 1],
                m.filed,
                m.resolved,
                m.rejected,
                m.open,
                m.breached,
                m.median_outcome_days,
            ]
            for m in report.months
        ),
    )
    _sheet(book, SHEET_TITLES["cases"], CASE_COLUMNS, _case_rows(listed, report.now))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
