"""Digits, search-key normalization, matching, and number parsing/formatting."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamafza.persian.text import (
    format_number,
    matches,
    normalize,
    parse_number,
    query_alternatives,
    search_key,
    to_latin_digits,
    to_persian_digits,
    words,
)

ZWNJ = "\u200c"
NBSP = "\u00a0"


# --- digits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۱۴۰۵/٠٩/06", "1405/09/06"),
        ("بدون عدد", "بدون عدد"),
        ("", ""),
    ],
)
def test_it_converts_digits_to_latin(text: str, expected: str) -> None:
    assert to_latin_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
        ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"),
        ("1405/09/06 14:30", "۱۴۰۵/۰۹/۰۶ ۱۴:۳۰"),
        ("abc", "abc"),
    ],
)
def test_it_converts_digits_to_persian(text: str, expected: str) -> None:
    assert to_persian_digits(text) == expected


# --- normalize -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("شركت تعاوني", "شرکت تعاونی"),  # Arabic kaf and yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("تأمین", "تامین"),
        ("إسلامی", "اسلامی"),
        ("آب", "اب"),
        ("ٱلله", "الله"),
        ("مؤسسه", "موسسه"),
        ("مسئول", "مسیول"),
        ("فاطمة", "فاطمه"),
        ("خانۀ", "خانه"),
        ("خانهٔ", "خانه"),  # heh + hamza above
        ("مُحَمَّد", "محمد"),  # diacritics
        ("قرآنٰ", "قران"),  # superscript alef
        ("کـــشاورزی", "کشاورزی"),  # tatweel
        ("زعفران\u200cکاران", "زعفران کاران"),  # ZWNJ
        ("زعفران\u200dکاران", "زعفران کاران"),  # ZWJ
        ("زعفران\u200bکاران", "زعفران کاران"),  # zero-width space
        (f"a{NBSP}b", "a b"),
        ("  شرکت ، تعاونی؛ (کشاورزی)!  ", "شرکت تعاونی کشاورزی"),
        ("شرکت\t\n تعاونی", "شرکت تعاونی"),
        ("۱۴۰۵ ٤٥٦ 789", "1405 456 789"),
        ("HamAfza ABC", "hamafza abc"),
        ("Café Cafe\u0301", "cafe cafe"),  # accents dropped, as FTS5's unicode61 does
        ("103-8028-4790", "103 8028 4790"),
        ("ﺷﺮﻛﺖ", "شرکت"),  # presentation forms
        ("", ""),
        ("   ", ""),
        ("...", ""),
    ],
)
def test_it_normalizes_search_text(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_it_splits_normalized_words() -> None:
    assert words(" شركت‌ تعاوني  ۱۲ ") == ["شرکت", "تعاونی", "12"]
    assert words("") == []


@given(st.text())
@settings(max_examples=500)
def test_it_normalizes_idempotently(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
        | st.sampled_from(" \u200c\u200d\u00a0.,،؛")
    )
)
@settings(max_examples=500)
def test_it_normalizes_arabic_script_idempotently(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert "  " not in once
    assert once == once.strip()


# --- search key, alternatives, matching ----------------------------------------------------


def test_it_builds_search_key_with_glued_pairs() -> None:
    assert search_key("زعفران کاران") == "زعفران کاران زعفرانکاران"
    assert search_key("زعفران\u200cکاران") == "زعفران کاران زعفرانکاران"
    assert search_key("زعفرانکاران") == "زعفرانکاران"
    assert search_key("a b a b") == "a b ab ba"  # deduplicated, order kept
    assert search_key("") == ""


def test_it_builds_search_key_from_several_texts() -> None:
    assert search_key("شرکت تعاونی", "", "۱۰۳۸۰۲۸۴۷۹۰") == "شرکت تعاونی شرکتتعاونی 10380284790"


def test_it_lists_query_alternatives() -> None:
    assert query_alternatives("") == []
    assert query_alternatives(" ، ") == []
    assert query_alternatives("شركت") == [["شرکت"]]
    assert query_alternatives("زعفران کاران") == [["زعفران", "کاران"], ["زعفرانکاران"]]
    assert query_alternatives("a b c") == [["a", "b", "c"], ["ab", "c"], ["a", "bc"]]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("شرکت تعاونی", "شركت تعاوني كشاورزي", True),
        ("شركت تعاوني", "شرکت تعاونی", True),
        ("تأمین", "تعاونی تامین نیاز", True),
        ("تامین", "تعاونی تأمین نیاز", True),
        ("زعفرانکاران", "زعفرانکاران", True),
        ("زعفرانکاران", "زعفران‌کاران", True),
        ("زعفرانکاران", "زعفران کاران", True),
        ("زعفران‌کاران", "زعفرانکاران", True),
        ("زعفران‌کاران", "زعفران کاران", True),
        ("زعفران کاران", "زعفرانکاران", True),
        ("زعفران کاران", "زعفران‌کاران", True),
        ("تعاو کشا", "شرکت تعاونی کشاورزی", True),  # prefixes, any order
        ("کشاورزی تعاونی", "شرکت تعاونی کشاورزی", True),
        ("۱۰۳۸۰", "تعاونی 10380284790", True),
        ("صنعتی", "شرکت تعاونی کشاورزی", False),
        ("اونی", "شرکت تعاونی", False),  # infix is not a prefix
        ("تعاونی صنعتی", "شرکت تعاونی کشاورزی", False),  # every word must match
        ("", "شرکت تعاونی", False),
    ],
)
def test_it_matches_queries_against_text(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# --- variant spellings (property) ----------------------------------------------------------

_LETTER_VARIANTS = {
    "ی": ["ی", "ي", "ى"],
    "ک": ["ک", "ك"],
    "ا": ["ا", "أ", "إ"],
    "و": ["و", "ؤ"],
}
_FINAL_HEH_VARIANTS = ["ه", "ة", "ۀ", "هٔ"]
_DIGIT_SCRIPTS = ["0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"]
_DECORATIONS = ["", "", "", "\u0640", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b"]

_WORDS = ["شرکت", "تعاونی", "کشاورزی", "تامین", "نیاز", "مسکن", "خانه", "مشهد", "1405", "27"]
_COMPOUNDS = [("زعفران", "کاران"), ("تولید", "کنندگان"), ("هم", "افزا"), ("مصرف", "کننده")]


@st.composite
def _spelling(draw: st.DrawFn, word: str) -> str:
    """One way of writing ``word``: letter variants, digit scripts, tatweel and diacritics."""
    out = []
    for i, ch in enumerate(word):
        if ch.isdigit():
            out.append(draw(st.sampled_from(_DIGIT_SCRIPTS))[int(ch)])
            continue
        if ch == "ه" and i == len(word) - 1:
            out.append(draw(st.sampled_from(_FINAL_HEH_VARIANTS)))
        else:
            out.append(draw(st.sampled_from(_LETTER_VARIANTS.get(ch, [ch]))))
        out.append(draw(st.sampled_from(_DECORATIONS)))
    return "".join(out)


@st.composite
def _phrase(draw: st.DrawFn, glue: bool) -> tuple[str, str, str]:
    """A phrase with one two-part compound, and two variant spellings of it.

    Returns (canonical, variant, other variant). In a variant the compound's parts are joined
    by a space, ZWNJ or another (zero-width) space, or also glued when ``glue`` is true.
    """
    before = draw(st.lists(st.sampled_from(_WORDS), max_size=2))
    after = draw(st.lists(st.sampled_from(_WORDS), max_size=2))
    first, second = draw(st.sampled_from(_COMPOUNDS))
    separators = [" ", ZWNJ, NBSP, " \u200c ", "\u200b"] + ([""] if glue else [])
    gap = st.sampled_from([" ", "  ", NBSP, "، ", "\n", " - "])

    def variant() -> str:
        parts = [draw(_spelling(w)) for w in before]
        separator = draw(st.sampled_from(separators))
        parts.append(draw(_spelling(first)) + separator + draw(_spelling(second)))
        parts += [draw(_spelling(w)) for w in after]
        text = draw(st.sampled_from(["", " "]))
        for i, part in enumerate(parts):
            text += (draw(gap) if i else "") + part
        return text

    canonical = " ".join([*before, f"{first} {second}", *after])
    return canonical, variant(), variant()


@given(_phrase(glue=False))
@settings(max_examples=200)
def test_it_maps_every_variant_spelling_to_one_key(phrase: tuple[str, str, str]) -> None:
    canonical, variant, other = phrase
    assert normalize(variant) == normalize(canonical) == normalize(other)
    assert search_key(variant) == search_key(canonical) == search_key(other)


@given(_phrase(glue=True))
@settings(max_examples=200)
def test_it_matches_variant_spellings_both_ways(phrase: tuple[str, str, str]) -> None:
    canonical, variant, other = phrase
    assert matches(variant, canonical)
    assert matches(canonical, variant)
    assert matches(variant, other)
    assert matches(other, variant)


@given(
    st.sampled_from(_COMPOUNDS), st.sampled_from(["", ZWNJ, " "]), st.sampled_from(["", ZWNJ, " "])
)
def test_it_matches_compound_forms_to_each_other(
    compound: tuple[str, str], indexed_sep: str, query_sep: str
) -> None:
    first, second = compound
    assert matches(first + query_sep + second, first + indexed_sep + second)


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("1234567", 1234567),
        ("۱۲۳۴۵۶۷", 1234567),
        ("١٢٣٤٥٦٧", 1234567),
        ("1,234,567", 1234567),
        ("۱٬۲۳۴٬۵۶۷", 1234567),
        ("۱،۲۳۴،۵۶۷", 1234567),
        ("1 234 567", 1234567),
        ("1\u200c234\u200c567", 1234567),
        ("1\u00a0234", 1234),
        ("  ۱۲۰۰۰ ", 12000),
        ("-1,000", -1000),
        ("-۵۰۰", -500),
        ("\u200e1,000\u200e", 1000),
        ("007", 7),
    ],
)
def test_it_parses_numbers_in_any_script(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "-",
        "abc",
        "12a",
        "1.5",
        "۱۲٫۵",
        "1,23",
        "12,34,567",
        "1,,000",
        ",100",
        "100,",
        "--1",
        "+-1",
        "۱ ۲",
    ],
)
def test_it_rejects_malformed_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "persian", "expected"),
    [
        (0, True, "۰"),
        (999, True, "۹۹۹"),
        (1234567, True, "۱٬۲۳۴٬۵۶۷"),
        (-1234567, True, "-۱٬۲۳۴٬۵۶۷"),
        (1234567, False, "1,234,567"),
        (Decimal("1234.50"), True, "۱٬۲۳۴٫۵۰"),
        (Decimal("1000.00"), False, "1,000"),
        (2500.0, False, "2,500"),
        (1234.5, False, "1,234.5"),
    ],
)
def test_it_formats_numbers(value: int | Decimal | float, persian: bool, expected: str) -> None:
    assert format_number(value, persian=persian) == expected


@given(st.integers(min_value=-(10**18), max_value=10**18), st.booleans())
def test_it_parses_what_it_formats(value: int, persian: bool) -> None:
    assert parse_number(format_number(value, persian=persian)) == value
