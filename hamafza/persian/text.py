"""Persian text: digits, search-key normalization and number parsing/formatting.

One normalization (:func:`normalize`) is applied identically when indexing and when querying
(DESIGN.md, "Persian-first, correctly"); :func:`search_key` builds the string stored in a
search column and :func:`matches` is the reference semantics database backends are tested
against.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from decimal import Decimal

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

PERSIAN_THOUSANDS_SEPARATOR = "٬"  # U+066C
PERSIAN_DECIMAL_SEPARATOR = "٫"  # U+066B

_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

ZWNJ = "\u200c"


def to_latin_digits(s: str) -> str:
    """Replace Persian (۰-۹) and Arabic-Indic (٠-٩) digits with Latin ones."""
    return s.translate(_TO_LATIN)


def to_persian_digits(s: str) -> str:
    """Replace Latin and Arabic-Indic digits with Persian ones."""
    return s.translate(_TO_PERSIAN)


# --- search-key normalization ------------------------------------------------------------

_LETTER_FOLDS = {
    "\u064a": "\u06cc",  # ي Arabic yeh → ی
    "\u0649": "\u06cc",  # ى alef maksura → ی
    "\u0626": "\u06cc",  # ئ yeh with hamza → ی (consistent with ی + hamza above)
    "\u0643": "\u06a9",  # ك Arabic kaf → ک
    "\u0629": "\u0647",  # ة teh marbuta → ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above → ه
    "\u06c1": "\u0647",  # ہ heh goal → ه
    "\u06c2": "\u0647",  # ۂ heh goal with hamza → ه
    "\u06d5": "\u0647",  # ە ae → ه
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0622": "\u0627",  # آ → ا
    "\u0671": "\u0627",  # ٱ alef wasla → ا
    "\u0624": "\u0648",  # ؤ → و
}
_REMOVED = (
    [chr(c) for c in range(0x064B, 0x0660)]  # harakat, hamza above/below, …
    + ["\u0670"]  # superscript alef
    + [chr(c) for c in range(0x06D6, 0x06EE)]  # Quranic annotation marks
    + ["\u0640"]  # tatweel
)
_NORMALIZE_TABLE = str.maketrans({**_LETTER_FOLDS, **dict.fromkeys(_REMOVED)})


def _fold_char(ch: str) -> str:
    """Map one character: digits to Latin, combining marks removed, letters and numbers kept,
    anything else (space, ZWNJ, punctuation, symbols) to a space."""
    category = unicodedata.category(ch)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category[0] == "M":
        return ""
    if category[0] in "LN":
        return ch
    return " "


def _normalize_once(text: str) -> str:
    # NFKD splits presentation forms and letters carrying hamza/madda/accents into base + mark.
    text = unicodedata.normalize("NFKD", text).lower().translate(_NORMALIZE_TABLE)
    text = unicodedata.normalize("NFC", "".join(map(_fold_char, text)))
    return " ".join(text.split())


def normalize(text: str) -> str:
    """Return the search-key normalization of ``text`` (idempotent).

    Arabic letter variants are folded to their Persian forms, hamza-carrying alefs, waw and
    yeh to the bare letter; diacritics (every combining mark, Latin accents included, as
    SQLite FTS5's unicode61 tokenizer does) and tatweel are removed; ZWNJ, whitespace and
    punctuation runs become one space; every digit becomes Latin; letters are lowercased.
    """
    result = _normalize_once(text)
    # Unicode composition can rarely make a second pass differ; iterate to a fixed point.
    for _ in range(3):
        again = _normalize_once(result)
        if again == result:
            break
        result = again
    return result


def words(text: str) -> list[str]:
    """Normalize ``text`` and split it into words."""
    return normalize(text).split()


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def search_key(*texts: str) -> str:
    """Build the string stored in a search column.

    The normalized words plus each pair of adjacent words glued together, so that a compound
    written with a space or ZWNJ also yields its glued form; deduplicated, order kept.
    Several texts (name, national ID, …) may be passed; pairs never cross text boundaries.
    """
    tokens: list[str] = []
    for text in texts:
        if not text:
            continue
        ws = words(text)
        tokens.extend(ws)
        tokens.extend(a + b for a, b in itertools.pairwise(ws))
    return " ".join(_dedupe(tokens))


def query_alternatives(text: str) -> list[list[str]]:
    """Return the query's word lists to try: the plain words first, then each variant
    in which one pair of adjacent words is glued together. Empty query → ``[]``."""
    ws = words(text)
    if not ws:
        return []
    alternatives = [ws]
    for i in range(len(ws) - 1):
        glued = [*ws[:i], ws[i] + ws[i + 1], *ws[i + 2 :]]
        if glued not in alternatives:
            alternatives.append(glued)
    return alternatives


def matches(query: str, text: str) -> bool:
    """Reference search semantics: some alternative of ``query`` has every word a prefix of
    some token of ``search_key(text)``. An empty query matches nothing."""
    tokens = search_key(text).split()
    return any(
        all(any(token.startswith(word) for token in tokens) for word in alternative)
        for alternative in query_alternatives(query)
    )


# --- numbers -------------------------------------------------------------------------------

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))
_SEPARATOR = r"(?:[,٬،]|[\s\u200c]+)"
_NUMBER_RE = re.compile(
    rf"(?P<sign>[-\u2212]?)(?P<digits>[0-9]+|[0-9]{{1,3}}(?:{_SEPARATOR}[0-9]{{3}})+)"
)


def parse_number(s: str) -> int:
    """Parse an integer typed in Persian, Arabic-Indic or Latin digits.

    Thousands separators ``,`` ``٬`` ``،`` or spaces/ZWNJ between groups of three digits and an
    optional leading minus are accepted; anything else raises :class:`ValueError`.
    """
    if not isinstance(s, str):
        raise ValueError(f"not a string: {s!r}")
    text = to_latin_digits(s.translate(_BIDI_MARKS)).strip()
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an integer: {s!r}")
    digits = re.sub(r"[^0-9]", "", match["digits"])
    value = int(digits)
    return -value if match["sign"] else value


def format_number(n: int | Decimal | float, persian: bool = True) -> str:
    """Format ``n`` with a thousands separator: ``۱٬۲۳۴٬۵۶۷`` or, with ``persian=False``,
    ``1,234,567``. Non-integral values keep their fraction (``٫`` / ``.`` as decimal point)."""
    if isinstance(n, float):
        n = int(n) if n.is_integer() else Decimal(repr(n))
    if isinstance(n, Decimal):
        n = n.normalize() if n == n.to_integral_value() else n
        text = f"{n:,f}"
    else:
        text = f"{int(n):,}"
    if not persian:
        return text
    text = text.replace(",", PERSIAN_THOUSANDS_SEPARATOR).replace(".", PERSIAN_DECIMAL_SEPARATOR)
    return to_persian_digits(text)


# Persian alphabetical order. Unicode puts پ چ ژ ک گ ی after the Arabic letters, so a plain
# sort of Persian text is wrong; databases sort this key correctly under any collation.
PERSIAN_ALPHABET = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_SORT_ORDER = {" ": 0}
_SORT_ORDER.update({d: 1 + i for i, d in enumerate("0123456789")})
_SORT_ORDER.update({ch: 11 + i for i, ch in enumerate(PERSIAN_ALPHABET)})
_SORT_ORDER.update(
    {ch: 11 + len(PERSIAN_ALPHABET) + i for i, ch in enumerate("abcdefghijklmnopqrstuvwxyz")}
)


def sort_key(text: str) -> str:
    """A key that sorts Persian text in alphabetical order (ASCII digits only, two per
    letter, so every database collation orders it the same way). Arabic and Persian
    spellings of a name sort together, as they are normalised first."""
    return "".join(f"{_SORT_ORDER.get(ch, 99):02d}" for ch in normalize(text))
