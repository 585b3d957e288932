"""Registry export: the import's columns (Persian headers), so an export imports back."""

from collections.abc import Iterator

from django.db.models import QuerySet

from hamafza.persian.jalali import format_jalali_date
from hamafza.registry.importer import COLUMNS, STATUS_LABELS
from hamafza.registry.models import Cooperative
from hamafza.registry.spreadsheets import write_csv, write_xlsx

HEADER = [c.persian for c in COLUMNS]


def rows(queryset: QuerySet[Cooperative]) -> Iterator[list]:
    qs = queryset.select_related("county", "sector", "union").order_by(
        *queryset.query.order_by or ["sort_key", "id"]
    )
    for c in qs.iterator(chunk_size=2000):
        yield [
            c.name,
            c.national_id,
            c.registration_number,
            c.county.name if c.county_id else "",
            c.sector.name,
            STATUS_LABELS[c.status],
            format_jalali_date(c.registered_on, persian_digits=False) if c.registered_on else "",
            c.members,
            c.employees,
            c.capital_rial,
            c.union.name if c.union_id else "",
            c.ceo_name,
            c.mobile,
            c.postal_code,
            c.address,
        ]


def export(queryset: QuerySet[Cooperative], fmt: str = "xlsx") -> bytes:
    if fmt == "csv":
        return write_csv(HEADER, rows(queryset))
    return write_xlsx(HEADER, rows(queryset), title="تعاونی‌ها")
