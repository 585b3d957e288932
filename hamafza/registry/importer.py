"""Registry import (DESIGN.md, "Registry import columns"): all or nothing, keyed by
national ID, every problem reported with its row, column, value and reason.

`plan()` reads and checks the whole file and works out what would change; it writes
nothing. `apply()` re-plans inside one transaction and writes the creations and updates
with their audit rows. An empty cell leaves the stored value as it is.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamafza.core import audit
from hamafza.core.models import AuditEvent
from hamafza.persian.identifiers import (
    normalize_mobile,
    validate_national_id,
    validate_postal_code,
)
from hamafza.persian.jalali import format_jalali_date, parse_jalali_date
from hamafza.persian.text import format_number, normalize, parse_number, to_latin_digits
from hamafza.registry import search_index
from hamafza.registry.models import Cooperative, County, Sector, Status, Union
from hamafza.registry.spreadsheets import Sheet

LEGAL_MINIMUM_MEMBERS = 7
CHUNK = 1000


@dataclass(frozen=True)
class Column:
    field: str
    persian: str
    required: bool = False


COLUMNS = [
    Column("name", "نام تعاونی", True),
    Column("national_id", "شناسه ملی", True),
    Column("registration_number", "شماره ثبت", True),
    Column("county", "شهرستان", True),
    Column("sector", "گروه فعالیت", True),
    Column("status", "وضعیت"),
    Column("registered_on", "تاریخ ثبت"),
    Column("members", "تعداد اعضا"),
    Column("employees", "تعداد شاغلین"),
    Column("capital_rial", "سرمایه (ریال)"),
    Column("union", "اتحادیه"),
    Column("ceo_name", "مدیرعامل"),
    Column("mobile", "تلفن همراه"),
    Column("postal_code", "کد پستی"),
    Column("address", "نشانی"),
]
BY_FIELD = {c.field: c for c in COLUMNS}
STATUS_WORDS = {
    **{normalize(str(label)): value for value, label in Status.choices},
    **{value: value for value in Status.values},
}
# Persian labels are fixed here (not translated): they are the file format.
STATUS_LABELS = {
    Status.ACTIVE: "فعال",
    Status.INACTIVE: "غیرفعال",
    Status.LIQUIDATING: "در حال تصفیه",
    Status.DISSOLVED: "منحل",
}
STATUS_WORDS |= {normalize(label): value for value, label in STATUS_LABELS.items()}
DATA_FIELDS = [c.field for c in COLUMNS if c.field != "national_id"]


@functools.lru_cache(maxsize=4096)
def _compact(text: str) -> str:
    """The matching key of a reference (county, sector, union, status): spaces ignored.
    Cached: a file repeats the same few dozen county and sector spellings."""
    return normalize(text).replace(" ", "")


def _use_persian_digits() -> bool:
    return (get_language() or "fa").startswith("fa")


def header_map(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index per field, and the problems with the header row."""
    known = {}
    for c in COLUMNS:
        known[_compact(c.persian)] = c.field
        known[c.field] = c.field
    found: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        if not title:
            continue
        key = known.get(_compact(title)) or known.get(title.strip().lower())
        if key is None:
            problems.append(_("ستون «%(title)s» شناخته نیست.") % {"title": title})
        elif key in found:
            problems.append(_("ستون «%(title)s» دو بار آمده است.") % {"title": title})
        else:
            found[key] = index
    missing = [c.persian for c in COLUMNS if c.required and c.field not in found]
    if missing:
        problems.insert(0, _("ستون‌های لازم در فایل نیست: %(cols)s") % {"cols": "، ".join(missing)})
    return found, problems


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class Plan:
    total: int = 0
    created: list[dict] = field(default_factory=list)  # field values of new cooperatives
    updated: list[tuple[int, dict, dict]] = field(default_factory=list)  # pk, changes, values
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    header_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.header_problems

    def summary(self) -> dict:
        return {
            "total": self.total,
            "new": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "errors": len(self.errors) + len(self.header_problems),
            "warnings": len(self.warnings),
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        number = int(value)
    else:
        number = parse_number(_text(value))
    if number < 0:
        raise ValueError
    return number


class _Lookups:
    def __init__(self) -> None:
        self.counties = {_compact(c.name): c.pk for c in County.objects.all()}
        self.sectors = {_compact(s.name): s.pk for s in Sector.objects.all()}
        self.unions_by_name = {}
        self.unions_by_id = {}
        for u in Union.objects.only("pk", "name", "national_id"):
            self.unions_by_name[_compact(u.name)] = u.pk
            self.unions_by_id[u.national_id] = u.pk


def _clean_row(
    cells: dict[str, Any], lookups: _Lookups, rownum: int, plan: Plan
) -> tuple[dict, bool]:
    """Field values of one row (empty cells absent; invalid ones too), and whether it is clean."""
    values: dict[str, Any] = {}
    errors_before = len(plan.errors)

    def error(field_name: str, raw: Any, reason: str) -> None:
        plan.errors.append(Problem(rownum, BY_FIELD[field_name].persian, _text(raw), reason))

    for field_name, raw in cells.items():
        text = _text(raw)
        column = BY_FIELD[field_name]
        if not text:
            if column.required:
                error(field_name, raw, _("این ستون نباید خالی باشد."))
            continue
        try:
            if field_name == "name":
                if len(text) > 255:
                    raise ValueError(_("نام بیش از ۲۵۵ نویسه است."))
                values["name"] = text
            elif field_name == "national_id":
                values["national_id"] = validate_national_id(text)
            elif field_name == "registration_number":
                number = to_latin_digits(text).replace(" ", "")
                if len(number) > 32:
                    raise ValueError(_("شماره ثبت بیش از ۳۲ نویسه است."))
                values["registration_number"] = number
            elif field_name == "county":
                pk = lookups.counties.get(_compact(text))
                if pk is None:
                    raise ValueError(_("چنین شهرستانی در فهرست شهرستان‌ها نیست."))
                values["county_id"] = pk
            elif field_name == "sector":
                pk = lookups.sectors.get(_compact(text))
                if pk is None:
                    raise ValueError(_("چنین گروه فعالیتی در فهرست گرایش‌ها نیست."))
                values["sector_id"] = pk
            elif field_name == "status":
                status = STATUS_WORDS.get(normalize(text)) or STATUS_WORDS.get(text.lower())
                if status is None:
                    raise ValueError(
                        _("وضعیت باید یکی از فعال، غیرفعال، در حال تصفیه یا منحل باشد.")
                    )
                values["status"] = status
            elif field_name == "registered_on":
                if isinstance(raw, datetime.datetime):
                    values["registered_on"] = raw.date()
                elif isinstance(raw, datetime.date):
                    values["registered_on"] = raw
                else:
                    values["registered_on"] = parse_jalali_date(text)
            elif field_name in ("members", "employees", "capital_rial"):
                try:
                    number = _whole_number(raw)
                except ValueError:
                    raise ValueError(_("باید عدد صحیح صفر یا بیشتر باشد.")) from None
                values[field_name] = number
                if field_name == "members" and number < LEGAL_MINIMUM_MEMBERS:
                    plan.warnings.append(
                        Problem(
                            rownum,
                            column.persian,
                            text,
                            _("کمتر از هفت عضو؛ قانون دست‌کم هفت عضو می‌خواهد."),
                        )
                    )
            elif field_name == "union":
                digits = to_latin_digits(text)
                pk = lookups.unions_by_id.get(digits) or lookups.unions_by_name.get(_compact(text))
                if pk is None:
                    raise ValueError(_("چنین اتحادیه‌ای (با این نام یا شناسه ملی) ثبت نشده است."))
                values["union_id"] = pk
            elif field_name == "mobile":
                values["mobile"] = normalize_mobile(text)
            elif field_name == "postal_code":
                values["postal_code"] = validate_postal_code(text)
            elif field_name in ("ceo_name", "address"):
                limit = 150 if field_name == "ceo_name" else 500
                if len(text) > limit:
                    raise ValueError(_("متن بیش از اندازه بلند است."))
                values[field_name] = text
        except ValidationError as exc:
            error(field_name, raw, " ".join(exc.messages))
        except ValueError as exc:
            error(field_name, raw, str(exc) or _("مقدار پذیرفته نیست."))
    return values, len(plan.errors) == errors_before


MODEL_FIELD = {"county": "county_id", "sector": "sector_id", "union": "union_id"}
COMPARED_FIELDS = [MODEL_FIELD.get(c.field, c.field) for c in COLUMNS if c.field != "national_id"]


def plan(sheet: Sheet, *, progress: Callable[[int, int], None] | None = None) -> Plan:
    result = Plan()
    columns, result.header_problems = header_map(sheet.header)
    if result.header_problems and any(c.required and c.field not in columns for c in COLUMNS):
        return result
    lookups = _Lookups()
    seen: dict[str, int] = {}
    cleaned: list[tuple[int, dict]] = []
    for offset, row in enumerate(sheet.rows):
        rownum = offset + 2
        if not any(_text(v) for v in row):
            continue
        result.total += 1
        cells = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        values, clean = _clean_row(cells, lookups, rownum, result)
        national_id = values.get("national_id")
        if national_id is None:
            continue
        if national_id in seen:
            result.errors.append(
                Problem(
                    rownum,
                    BY_FIELD["national_id"].persian,
                    national_id,
                    _("این شناسه ملی در ردیف %(row)s هم آمده است.")
                    % {"row": format_number(seen[national_id], persian=_use_persian_digits())},
                )
            )
            continue
        seen[national_id] = rownum
        if clean:
            cleaned.append((rownum, values))
        if progress and result.total % CHUNK == 0:
            progress(result.total, len(sheet.rows))
    if result.total == 0:
        result.header_problems.append(_("فایل جز سرستون‌ها ردیفی ندارد."))
        return result
    # Compare with what is stored, a chunk of national IDs at a time.
    for start in range(0, len(cleaned), CHUNK):
        chunk = cleaned[start : start + CHUNK]
        existing = {
            row["national_id"]: row
            for row in Cooperative.objects.filter(
                national_id__in=[v["national_id"] for _, v in chunk]
            ).values("pk", "national_id", *COMPARED_FIELDS)
        }
        for _rownum, values in chunk:
            current = existing.get(values["national_id"])
            if current is None:
                missing = [
                    c.persian
                    for c in COLUMNS
                    if c.required and MODEL_FIELD.get(c.field, c.field) not in values
                ]
                if missing:  # pragma: no cover - required cells are checked above
                    continue
                result.created.append(values)
                continue
            changes = {}
            for name, value in values.items():
                if name == "national_id":
                    continue
                old = current[name]
                if old != value:
                    changes[name] = [old, value]
            if changes:
                result.updated.append((current["pk"], changes, values))
            else:
                result.unchanged += 1
    if progress:
        progress(len(sheet.rows), len(sheet.rows))
    return result


def _display(name: str, value: Any) -> Any:
    if isinstance(value, datetime.date):
        return format_jalali_date(value, persian_digits=False)
    return value


@transaction.atomic
def apply(sheet: Sheet, *, actor, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Plan again and, when the file is clean, write everything in one transaction."""
    result = plan(sheet)
    if not result.ok:
        return result
    total = len(result.created) + len(result.updated)
    done = 0
    events: list[AuditEvent] = []
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    with search_index.bulk_writes(len(result.created)):
        _create(result, actor_user, events, progress, total)
    done = len(result.created)
    update_fields = set()
    now = timezone.now()
    for start in range(0, len(result.updated), CHUNK):
        chunk = result.updated[start : start + CHUNK]
        objects = Cooperative.objects.in_bulk([pk for pk, _, _ in chunk])
        batch = []
        for pk, changes, _values in chunk:
            coop = objects[pk]
            for name, (_old, new) in changes.items():
                setattr(coop, name, new)
                update_fields.add(name)
            coop.fill_keys()
            coop.updated_at = now
            batch.append(coop)
            events.append(
                AuditEvent(
                    actor=actor_user,
                    action="registry.import_update",
                    target_type="registry.cooperative",
                    target_id=str(pk),
                    target_repr=coop.name[:255],
                    changes={
                        k: [audit._plain(_display(k, o)), audit._plain(_display(k, n))]
                        for k, (o, n) in changes.items()
                    },
                )
            )
        Cooperative.objects.bulk_update(
            batch, [*sorted(update_fields), "name_key", "sort_key", "search_key", "updated_at"]
        )
        done += len(batch)
        if progress:
            progress(done, total)
    AuditEvent.objects.bulk_create(events, batch_size=CHUNK)
    return result


def _create(result: Plan, actor_user, events: list, progress, total: int) -> None:
    done = 0
    for start in range(0, len(result.created), CHUNK):
        batch = []
        for values in result.created[start : start + CHUNK]:
            coop = Cooperative(**values)
            coop.fill_keys()
            batch.append(coop)
        saved = Cooperative.objects.bulk_create(batch)
        for coop, values in zip(saved, result.created[start : start + CHUNK], strict=True):
            events.append(
                AuditEvent(
                    actor=actor_user,
                    action="registry.import_create",
                    target_type="registry.cooperative",
                    target_id=str(coop.pk) if coop.pk else "",
                    target_repr=coop.name[:255],
                    changes={k: audit._plain(_display(k, v)) for k, v in values.items()},
                )
            )
        done += len(batch)
        if progress:
            progress(done, total)
