"""The English catalogue: complete, compiled in step with its source, and used by the pages.

Persian is the source language; English is the translation (hamafza/locale/en). The .po file is
read with the small parser below (no extra dependency) and the committed .mo file with the
standard library's gettext.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

PERSIAN_LETTERS = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file (the header included, obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()

    def start(lineno: int) -> Entry:
        nonlocal current, flags
        current = Entry(flags=flags, line=lineno)
        entries.append(current)
        flags = set()
        return current

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            start(lineno).msgctxt = _unquote(line[8:])
            target = ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            current.msgid_plural = _unquote(line[13:])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            if target is None or target[0] != "msgctxt":  # a context starts its own entry
                start(lineno)
            current.msgid = _unquote(line[6:])
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            current.msgstr[index] = _unquote(line[line.index("]") + 1 :])
            target = ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0] = _unquote(line[7:])
            target = ("msgstr", 0)
        elif line.startswith('"'):
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, kind, getattr(current, kind) + _unquote(line))
        else:
            raise AssertionError(f"{path}:{lineno}: cannot read {raw!r}")
    return entries


@pytest.fixture(scope="module")
def po_entries() -> tuple[Entry, list[Entry]]:
    entries = parse_po(PO_FILE)
    header, messages = entries[0], entries[1:]
    assert header.msgid == "", "the .po file must start with its header"
    return header, messages


def test_it_translates_every_message_with_nothing_fuzzy(po_entries):
    header, messages = po_entries
    assert len(messages) > 100, "the English catalogue looks truncated"
    assert "fuzzy" not in header.flags
    assert "Language: en" in header.msgstr[0]
    plural_forms = 2  # English: nplurals=2
    problems = []
    for entry in messages:
        where = f"{PO_FILE.name}:{entry.line} {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy")
        expected = range(plural_forms) if entry.msgid_plural is not None else range(1)
        for index in expected:
            if not entry.msgstr.get(index, "").strip():
                problems.append(f"{where}: msgstr[{index}] is empty")
    assert not problems, "\n".join(problems)


def test_it_keeps_placeholders_and_leaves_no_persian_in_translations(po_entries):
    _, messages = po_entries
    problems = []
    for entry in messages:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for index, text in entry.msgstr.items():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{entry.msgid!r} [{index}]: placeholders differ in {text!r}")
            if PERSIAN_LETTERS.search(text):
                problems.append(f"{entry.msgid!r} [{index}]: Persian letters in {text!r}")
    assert not problems, "\n".join(problems)


def test_it_compiles_the_catalogue_in_step_with_the_po(po_entries):
    _, messages = po_entries
    assert MO_FILE.exists(), "run `hamafza compilemessages -l en` and commit the .mo file"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        if entry.msgctxt is not None:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
        elif entry.msgid_plural is None:
            got = compiled.gettext(entry.msgid)
        else:
            got = None
            for n, index in ((1, 0), (2, 1)):
                plural = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if plural != entry.msgstr[index]:
                    stale.append(f"{entry.msgid!r} (n={n}): .mo {plural!r}")
        if got is not None and got != entry.msgstr[0]:
            stale.append(f"{entry.msgid!r}: .mo {got!r}, .po {entry.msgstr[0]!r}")
    assert not stale, "the .mo file is stale; run compilemessages:\n" + "\n".join(stale)


def _main_nav(html: str) -> str:
    match = re.search(r'<ul\b[^>]*data-testid="main-nav"[^>]*>(.*?)</ul>', html, re.S)
    assert match, "no main navigation on the page"
    return match.group(1)


@pytest.mark.parametrize("persona", ["public", "coop", "union", "staff", "admin"])
def test_it_shows_english_navigation_when_english_is_chosen(client_for, persona):
    client: Client = client_for(persona)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    nav = _main_nav(html)
    assert ">Cooperatives</a>" in nav
    assert ">Unions</a>" in nav
    assert not PERSIAN_LETTERS.search(nav), nav
