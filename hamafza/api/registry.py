"""Registry endpoints. The public sees public fields only."""

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from hamafza.api.api import api
from hamafza.api.pagination import paginate
from hamafza.persian.text import normalize, to_latin_digits
from hamafza.registry import selectors
from hamafza.registry.models import Cooperative, County, Sector, Status, Union
from hamafza.registry.permissions import can_see_private

router = Router(tags=["registry"])


class ListOut(Schema):
    count: int
    results: list[dict]


class CooperativeFilters(Schema):
    q: str = ""
    county: str = ""
    sector: str = ""
    status: str = ""
    union: str = ""
    page: int = 1
    page_size: int = 25


def _resolve(model, value: str, field: str = "name_key") -> int | None:
    """A reference given by id or by (normalised) name; unknown → 400."""
    value = to_latin_digits(value).strip()
    if not value:
        return None
    if value.isdigit():
        if model.objects.filter(pk=int(value)).exists():
            return int(value)
        if model is Union:
            found = model.objects.filter(national_id=value).values_list("pk", flat=True).first()
            if found:
                return found
    else:
        found = (
            model.objects.filter(**{field: normalize(value)}).values_list("pk", flat=True).first()
        )
        if found:
            return found
    raise HttpError(400, f"unknown {model._meta.model_name}: {value}")


def cooperative_item(c: Cooperative) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "national_id": c.national_id,
        "registration_number": c.registration_number,
        "county": c.county.name if c.county_id else None,
        "sector": c.sector.name,
        "status": c.status,
        "members": c.members,
        "employees": c.employees,
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@router.get("/cooperatives", response=ListOut, summary="Search and filter cooperatives")
def cooperatives(request: HttpRequest, filters: Query[CooperativeFilters]):
    if filters.status and filters.status not in Status.values:
        raise HttpError(400, f"status must be one of {', '.join(Status.values)}")
    qs = selectors.cooperative_search(
        q=filters.q,
        county=_resolve(County, filters.county),
        sector=_resolve(Sector, filters.sector),
        status=filters.status,
        union=_resolve(Union, filters.union),
    )
    return paginate(
        qs, filters.page, filters.page_size, cooperative_item, fetch=selectors.cooperative_rows
    )


@router.get("/cooperatives/{cooperative_id}", response=dict, summary="One cooperative")
def cooperative(request: HttpRequest, cooperative_id: int):
    c = get_object_or_404(
        Cooperative.objects.select_related("county", "sector", "union"), pk=cooperative_id
    )
    data = cooperative_item(c) | {
        "registered_on": _iso(c.registered_on),
        "union": {"id": c.union_id, "name": c.union.name} if c.union_id else None,
        "ceo_name": c.ceo_name,
        "website": c.website,
        "description": c.description,
        "isic_codes": c.isic_codes,
        "board_term_ends_on": _iso(c.board_term_ends_on),
        "board_expired": c.board_expired,
    }
    if can_see_private(request.user, c):
        data |= {
            "mobile": c.mobile,
            "postal_code": c.postal_code,
            "address": c.address,
            "capital_rial": c.capital_rial,
        }
    return data


class UnionFilters(Schema):
    q: str = ""
    page: int = 1
    page_size: int = 25


@router.get("/unions", response=ListOut, summary="Unions with their member totals")
def unions(request: HttpRequest, filters: Query[UnionFilters]):
    def item(u: Union) -> dict:
        return {
            "id": u.pk,
            "name": u.name,
            "national_id": u.national_id,
            "registration_number": u.registration_number,
            "county": u.county.name if u.county_id else None,
            "sector": u.sector.name,
            "status": u.status,
            "cooperatives": u.cooperative_count,
            "members": u.members_total or 0,
            "employees": u.employees_total or 0,
        }

    return paginate(selectors.union_list(q=filters.q), filters.page, filters.page_size, item)


class PageFilters(Schema):
    page: int = 1
    page_size: int = 100


@router.get("/counties", response=ListOut, summary="Counties of the province")
def counties(request: HttpRequest, filters: Query[PageFilters]):
    return paginate(
        County.objects.order_by("name"),
        filters.page,
        filters.page_size,
        lambda c: {"id": c.pk, "name": c.name, "province": c.province},
    )


@router.get("/sectors", response=ListOut, summary="Sectors (activity fields)")
def sectors(request: HttpRequest, filters: Query[PageFilters]):
    return paginate(
        Sector.objects.all(),
        filters.page,
        filters.page_size,
        lambda s: {"id": s.pk, "name": s.name},
    )


api.add_router("/", router)
