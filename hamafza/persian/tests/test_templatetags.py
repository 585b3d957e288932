"""Template filters in Persian and English."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from hamafza.persian.templatetags.persian import (
    fadigits,
    fanum,
    jdate,
    jdate_long,
    jdatetime_filter,
)

TEHRAN = ZoneInfo("Asia/Tehran")
AZAR_6_1405 = datetime.date(2026, 11, 27)
EVENING_UTC = datetime.datetime(2026, 11, 26, 20, 45, tzinfo=datetime.UTC)  # 00:15 in Tehran


@pytest.fixture(autouse=True)
def _tehran():
    with timezone.override(TEHRAN):
        yield


def render(source: str, **context: object) -> str:
    return Template("{% load persian %}" + source).render(Context(context))


def test_it_formats_jalali_dates_by_language() -> None:
    with translation.override("fa"):
        assert jdate(AZAR_6_1405) == "۱۴۰۵/۰۹/۰۶"
        assert jdate(AZAR_6_1405, "%Y") == "۱۴۰۵"
        assert jdate(EVENING_UTC) == "۱۴۰۵/۰۹/۰۶"  # local date, not UTC's
    with translation.override("en"):
        assert jdate(AZAR_6_1405) == "1405/09/06"
        assert jdate(EVENING_UTC) == "1405/09/06"


def test_it_formats_jalali_datetimes_by_language() -> None:
    with translation.override("fa"):
        assert jdatetime_filter(EVENING_UTC) == "۱۴۰۵/۰۹/۰۶ ۰۰:۱۵"
        assert jdatetime_filter(AZAR_6_1405) == "۱۴۰۵/۰۹/۰۶"
    with translation.override("en"):
        assert jdatetime_filter(EVENING_UTC) == "1405/09/06 00:15"


def test_it_formats_long_jalali_dates_by_language() -> None:
    with translation.override("fa"):
        assert jdate_long(AZAR_6_1405) == "۶ آذر ۱۴۰۵"
    with translation.override("en"):
        assert jdate_long(AZAR_6_1405) == "6 Azar 1405"


def test_it_formats_numbers_by_language() -> None:
    with translation.override("fa"):
        assert fanum(1234567) == "۱٬۲۳۴٬۵۶۷"
        assert fanum(-12) == "-۱۲"
        assert fanum(Decimal("1500.25")) == "۱٬۵۰۰٫۲۵"
        assert fanum("کد 123") == "کد ۱۲۳"  # strings: digits only
        assert fanum(0) == "۰"
    with translation.override("en"):
        assert fanum(1234567) == "1,234,567"
        assert fanum("کد ۱۲۳") == "کد 123"


def test_it_converts_only_digits() -> None:
    with translation.override("fa"):
        assert fadigits(1234567) == "۱۲۳۴۵۶۷"
        assert fadigits("1405/09/06") == "۱۴۰۵/۰۹/۰۶"
    with translation.override("en"):
        assert fadigits("۱۴۰۵") == "1405"


@pytest.mark.parametrize("filter_", [jdate, jdatetime_filter, jdate_long, fanum, fadigits])
def test_it_renders_empty_values_as_empty(filter_) -> None:
    assert filter_(None) == ""
    assert filter_("") == ""


@pytest.mark.parametrize("filter_", [jdate, jdatetime_filter, jdate_long])
def test_it_returns_bad_date_input_unchanged(filter_) -> None:
    assert filter_("not a date") == "not a date"
    assert filter_(42) == 42
    out_of_range = datetime.date(1, 1, 1)  # before the Jalali calendar's range
    assert filter_(out_of_range) == out_of_range


def test_it_returns_bad_number_input_unchanged() -> None:
    obj = object()
    assert fanum(obj) is obj
    assert fanum(True) is True
    with translation.override("en"):
        assert fanum([1, 2]) == [1, 2]


def test_it_renders_filters_in_templates() -> None:
    with translation.override("fa"):
        html = render(
            "{{ d|jdate }} {{ dt|jdatetime }} {{ d|jdate_long }} {{ n|fanum }} {{ s|fadigits }} [{{ none|jdate }}]",
            d=AZAR_6_1405,
            dt=EVENING_UTC,
            n=2500000,
            s="09123456789",
            none=None,
        )
    assert html == "۱۴۰۵/۰۹/۰۶ ۱۴۰۵/۰۹/۰۶ ۰۰:۱۵ ۶ آذر ۱۴۰۵ ۲٬۵۰۰٬۰۰۰ ۰۹۱۲۳۴۵۶۷۸۹ []"
    with translation.override("en"):
        assert (
            render("{{ n|fanum }} {{ d|jdate }}", n=2500000, d=AZAR_6_1405)
            == "2,500,000 1405/09/06"
        )


def test_it_keeps_escaping_and_safety() -> None:
    with translation.override("fa"):
        assert render("{{ s|fadigits }}", s="<b>1</b>") == "&lt;b&gt;۱&lt;/b&gt;"
        assert render("{{ s|fadigits }}", s=mark_safe("<b>1</b>")) == "<b>۱</b>"
