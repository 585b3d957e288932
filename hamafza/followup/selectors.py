"""Reads of the follow-up that are more than one ORM call: the public accountability page
(published resolutions with their actions) and the rates per responsible body.

Everything here costs a fixed number of queries, whatever the number of resolutions, actions
or bodies: the rates are one aggregate query grouped by body, a page of resolutions is one
query for its ids, one for its rows and one for all their actions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import jdatetime
from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from hamafza.decisions.models import Resolution
from hamafza.decisions.selectors import search_resolutions
from hamafza.followup.models import Action, Organisation
from hamafza.persian.jalali import to_jalali
from hamafza.persian.text import sort_key

# The status filter of the public page: the statuses, and «overdue» (derived).
OVERDUE = "overdue"


def rate(part: int, whole: int) -> int | None:
    """A whole percentage, or None when there is nothing to measure against."""
    return round(100 * part / whole) if whole else None


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Overdue as a query: open and past its due date (Action.overdue, in SQL)."""
    return Q(**{f"{prefix}status__in": Action.OPEN_STATUSES, f"{prefix}due_on__lt": today})


def public_actions() -> QuerySet[Action]:
    """What everyone may see: the actions of published resolutions (status and progress)."""
    return Action.objects.filter(resolution__published=True)


def public_resolutions() -> QuerySet[Resolution]:
    return Resolution.objects.filter(published=True)


# --------------------------------------------------------------------------- years
def jalali_year_range(year: int) -> tuple[datetime.date, datetime.date]:
    """The Gregorian dates of 1 Farvardin of ``year`` and of the next year."""
    return (
        jdatetime.date(year, 1, 1).togregorian(),
        jdatetime.date(year + 1, 1, 1).togregorian(),
    )


def resolution_years() -> list[int]:
    """The Jalali years published resolutions were passed in, latest first (one query)."""
    bounds = public_resolutions().aggregate(first=Min("passed_on"), last=Max("passed_on"))
    if bounds["first"] is None:
        return []
    return list(range(to_jalali(bounds["last"]).year, to_jalali(bounds["first"]).year - 1, -1))


def bodies_with_public_actions() -> list[Organisation]:
    """The responsible bodies that appear on the public page, in Persian alphabetical order."""
    bodies = Organisation.objects.filter(pk__in=public_actions().values("responsible_id")).only(
        "id", "name", "kind"
    )
    return sorted(bodies, key=lambda o: sort_key(o.name))


# --------------------------------------------------------------------------- rates
@dataclass
class BodyRate:
    """One responsible body's record: actions not cancelled, done, done on time, overdue."""

    id: int
    name: str
    kind: str
    actions: int
    done: int
    on_time: int
    overdue: int
    cancelled: int
    kind_label: str = field(init=False)

    def __post_init__(self) -> None:
        label = str(Organisation.Kind(self.kind).label)
        # «اداره کل تعاون، کار و رفاه اجتماعی» needs no second mention under its own name.
        self.kind_label = "" if label in self.name else label

    @property
    def completion_rate(self) -> int | None:
        """Done out of the actions not cancelled."""
        return rate(self.done, self.actions)

    @property
    def on_time_rate(self) -> int | None:
        """Done by the due date, out of the actions done."""
        return rate(self.on_time, self.done)


def _counts(today: datetime.date) -> dict:
    done = Q(status=Action.Status.DONE)
    return {
        "n_actions": Count("id", filter=~Q(status=Action.Status.CANCELLED)),
        "n_done": Count("id", filter=done),
        "n_on_time": Count("id", filter=done & Q(completed_on__lte=F("due_on"))),
        "n_overdue": Count("id", filter=overdue_q(today)),
        "n_cancelled": Count("id", filter=Q(status=Action.Status.CANCELLED)),
    }


