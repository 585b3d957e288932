"""Parsing and formatting Jalali dates and datetimes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hamafza.persian.jalali import (
    JalaliDateError,
    format_jalali_date,
    format_jalali_datetime,
    format_jalali_long,
    jalali_month_names,
    parse_jalali_date,
    parse_jalali_datetime,
)

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = datetime.UTC
AZAR_6_1405 = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _tehran():
    with timezone.override(TEHRAN):
        yield


@pytest.mark.parametrize(
    "text",
    [
        "1405/09/06",
        "۱۴۰۵/۰۹/۰۶",
        "١٤٠٥/٠٩/٠٦",
        "1405-9-6",
        "۱۴۰۵-۹-۶",
        "1405.9.6",
        "1405/9/06",
        "  1405/09/06  ",
        "1405 / 09 / 06",
        "\u200f۱۴۰۵/۰۹/۰۶",
    ],
)
def test_it_parses_every_accepted_date_form(text: str) -> None:
    assert parse_jalali_date(text) == AZAR_6_1405


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "invalid"),
        ("1405", "invalid"),
        ("1405/09", "invalid"),
        ("05/09/06", "invalid"),
        ("1405/09-06", "invalid"),  # mixed separators
        ("1405/009/06", "invalid"),
        ("06/09/1405", "invalid"),
        ("1405/09/06 14:30", "invalid"),
        ("abc", "invalid"),
        ("1405/13/01", "nonexistent"),
        ("1405/00/10", "nonexistent"),
        ("1405/01/00", "nonexistent"),
        ("1405/01/32", "nonexistent"),
        ("1405/07/31", "nonexistent"),  # Mehr has 30 days
        ("1404/12/30", "nonexistent"),  # 1404 is not a leap year
        ("1404/12/31", "nonexistent"),
        ("2026/11/27", "out_of_range"),  # a Gregorian date
        ("0999/01/01", "out_of_range"),
    ],
)
def test_it_rejects_invalid_dates_with_a_persian_message(text: str, code: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_jalali_date(text)
    assert isinstance(info.value, JalaliDateError)
    assert info.value.code == code
    assert any("\u0600" <= ch <= "\u06ff" for ch in str(info.value))


def test_it_accepts_leap_day_of_leap_years() -> None:
    assert parse_jalali_date("1403/12/30") == datetime.date(2025, 3, 20)
    assert parse_jalali_date("1403/12/30") + datetime.timedelta(days=1) == parse_jalali_date(
        "1404/01/01"
    )


def test_it_maps_nowruz_to_gregorian() -> None:
    assert parse_jalali_date("1405/01/01") == datetime.date(2026, 3, 21)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2300, 1, 1)))
def test_it_round_trips_dates(date: datetime.date) -> None:
    assert parse_jalali_date(format_jalali_date(date)) == date
    assert parse_jalali_date(format_jalali_date(date, persian_digits=False)) == date


def test_it_formats_dates() -> None:
    assert format_jalali_date(AZAR_6_1405) == "۱۴۰۵/۰۹/۰۶"
    assert format_jalali_date(AZAR_6_1405, persian_digits=False) == "1405/09/06"
    assert format_jalali_date(AZAR_6_1405, persian_digits=False, fmt="%Y-%m") == "1405-09"


def test_it_formats_long_dates() -> None:
    assert format_jalali_long(AZAR_6_1405) == "۶ آذر ۱۴۰۵"
    assert format_jalali_long(datetime.date(2026, 3, 21)) == "۱ فروردین ۱۴۰۵"
    assert format_jalali_long(AZAR_6_1405, persian=False) == "6 Azar 1405"


def test_it_lists_month_names() -> None:
    names = jalali_month_names()
    assert len(names) == 12
    assert names[0] == "فروردین"
    assert names[8] == "آذر"
    assert names[11] == "اسفند"
    assert jalali_month_names(persian=False)[8] == "Azar"


# --- datetimes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1405/09/06 14:30", datetime.datetime(2026, 11, 27, 14, 30, tzinfo=TEHRAN)),
        ("۱۴۰۵/۰۹/۰۶ ۱۴:۳۰", datetime.datetime(2026, 11, 27, 14, 30, tzinfo=TEHRAN)),
        ("1405-9-6 9:05", datetime.datetime(2026, 11, 27, 9, 5, tzinfo=TEHRAN)),
        ("1405/09/06  14:30:15", datetime.datetime(2026, 11, 27, 14, 30, 15, tzinfo=TEHRAN)),
        ("1405/09/06T14:30", datetime.datetime(2026, 11, 27, 14, 30, tzinfo=TEHRAN)),
        ("1405/09/06", datetime.datetime(2026, 11, 27, 0, 0, tzinfo=TEHRAN)),
    ],
)
def test_it_parses_datetimes_in_tehran(text: str, expected: datetime.datetime) -> None:
    parsed = parse_jalali_datetime(text)
    assert timezone.is_aware(parsed)
    assert parsed == expected
    assert parsed.utcoffset() == datetime.timedelta(hours=3, minutes=30)


@pytest.mark.parametrize(
    "text", ["1405/09/06 24:00", "1405/09/06 14:60", "1405/09/06 14", "1405/13/06 10:00", "x"]
)
def test_it_rejects_invalid_datetimes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_jalali_datetime(text)


def test_it_converts_near_midnight_utc_to_tehran_date() -> None:
    # 20:29 UTC is 23:59 in Tehran (UTC+03:30); 20:30 UTC is already the next day there.
    before = datetime.datetime(2026, 11, 26, 20, 29, tzinfo=UTC)
    after = datetime.datetime(2026, 11, 26, 20, 30, tzinfo=UTC)
    assert format_jalali_datetime(before) == "۱۴۰۵/۰۹/۰۵ ۲۳:۵۹"
    assert format_jalali_datetime(after) == "۱۴۰۵/۰۹/۰۶ ۰۰:۰۰"
    assert format_jalali_date(before) == "۱۴۰۵/۰۹/۰۵"
    assert format_jalali_date(after) == "۱۴۰۵/۰۹/۰۶"
    assert format_jalali_long(after) == "۶ آذر ۱۴۰۵"
    # The last minutes of the UTC day are already the next Jalali day in Tehran.
    late = datetime.datetime(2026, 11, 26, 23, 59, tzinfo=UTC)
    assert format_jalali_datetime(late, persian_digits=False) == "1405/09/06 03:29"


def test_it_parses_tehran_midnight_as_the_previous_utc_evening() -> None:
    parsed = parse_jalali_datetime("1405/09/06 00:30")
    assert parsed.astimezone(UTC) == datetime.datetime(2026, 11, 26, 21, 0, tzinfo=UTC)


def test_it_formats_naive_datetimes_as_they_are() -> None:
    naive = datetime.datetime(2026, 11, 27, 1, 2)
    assert format_jalali_datetime(naive, persian_digits=False) == "1405/09/06 01:02"


@given(
    st.datetimes(
        min_value=datetime.datetime(1990, 1, 1),
        max_value=datetime.datetime(2100, 1, 1),
        timezones=st.just(UTC),
    ).map(lambda dt: dt.replace(second=0, microsecond=0))
)
def test_it_round_trips_aware_datetimes(dt: datetime.datetime) -> None:
    with timezone.override(TEHRAN):
        text = format_jalali_datetime(dt)
        parsed = parse_jalali_datetime(text)
    # Wall-clock times repeated by a past daylight-saving change may resolve to either.
    assert abs(parsed - dt) in (datetime.timedelta(0), datetime.timedelta(hours=1))
