"""Jalali (solar hijri) dates at the edges: parsing what people type, formatting what they read.

Dates are Gregorian in the database; calendar arithmetic is jdatetime's. Aware datetimes are
shown in, and parsed into, the current Django time zone (``Asia/Tehran`` by settings).
"""

from __future__ import annotations

import datetime
import re

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.persian.text import to_latin_digits, to_persian_digits

# Years outside this range are almost surely typos or Gregorian years typed by mistake.
MIN_YEAR = 1200
MAX_YEAR = 1700

MONTH_NAMES = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
MONTH_NAMES_LATIN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))
_DATE = (
    r"(?P<year>[0-9]{4})\s*(?P<sep>[/\-.])\s*(?P<month>[0-9]{1,2})\s*(?P=sep)\s*(?P<day>[0-9]{1,2})"
)
_TIME = r"(?P<hour>[0-9]{1,2})\s*:\s*(?P<minute>[0-9]{2})(?:\s*:\s*(?P<second>[0-9]{2}))?"
_DATE_RE = re.compile(_DATE)
_DATETIME_RE = re.compile(rf"{_DATE}(?:(?:\s+|T){_TIME})?")


class JalaliDateError(ValueError):
    """A Jalali date or time that could not be parsed; ``code`` says why.

    ``invalid``: not in a recognised form; ``nonexistent``: no such day (or time);
    ``out_of_range``: year outside MIN_YEAR–MAX_YEAR.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _clean_input(s: str) -> str:
    if not isinstance(s, str):
        raise JalaliDateError(str(_("تاریخ باید به شکل ۱۴۰۵/۰۹/۰۶ وارد شود.")), "invalid")
    return to_latin_digits(s.translate(_BIDI_MARKS)).strip()


def _to_jalali(match: re.Match[str], original: str) -> jdatetime.date:
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise JalaliDateError(
            str(_("سال %(year)s برای تاریخ شمسی پذیرفته نیست.") % {"year": match["year"]}),
            "out_of_range",
        )
    try:
        return jdatetime.date(year, month, day)
    except ValueError:
        raise JalaliDateError(
            str(_("تاریخ «%(value)s» در تقویم شمسی وجود ندارد.") % {"value": original.strip()}),
            "nonexistent",
        ) from None


def parse_jalali_date(s: str) -> datetime.date:
    """Parse ``1405/09/06``, ``۱۴۰۵-۹-۶``, ``1405.9.6`` … into a Gregorian :class:`datetime.date`."""
    match = _DATE_RE.fullmatch(_clean_input(s))
    if match is None:
        raise JalaliDateError(str(_("تاریخ باید به شکل ۱۴۰۵/۰۹/۰۶ وارد شود.")), "invalid")
    return _to_jalali(match, s).togregorian()


def parse_jalali_datetime(s: str) -> datetime.datetime:
    """Parse ``1405/09/06 14:30`` (time optional, seconds allowed) into an aware datetime in
    the current time zone."""
    match = _DATETIME_RE.fullmatch(_clean_input(s))
    if match is None:
        raise JalaliDateError(
            str(_("تاریخ و ساعت باید به شکل ۱۴۰۵/۰۹/۰۶ ۱۴:۳۰ وارد شود.")), "invalid"
        )
    date = _to_jalali(match, s).togregorian()
    try:
        time = datetime.time(
            int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0)
        )
    except ValueError:
        raise JalaliDateError(
            str(_("ساعت «%(value)s» معتبر نیست.") % {"value": s.strip()}), "nonexistent"
        ) from None
    return timezone.make_aware(
        datetime.datetime.combine(date, time), timezone.get_current_timezone()
    )


def _local_date(d: datetime.date) -> datetime.date:
    if isinstance(d, datetime.datetime):
        return (timezone.localtime(d) if timezone.is_aware(d) else d).date()
    return d


def _digits(text: str, persian_digits: bool) -> str:
    return to_persian_digits(text) if persian_digits else text


def to_jalali(d: datetime.date) -> jdatetime.date:
    """The Jalali date of ``d`` (aware datetimes are first converted to local time)."""
    return jdatetime.date.fromgregorian(date=_local_date(d))


def format_jalali_date(d: datetime.date, persian_digits: bool = True, fmt: str = "%Y/%m/%d") -> str:
    """Format ``d`` as a Jalali date (``۱۴۰۵/۰۹/۰۶``); ``fmt`` uses jdatetime's strftime codes."""
    return _digits(to_jalali(d).strftime(fmt), persian_digits)


def format_jalali_datetime(dt: datetime.datetime, persian_digits: bool = True) -> str:
    """Format ``dt`` as ``۱۴۰۵/۰۹/۰۶ ۱۴:۳۰`` in local time (naive datetimes as they are)."""
    if timezone.is_aware(dt):
        dt = timezone.localtime(dt)
    text = f"{to_jalali(dt.date()).strftime('%Y/%m/%d')} {dt:%H:%M}"
    return _digits(text, persian_digits)


def jalali_month_names(persian: bool = True) -> list[str]:
    """The twelve Jalali month names, Farvardin first (Latin transliteration when not persian)."""
    return list(MONTH_NAMES if persian else MONTH_NAMES_LATIN)


def format_jalali_long(d: datetime.date, persian: bool = True) -> str:
    """Format ``d`` as ``۶ آذر ۱۴۰۵``; with ``persian=False`` as ``6 Azar 1405``."""
    jd = to_jalali(d)
    month = jalali_month_names(persian)[jd.month - 1]
    return _digits(f"{jd.day} {month} {jd.year}", persian)
