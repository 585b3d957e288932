"""Form fields that accept what Persian users type: Jalali dates, any digit script."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.persian import identifiers
from hamafza.persian.jalali import (
    JalaliDateError,
    format_jalali_date,
    format_jalali_datetime,
    parse_jalali_date,
    parse_jalali_datetime,
)
from hamafza.persian.text import parse_number

_COMMON_ATTRS = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


class JalaliDateInput(forms.TextInput):
    """Text input for a Jalali date, wired to the jalalidatepicker (``data-jdp``)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "data-jdp": "",
            "data-jdp-only-date": "",
            **_COMMON_ATTRS,
            "placeholder": "۱۴۰۵/۰۹/۰۶",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        """Show dates in Jalali with Latin digits (``1405/09/06``), as the date picker writes them."""
        if isinstance(value, datetime.date):
            try:
                return format_jalali_date(value, persian_digits=False)
            except ValueError:
                return str(value)
        return super().format_value(value)


class JalaliDateTimeInput(forms.TextInput):
    """Text input for a Jalali date and time (``1405/09/06 14:30``)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"data-jdp": "", **_COMMON_ATTRS, "placeholder": "۱۴۰۵/۰۹/۰۶ ۱۴:۳۰"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        """Show datetimes in local time, Jalali with Latin digits (``1405/09/06 14:30``)."""
        if isinstance(value, datetime.datetime):
            try:
                return format_jalali_datetime(value, persian_digits=False)
            except ValueError:
                return str(value)
        return super().format_value(value)


class _JalaliField(forms.Field):
    default_error_messages = {
        "invalid": _("تاریخ را به شکل ۱۴۰۵/۰۹/۰۶ وارد کنید."),
        "nonexistent": _("چنین تاریخی در تقویم شمسی وجود ندارد."),
        "out_of_range": _("سال تاریخ شمسی پذیرفته نیست؛ تاریخ را به شکل ۱۴۰۵/۰۹/۰۶ وارد کنید."),
    }

    def _error(self, exc: JalaliDateError) -> ValidationError:
        code = exc.code if exc.code in self.error_messages else "invalid"
        return ValidationError(self.error_messages[code], code=code)


class JalaliDateField(_JalaliField):
    """A date typed in Jalali (any digit script, ``/`` ``-`` or ``.``), cleaned to ``datetime.date``."""

    widget = JalaliDateInput

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_jalali_date(str(value))
        except JalaliDateError as exc:
            raise self._error(exc) from None


class JalaliDateTimeField(_JalaliField):
    """A date and time typed in Jalali (``1405/09/06 14:30``, time optional), cleaned to an
    aware datetime in the current time zone."""

    widget = JalaliDateTimeInput
    default_error_messages = {
        **_JalaliField.default_error_messages,
        "invalid": _("تاریخ و ساعت را به شکل ۱۴۰۵/۰۹/۰۶ ۱۴:۳۰ وارد کنید."),
        "nonexistent": _("چنین تاریخ یا ساعتی وجود ندارد."),
    }

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        if isinstance(value, datetime.date):
            return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
        try:
            return parse_jalali_datetime(str(value))
        except JalaliDateError as exc:
            raise self._error(exc) from None


class PersianIntegerField(forms.IntegerField):
    """An integer typed in Persian, Arabic-Indic or Latin digits, with ``, ٬ ،`` separators."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("یک عدد صحیح وارد کنید.")}

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "numeric")
        attrs.setdefault("dir", "ltr")
        return attrs

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class _IdentifierField(forms.CharField):
    """A text field cleaned by one of :mod:`identifiers`' functions to its canonical form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "dir": "ltr"})
        return attrs

    def _canonical(self, value: str) -> str:
        raise NotImplementedError

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self._canonical(value)


class NationalIdField(_IdentifierField):
    """Legal entity national ID (شناسه ملی), cleaned to 11 Latin digits."""

    def _canonical(self, value: str) -> str:
        return identifiers.validate_national_id(value)


class NationalCodeField(_IdentifierField):
    """Person's national code (کد ملی), cleaned to 10 Latin digits."""

    def _canonical(self, value: str) -> str:
        return identifiers.validate_national_code(value)


class MobileField(_IdentifierField):
    """Mobile number in any accepted form, cleaned to ``09xxxxxxxxx``."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "tel"}

    def _canonical(self, value: str) -> str:
        return identifiers.normalize_mobile(value)


class PostalCodeField(_IdentifierField):
    """Postal code, cleaned to 10 Latin digits."""

    def _canonical(self, value: str) -> str:
        return identifiers.validate_postal_code(value)
