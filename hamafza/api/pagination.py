from django.db.models import QuerySet
from ninja.errors import HttpError

from hamafza.core.pagination import IdPaginator

MAX_PAGE_SIZE = 100


def paginate(queryset: QuerySet, page: int, page_size: int, serialize, fetch=None) -> dict:
    """DESIGN.md's list shape: {"count": N, "results": [...]}, ?page= and ?page_size= (≤ 100)."""
    if page < 1:
        raise HttpError(400, "page must be 1 or more")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HttpError(400, f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    count = queryset.count()
    start = (page - 1) * page_size
    if start >= count:
        rows = []
    elif fetch is not None:
        rows = IdPaginator(queryset, page_size, fetch=fetch).rows(start, start + page_size)
    else:
        rows = queryset[start : start + page_size]
    results = [serialize(obj) for obj in rows]
    return {"count": count, "results": results}
