"""National ID, national code, mobile and postal code validation."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hamafza.persian.identifiers import (
    MobileValidator,
    NationalCodeValidator,
    NationalIdValidator,
    PostalCodeValidator,
    is_valid_mobile,
    is_valid_national_code,
    is_valid_national_id,
    national_code_check_digit,
    national_id_check_digit,
    normalize_mobile,
    validate_national_code,
    validate_national_id,
    validate_postal_code,
)
from hamafza.persian.text import to_persian_digits

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# --- national ID (legal entity) ------------------------------------------------------------

# Verified by hand:
# 10380284790: d = 9 + 2 = 11; (1+11)·29 + (0+11)·27 + (3+11)·23 + (8+11)·19 + (0+11)·17
#   + (2+11)·29 + (8+11)·27 + (4+11)·23 + (7+11)·19 + (9+11)·17
#   = 348 + 297 + 322 + 361 + 187 + 377 + 513 + 345 + 342 + 340 = 3432 = 11·312 → 0 ✓
# 10100387143: d = 4 + 2 = 6; 7·29 + 6·27 + 7·23 + 6·19 + 6·17 + 9·29 + 14·27 + 13·23 + 7·19
#   + 10·17 = 203 + 162 + 161 + 114 + 102 + 261 + 378 + 299 + 133 + 170 = 1983
#   = 11·180 + 3 → 3 ✓
KNOWN_NATIONAL_IDS = ["10380284790", "10100387143"]


def test_it_computes_national_id_check_digits_of_known_ids() -> None:
    for national_id in KNOWN_NATIONAL_IDS:
        assert national_id_check_digit(national_id[:10]) == national_id[10]


@pytest.mark.parametrize(
    "value",
    [
        *KNOWN_NATIONAL_IDS,
        "1400012345" + national_id_check_digit("1400012345"),
        "1086012345" + national_id_check_digit("1086012345"),
        "1234567890" + national_id_check_digit("1234567890"),
    ],
)
def test_it_accepts_valid_national_ids(value: str) -> None:
    assert validate_national_id(value) == value
    assert validate_national_id(f"  {to_persian_digits(value)} ") == value
    assert validate_national_id(value.translate(ARABIC_INDIC)) == value
    assert is_valid_national_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "10380284791",  # wrong check digit
        "10380284792",
        "10100387144",
        "10100000000",  # digits 4–9 all zero
        "1010000000" + national_id_check_digit("1010000000"),  # all-zero middle, right check
        "1230000000" + national_id_check_digit("1230000000"),
        "1038028479",  # 10 digits
        "103802847900",  # 12 digits
        "1038028479a",
        "103-8028-4790",  # separators inside are not accepted
        "",
        None,
    ],
)
def test_it_rejects_invalid_national_ids(value: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        validate_national_id(value)
    assert "شناسه ملی" in str(info.value.messages[0])
    assert not is_valid_national_id(value)


def test_it_requires_ten_digits_for_national_id_check_digit() -> None:
    with pytest.raises(ValueError):
        national_id_check_digit("123")


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_it_accepts_any_national_id_with_its_check_digit(first10: str) -> None:
    value = first10 + national_id_check_digit(first10)
    assert is_valid_national_id(value) is (first10[3:9] != "000000")
    wrong = first10 + str((int(value[10]) + 1) % 10)
    assert not is_valid_national_id(wrong)


# --- national code (person) ----------------------------------------------------------------

# Verified by hand: 0499370899: 0·10 + 4·9 + 9·8 + 9·7 + 3·6 + 7·5 + 0·4 + 8·3 + 9·2 = 266;
# 266 mod 11 = 2 → 11 − 2 = 9 ✓


@pytest.mark.parametrize(
    "value",
    [
        "0499370899",
        "0012345679",
        "1234567891",
        "9999999980",
        "0076229645",
        "1583250689",
    ],
)
def test_it_accepts_valid_national_codes(value: str) -> None:
    assert validate_national_code(value) == value
    assert validate_national_code(f" {to_persian_digits(value)} ") == value
    assert validate_national_code(value.translate(ARABIC_INDIC)) == value
    assert validate_national_code(f"{value[:3]}-{value[3:9]}-{value[9]}") == value
    assert is_valid_national_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "0499370898",  # wrong check digit
        "1111111111",  # all the same digit (passes the checksum)
        "0000000000",
        "499370899",  # nine digits
        "04993708999",
        "04993708a9",
        "",
        None,
    ],
)
def test_it_rejects_invalid_national_codes(value: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        validate_national_code(value)
    assert "کد ملی" in str(info.value.messages[0])
    assert not is_valid_national_code(value)


def test_it_computes_national_code_check_digits_in_both_branches() -> None:
    assert national_code_check_digit("049937089") == "9"  # r = 2 → 11 − 2
    assert national_code_check_digit("100000000") == "1"  # sum 10, r = 10 → 1
    assert national_code_check_digit("000000001") == "9"  # sum 2, r = 2 → 9
    assert national_code_check_digit("100000001") == "1"  # sum 12, r = 1 → 1
    assert national_code_check_digit("010000001") == "0"  # sum 11, r = 0 → 0
    assert national_code_check_digit("100000001") == "1"
    assert national_code_check_digit("010000001") == "0"


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_it_accepts_any_national_code_with_its_check_digit(first9: str) -> None:
    value = first9 + national_code_check_digit(first9)
    assert is_valid_national_code(value) is (len(set(value)) > 1)


# --- mobile --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "09123456789",
        "+989123456789",
        "00989123456789",
        "989123456789",
        "9123456789",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "+۹۸۹۱۲۳۴۵۶۷۸۹",
        "0912 345 6789",
        "0912-345-6789",
        "+98 912 345 6789",
        "(0912) 345-6789",
        "  09123456789  ",
        "\u200e+989123456789",
    ],
)
def test_it_normalizes_mobile_numbers(value: str) -> None:
    assert normalize_mobile(value) == "09123456789"
    assert is_valid_mobile(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0912345678",  # too short
        "091234567890",  # too long
        "08123456789",  # not a mobile prefix
        "+988123456789",
        "+19123456789",
        "912345678",
        "0912abc6789",
        "02112345678",
        None,
    ],
)
def test_it_rejects_invalid_mobile_numbers(value: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_mobile(value)
    assert "تلفن همراه" in str(info.value.messages[0])
    assert not is_valid_mobile(value)


# --- postal code ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["9177948974", "۹۱۷۷۹۴۸۹۷۴", "٩١٧٧٩٤٨٩٧٤", "91779-48974", "91779 48974", " 9177948974 "],
)
def test_it_accepts_postal_codes(value: str) -> None:
    assert validate_postal_code(value) == "9177948974"


@pytest.mark.parametrize("value", ["", "917794897", "91779489741", "9177a48974", None])
def test_it_rejects_invalid_postal_codes(value: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        validate_postal_code(value)
    assert "کد پستی" in str(info.value.messages[0])


# --- validator callables -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "valid", "invalid"),
    [
        (NationalIdValidator(), "10380284790", "10380284791"),
        (NationalCodeValidator(), "0499370899", "0499370898"),
        (MobileValidator(), "09123456789", "0812345678"),
        (PostalCodeValidator(), "9177948974", "917794897"),
    ],
)
def test_it_validates_through_validator_callables(validator, valid: str, invalid: str) -> None:
    assert validator(valid) is None
    assert validator("") is None  # blank is the field's business
    with pytest.raises(ValidationError):
        validator(invalid)


def test_it_deconstructs_validators_for_migrations() -> None:
    for cls in (NationalIdValidator, NationalCodeValidator, MobileValidator, PostalCodeValidator):
        path, args, kwargs = cls().deconstruct()
        assert path == f"hamafza.persian.identifiers.{cls.__name__}"
        assert (args, kwargs) == ((), {})
        assert cls() == cls()
    assert NationalIdValidator() != MobileValidator()
