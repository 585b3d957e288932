"""Iranian identifiers: national ID (legal entity), national code (person), mobile, postal code.

Each ``validate_*``/``normalize_*`` function accepts any digit script and surrounding spaces,
returns the canonical Latin-digit string and raises :class:`ValidationError` (Persian message)
otherwise. The ``*Validator`` classes wrap them for ``validators=[...]`` on model and form
fields; they do not change the value, so store what the functions return.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from hamafza.persian.text import to_latin_digits

NATIONAL_ID_WEIGHTS = (29, 27, 23, 19, 17)

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))


def _digits_only(value: Any, separators: str = "") -> str:
    """Latin-digit form of ``value`` with bidi marks, surrounding space and ``separators`` removed."""
    if value is None:
        return ""
    text = to_latin_digits(str(value).translate(_BIDI_MARKS)).strip()
    if separators:
        text = re.sub(f"[{re.escape(separators)}]", "", text)
    return text


def _is_ascii_digits(text: str, length: int) -> bool:
    return len(text) == length and text.isascii() and text.isdigit()


# --- national ID (شناسه ملی, legal entity) ------------------------------------------------


def national_id_check_digit(first10: str) -> str:
    """Check digit (11th) of a legal entity's national ID from its first ten digits."""
    digits = _digits_only(first10)
    if not _is_ascii_digits(digits, 10):
        raise ValueError("ten digits expected")
    d = int(digits[9]) + 2
    total = sum((int(digit) + d) * NATIONAL_ID_WEIGHTS[i % 5] for i, digit in enumerate(digits))
    remainder = total % 11
    return str(0 if remainder == 10 else remainder)


def validate_national_id(value: Any) -> str:
    """Validate a legal entity's national ID (شناسه ملی); return its 11 Latin digits."""
    digits = _digits_only(value)
    if not _is_ascii_digits(digits, 11):
        raise ValidationError(_("شناسه ملی باید ۱۱ رقم باشد."), code="national_id_length")
    if digits[3:9] == "000000" or national_id_check_digit(digits[:10]) != digits[10]:
        raise ValidationError(_("شناسه ملی معتبر نیست."), code="national_id_invalid")
    return digits


def is_valid_national_id(value: Any) -> bool:
    """Whether ``value`` is a valid legal entity national ID."""
    try:
        validate_national_id(value)
    except ValidationError:
        return False
    return True


# --- national code (کد ملی, person) -------------------------------------------------------


def national_code_check_digit(first9: str) -> str:
    """Check digit (10th) of a person's national code from its first nine digits."""
    digits = _digits_only(first9)
    if not _is_ascii_digits(digits, 9):
        raise ValueError("nine digits expected")
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(digits)) % 11
    return str(remainder if remainder < 2 else 11 - remainder)


def validate_national_code(value: Any) -> str:
    """Validate a person's national code (کد ملی); return its 10 Latin digits."""
    digits = _digits_only(value, separators="-")
    if not _is_ascii_digits(digits, 10):
        raise ValidationError(_("کد ملی باید ۱۰ رقم باشد."), code="national_code_length")
    if len(set(digits)) == 1 or national_code_check_digit(digits[:9]) != digits[9]:
        raise ValidationError(_("کد ملی معتبر نیست."), code="national_code_invalid")
    return digits


def is_valid_national_code(value: Any) -> bool:
    """Whether ``value`` is a valid person's national code."""
    try:
        validate_national_code(value)
    except ValidationError:
        return False
    return True


# --- mobile and postal code ---------------------------------------------------------------

_MOBILE_RE = re.compile(r"(?:\+98|0098|98|0)?(9[0-9]{9})")


def normalize_mobile(value: Any) -> str:
    """Return an Iranian mobile number as ``09xxxxxxxxx``.

    Accepts ``09…``, ``+989…``, ``00989…``, ``989…`` and ``9…`` (ten digits) in any digit
    script, with spaces, dashes or parentheses between digits.
    """
    text = _digits_only(value, separators=" -()\u200c\u00a0")
    match = _MOBILE_RE.fullmatch(text) if text.isascii() else None
    if match is None:
        raise ValidationError(
            _("شماره تلفن همراه معتبر نیست؛ آن را به شکل ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید."),
            code="mobile_invalid",
        )
    return "0" + match[1]


def is_valid_mobile(value: Any) -> bool:
    """Whether ``value`` is an accepted form of an Iranian mobile number."""
    try:
        normalize_mobile(value)
    except ValidationError:
        return False
    return True


def validate_postal_code(value: Any) -> str:
    """Validate an Iranian postal code (10 digits, a dash or space after the fifth allowed)."""
    digits = _digits_only(value, separators=" -")
    if not _is_ascii_digits(digits, 10):
        raise ValidationError(_("کد پستی باید ۱۰ رقم باشد."), code="postal_code_invalid")
    return digits


# --- validator callables ------------------------------------------------------------------


class _Validator:
    """Base: call the wrapped function, ignore empty values (``blank=True`` handles those)."""

    def _validate(self, value: Any) -> str:
        raise NotImplementedError

    def __call__(self, value: Any) -> None:
        if value in (None, ""):
            return
        self._validate(value)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible(path="hamafza.persian.identifiers.NationalIdValidator")
class NationalIdValidator(_Validator):
    """Validator for a legal entity's national ID (شناسه ملی)."""

    def _validate(self, value: Any) -> str:
        return validate_national_id(value)


@deconstructible(path="hamafza.persian.identifiers.NationalCodeValidator")
class NationalCodeValidator(_Validator):
    """Validator for a person's national code (کد ملی)."""

    def _validate(self, value: Any) -> str:
        return validate_national_code(value)


@deconstructible(path="hamafza.persian.identifiers.MobileValidator")
class MobileValidator(_Validator):
    """Validator for an Iranian mobile number."""

    def _validate(self, value: Any) -> str:
        return normalize_mobile(value)


@deconstructible(path="hamafza.persian.identifiers.PostalCodeValidator")
class PostalCodeValidator(_Validator):
    """Validator for an Iranian postal code."""

    def _validate(self, value: Any) -> str:
        return validate_postal_code(value)
