from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from hamafza.persian.text import to_latin_digits
from hamafza.registry import selectors
from hamafza.registry.models import County, Sector, Status, Union
from hamafza.registry.permissions import get_cooperative_for_user

PAGE_SIZES = (25, 50, 100)


def _int(value: str | None) -> int | None:
    try:
        return int(to_latin_digits(value or ""))
    except ValueError:
        return None


def _directory_filters(request: HttpRequest) -> dict:
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "")[:200],
        "county": _int(request.GET.get("county")),
        "sector": _int(request.GET.get("sector")),
        "status": status if status in Status.values else "",
        "union": _int(request.GET.get("union")),
        "board_expired": request.GET.get("board_expired") == "1",
        "sort": request.GET.get("sort", ""),
    }


def cooperative_list(request: HttpRequest) -> HttpResponse:
    filters = _directory_filters(request)
    qs = selectors.cooperative_search(**filters)
    page_size = _int(request.GET.get("page_size")) or PAGE_SIZES[0]
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    page = Paginator(qs, page_size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "querystring": params.urlencode(),
        "counties": County.objects.all(),
        "sectors": Sector.objects.all(),
        "unions": Union.objects.only("id", "name").order_by("name"),
        "statuses": Status.choices,
        "sorts": selectors.SORTS,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
    }
    template = "registry/cooperative_list.html"
    if request.htmx and request.htmx.target == "directory-results":
        template += "#results"
    return render(request, template, context)


def cooperative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cooperative, private, editable = get_cooperative_for_user(request.user, pk)
    board = (
        cooperative.board_memberships.select_related("person").order_by("role", "person__full_name")
        if private
        else None
    )
    return render(
        request,
        "registry/cooperative_detail.html",
        {"coop": cooperative, "private": private, "editable": editable, "board": board},
    )


def union_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.union_list(q=q), 50).get_page(request.GET.get("page"))
    return render(request, "registry/union_list.html", {"page": page, "q": q})


def union_detail(request: HttpRequest, pk: int) -> HttpResponse:
    union = get_object_or_404(Union.objects.select_related("county", "sector"), pk=pk)
    members = union.cooperatives.select_related("county", "sector").order_by("name")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/union_detail.html",
        {"union": union, "page": page, "totals": selectors.union_totals(union)},
    )