def body_rates(
    actions: QuerySet[Action] | None = None, *, today: datetime.date | None = None
) -> list[BodyRate]:
    """Completion and on-time rates and overdue counts per responsible body, in one
    aggregate query; the bodies with most actions first."""
    today = today or timezone.localdate()
    actions = public_actions() if actions is None else actions
    rows = (
        actions.order_by()
        .values("responsible_id", "responsible__name", "responsible__kind")
        .annotate(**_counts(today))
    )
    rates = [
        BodyRate(
            id=r["responsible_id"],
            name=r["responsible__name"],
            kind=r["responsible__kind"],
            actions=r["n_actions"],
            done=r["n_done"],
            on_time=r["n_on_time"],
            overdue=r["n_overdue"],
            cancelled=r["n_cancelled"],
        )
        for r in rows
    ]
    rates.sort(key=lambda b: (-b.actions, sort_key(b.name)))
    return rates


@dataclass
class Totals:
    resolutions: int
    actions: int
    done: int
    on_time: int
    overdue: int

    @property
    def completion_rate(self) -> int | None:
        return rate(self.done, self.actions)

    @property
    def on_time_rate(self) -> int | None:
        return rate(self.on_time, self.done)


def totals(
    resolutions: QuerySet[Resolution], actions: QuerySet[Action], *, today: datetime.date
) -> Totals:
    """The headline numbers, in two queries."""
    counts = actions.order_by().aggregate(**_counts(today))
    return Totals(
        resolutions=resolutions.count(),
        actions=counts["n_actions"],
        done=counts["n_done"],
        on_time=counts["n_on_time"],
        overdue=counts["n_overdue"],
    )


# --------------------------------------------------------------------------- the page
@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""  # an Action.Status value, OVERDUE, or "" for any
    responsible: int | None = None
    year: int | None = None

    @property
    def narrows_actions(self) -> bool:
        return bool(self.status or self.responsible)


def action_condition(filters: Filters, today: datetime.date, prefix: str = "") -> Q:
    """The actions the status and body filters keep."""
    condition = Q()
    if filters.status == OVERDUE:
        condition &= overdue_q(today, prefix)
    elif filters.status:
        condition &= Q(**{f"{prefix}status": filters.status})
    if filters.responsible:
        condition &= Q(**{f"{prefix}responsible_id": filters.responsible})
    return condition


def in_year(qs: QuerySet[Resolution], year: int | None) -> QuerySet[Resolution]:
    if year is None:
        return qs
    start, end = jalali_year_range(year)
    return qs.filter(passed_on__gte=start, passed_on__lt=end)


def accountability_resolutions(
    filters: Filters, *, today: datetime.date | None = None
) -> QuerySet[Resolution]:
    """Published resolutions the filters keep, latest first (to be paginated by id)."""
    today = today or timezone.localdate()
    qs = in_year(public_resolutions(), filters.year)
    if filters.narrows_actions:
        qs = qs.filter(
            pk__in=Action.objects.filter(action_condition(filters, today)).values("resolution_id")
        )
    if filters.q.strip():  # the same search as the resolutions list and the API
        qs = search_resolutions(qs, filters.q)
    return qs.order_by("-passed_on", "-id")


def with_actions(ids: list[int]) -> QuerySet[Resolution]:
    """The page's resolutions with every action (and its body) in one more query; a
    resolution's derived progress (services.resolution_progress) then needs none."""
    return Resolution.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("responsible").order_by("due_on", "id"),
        )
    )


def shown_actions(resolution: Resolution, filters: Filters, today: datetime.date) -> list:
    """The prefetched actions of a resolution that the filters keep (no query)."""
    actions = list(resolution.actions.all())
    if filters.status == OVERDUE:
        actions = [a for a in actions if a.status in Action.OPEN_STATUSES and a.due_on < today]
    elif filters.status:
        actions = [a for a in actions if a.status == filters.status]
    if filters.responsible:
        actions = [a for a in actions if a.responsible_id == filters.responsible]
    return actions
