"""Jalali date fields, Persian integer field and identifier fields."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from hamafza.persian.forms import (
    JalaliDateField,
    JalaliDateInput,
    JalaliDateTimeField,
    MobileField,
    NationalCodeField,
    NationalIdField,
    PersianIntegerField,
    PostalCodeField,
)

TEHRAN = ZoneInfo("Asia/Tehran")
AZAR_6_1405 = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _tehran():
    with timezone.override(TEHRAN):
        yield


class EventForm(forms.Form):
    day = JalaliDateField(label="روز")
    starts = JalaliDateTimeField(label="شروع", required=False)
    amount = PersianIntegerField(label="مبلغ", required=False, min_value=0)


# --- JalaliDateField -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1405/09/06", "۱۴۰۵/۰۹/۰۶", "1405-9-6", "۱۴۰۵-۹-۶", " 1405.9.6 "])
def test_it_cleans_jalali_dates(text: str) -> None:
    assert JalaliDateField().clean(text) == AZAR_6_1405


def test_it_cleans_date_objects_and_empty_values() -> None:
    field = JalaliDateField(required=False)
    assert field.clean(AZAR_6_1405) == AZAR_6_1405
    assert field.clean(datetime.datetime(2026, 11, 26, 21, 0, tzinfo=datetime.UTC)) == AZAR_6_1405
    assert field.clean("") is None
    assert field.clean(None) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1405/13/01", "nonexistent"),
        ("1404/12/30", "nonexistent"),
        ("hello", "invalid"),
        ("2026-11-27", "out_of_range"),
    ],
)
def test_it_rejects_invalid_jalali_dates_in_persian(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        JalaliDateField().clean(text)
    assert info.value.code == code
    assert "تاریخ" in str(info.value.messages[0])


def test_it_requires_a_date_when_required() -> None:
    with pytest.raises(ValidationError):
        JalaliDateField().clean("")


def test_it_renders_the_date_picker_input() -> None:
    html = EventForm(initial={"day": AZAR_6_1405})["day"].as_widget()
    assert 'type="text"' in html
    assert 'data-jdp=""' in html
    assert 'inputmode="numeric"' in html
    assert 'dir="ltr"' in html
    assert 'autocomplete="off"' in html
    assert 'placeholder="۱۴۰۵/۰۹/۰۶"' in html
    assert 'value="1405/09/06"' in html


def test_it_formats_widget_values_in_jalali_with_latin_digits() -> None:
    widget = JalaliDateInput()
    assert widget.format_value(AZAR_6_1405) == "1405/09/06"
    assert widget.format_value("۱۴۰۵/۰۹/۰۶") == "۱۴۰۵/۰۹/۰۶"  # bound data shown as typed
    assert widget.format_value(None) is None
    assert JalaliDateInput(attrs={"placeholder": "x"}).attrs["placeholder"] == "x"


def test_it_redisplays_what_the_user_typed_on_error() -> None:
    form = EventForm(data={"day": "1405/13/01"})
    assert not form.is_valid()
    assert 'value="1405/13/01"' in form["day"].as_widget()
    assert form.errors["day"] == ["چنین تاریخی در تقویم شمسی وجود ندارد."]


def test_it_detects_unchanged_dates() -> None:
    form = EventForm(data={"day": "۱۴۰۵/۰۹/۰۶"}, initial={"day": AZAR_6_1405})
    assert "day" not in form.changed_data


# --- JalaliDateTimeField -------------------------------------------------------------------


def test_it_cleans_jalali_datetimes_to_aware_datetimes() -> None:
    field = JalaliDateTimeField()
    value = field.clean("۱۴۰۵/۰۹/۰۶ ۱۴:۳۰")
    assert value == datetime.datetime(2026, 11, 27, 14, 30, tzinfo=TEHRAN)
    assert field.clean("1405/09/06") == datetime.datetime(2026, 11, 27, tzinfo=TEHRAN)
    naive = datetime.datetime(2026, 11, 27, 8, 0)
    assert field.clean(naive) == datetime.datetime(2026, 11, 27, 8, 0, tzinfo=TEHRAN)


def test_it_rejects_invalid_jalali_datetimes() -> None:
    with pytest.raises(ValidationError) as info:
        JalaliDateTimeField().clean("1405/09/06 25:00")
    assert "ساعت" in str(info.value.messages[0])


def test_it_renders_datetimes_in_local_time() -> None:
    value = datetime.datetime(2026, 11, 26, 20, 30, tzinfo=datetime.UTC)
    html = EventForm(initial={"day": AZAR_6_1405, "starts": value})["starts"].as_widget()
    assert 'value="1405/09/06 00:00"' in html
    assert 'data-jdp=""' in html
    assert 'placeholder="۱۴۰۵/۰۹/۰۶ ۱۴:۳۰"' in html


# --- PersianIntegerField -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("۱٬۲۵۰٬۰۰۰", 1250000), ("1,250,000", 1250000), ("١٢٥٠", 1250), ("۱،۰۰۰", 1000), ("12", 12)],
)
def test_it_cleans_integers_in_any_script(text: str, expected: int) -> None:
    assert PersianIntegerField().clean(text) == expected


def test_it_rejects_non_integers_in_persian() -> None:
    field = PersianIntegerField(min_value=0)
    with pytest.raises(ValidationError) as info:
        field.clean("۱۲٫۵")
    assert info.value.messages == ["یک عدد صحیح وارد کنید."]
    with pytest.raises(ValidationError):
        field.clean("-۵")  # below min_value


def test_it_renders_integer_fields_as_text_inputs() -> None:
    html = EventForm()["amount"].as_widget()
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html


def test_it_validates_a_whole_form() -> None:
    form = EventForm(data={"day": "۱۴۰۵/۹/۶", "starts": "1405/09/06 14:30", "amount": "۲٬۰۰۰"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == AZAR_6_1405
    assert form.cleaned_data["amount"] == 2000


# --- identifier fields ---------------------------------------------------------------------


def test_it_cleans_identifiers_to_canonical_form() -> None:
    assert NationalIdField().clean("۱۰۳۸۰۲۸۴۷۹۰") == "10380284790"
    assert NationalCodeField().clean(" ۰۴۹۹۳۷۰۸۹۹ ") == "0499370899"
    assert MobileField().clean("+98 912 345 6789") == "09123456789"
    assert PostalCodeField().clean("۹۱۷۷۹-۴۸۹۷۴") == "9177948974"
    assert MobileField(required=False).clean("") == ""
    with pytest.raises(ValidationError):
        NationalCodeField().clean("0499370898")
