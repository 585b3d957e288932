"""Reads of the registry that are more than one ORM call."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from hamafza.registry.models import Cooperative, Status, Union
from hamafza.registry.search import filter_by_query

SORTS = {
    "name": ("sort_key", "id"),
    "-members": ("-members", "sort_key"),
    "-employees": ("-employees", "sort_key"),
    "-capital": ("-capital_rial", "sort_key"),
    "-registered_on": ("-registered_on", "sort_key"),
    "registered_on": ("registered_on", "sort_key"),
}


@dataclass
class Overview:
    province: str
    cooperatives: int = 0
    unions: int = 0
    members: int = 0
    employees: int = 0
    by_sector: list = field(default_factory=list)


def province_overview() -> Overview:
    active = Cooperative.objects.filter(status=Status.ACTIVE)
    totals = active.aggregate(n=Count("id"), members=Sum("members"), employees=Sum("employees"))
    by_sector = list(
        active.values("sector_id", "sector__name", "sector__order")
        .annotate(count=Count("id"), members=Sum("members"), employees=Sum("employees"))
        .order_by("sector__order")
    )
    return Overview(
        province=settings.HAMAFZA_PROVINCE,
        cooperatives=totals["n"] or 0,
        unions=Union.objects.count(),
        members=totals["members"] or 0,
        employees=totals["employees"] or 0,
        by_sector=by_sector,
    )


def cooperative_search(
    *,
    q: str = "",
    county: int | None = None,
    sector: int | None = None,
    status: str = "",
    union: int | None = None,
    board_expired: bool = False,
    sort: str = "",
) -> QuerySet[Cooperative]:
    """The directory's query: filters, search and order. Related rows are joined in."""
    qs = Cooperative.objects.select_related("county", "sector", "union")
    if county:
        qs = qs.filter(county_id=county)
    if sector:
        qs = qs.filter(sector_id=sector)
    if status:
        qs = qs.filter(status=status)
    if union:
        qs = qs.filter(union_id=union)
    if board_expired:
        qs = qs.filter(board_term_ends_on__lt=timezone.localdate())
    order = SORTS.get(sort)
    if q.strip():
        qs = filter_by_query(qs, q)
        if order is None:
            return qs.order_by("search_rank", "sort_key", "id")
    return qs.order_by(*(order or SORTS["name"]))


def cooperative_rows(ids: list[int]) -> QuerySet[Cooperative]:
    """The rows a list page shows, with their relations, for ids already sorted and paged."""
    return (
        Cooperative.objects.filter(pk__in=ids)
        .select_related("county", "sector", "union")
        .defer("search_key", "description")
    )


def union_list(*, q: str = "") -> QuerySet[Union]:
    qs = Union.objects.select_related("county", "sector").annotate(
        cooperative_count=Count("cooperatives", distinct=True),
        members_total=Sum("cooperatives__members"),
        employees_total=Sum("cooperatives__employees"),
        capital_total=Sum("cooperatives__capital_rial"),
    )
    if q.strip():
        qs = filter_by_query(qs, q, indexed=False).order_by("search_rank", "sort_key")
    else:
        qs = qs.order_by("sort_key")
    return qs


def union_totals(union: Union) -> dict:
    return union.cooperatives.aggregate(
        cooperatives=Count("id"),
        active=Count("id", filter=Q(status=Status.ACTIVE)),
        members=Sum("members"),
        employees=Sum("employees"),
        capital=Sum("capital_rial"),
    )
