"""Template filters for Jalali dates and Persian digits (registered as a template builtin).

Each filter follows the active language: Persian digits when it is ``fa``, Latin otherwise.
None/"" render as ""; values a filter cannot handle are returned unchanged, never raising.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language

from hamafza.persian.jalali import format_jalali_date, format_jalali_datetime, format_jalali_long
from hamafza.persian.text import format_number, to_latin_digits, to_persian_digits

register = template.Library()


def _persian() -> bool:
    """Whether the active language is Persian."""
    language = get_language() or settings.LANGUAGE_CODE
    return language.lower().startswith("fa")


def _empty(value: Any) -> bool:
    return value is None or value == ""


@register.filter(is_safe=True)
def jdate(value: Any, fmt: str = "%Y/%m/%d") -> Any:
    """A date or datetime as a Jalali date (``۱۴۰۵/۰۹/۰۶``); optional jdatetime strftime format."""
    if _empty(value):
        return ""
    if not isinstance(value, datetime.date):
        return value
    try:
        return format_jalali_date(value, persian_digits=_persian(), fmt=str(fmt))
    except (ValueError, OverflowError, TypeError):
        return value


@register.filter(name="jdatetime", is_safe=True)
def jdatetime_filter(value: Any) -> Any:
    """A datetime as a Jalali date and local time (``۱۴۰۵/۰۹/۰۶ ۱۴:۳۰``); dates as ``jdate``."""
    if _empty(value):
        return ""
    if not isinstance(value, datetime.date):
        return value
    try:
        if isinstance(value, datetime.datetime):
            return format_jalali_datetime(value, persian_digits=_persian())
        return format_jalali_date(value, persian_digits=_persian())
    except (ValueError, OverflowError, TypeError):
        return value


@register.filter(is_safe=True)
def jdate_long(value: Any) -> Any:
    """A date as ``۶ آذر ۱۴۰۵`` (``6 Azar 1405`` outside Persian)."""
    if _empty(value):
        return ""
    if not isinstance(value, datetime.date):
        return value
    try:
        return format_jalali_long(value, persian=_persian())
    except (ValueError, OverflowError, TypeError):
        return value


def _convert_digits(value: Any) -> Any:
    try:
        text = str(value)
    except Exception:
        return value
    return to_persian_digits(text) if _persian() else to_latin_digits(text)


@register.filter(is_safe=True)
def fanum(value: Any) -> Any:
    """A number with thousands separators (``۱٬۲۳۴٬۵۶۷``); strings get only digit conversion."""
    if _empty(value):
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal | float):
        try:
            return format_number(value, persian=_persian())
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            return value
    if isinstance(value, str):
        return _convert_digits(value)
    return value


@register.filter(is_safe=True)
def fadigits(value: Any) -> Any:
    """Only convert digits (Persian in ``fa``, Latin otherwise); no separators."""
    if _empty(value):
        return ""
    return _convert_digits(value)
