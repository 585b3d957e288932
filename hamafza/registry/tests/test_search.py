"""Search answers as DESIGN.md specifies, on whichever database the suite runs on (CI runs
both), and agrees with the reference rule in hamafza.persian.text.matches."""

import random

import pytest

from hamafza.conftest import make_cooperative
from hamafza.persian.text import matches
from hamafza.registry.models import Cooperative
from hamafza.registry.selectors import cooperative_search

NAMES = [
    "شرکت تعاونی تولیدی زعفران‌کاران تربت حیدریه",
    "شركت تعاوني كشاورزي زرشك‌كاران قاين",  # Arabic yeh and kaf, as official texts carry
    "شرکت تعاونی زعفرانکاران گناباد",
    "شرکت تعاونی زعفران کاران باخرز",
    "شرکت تعاونی تأمین نیاز دامداران نیشابور",
    "شرکت تعاونی تامین نیاز کشاورزان سبزوار",
    "شرکت تعاونی معدنی فیروزه نیشابور",
    "شرکت تعاونی فرش دستباف کاشمر",
    "شرکت تعاونی مسکن فرهنگیان مشهد",
    "شرکت تعاونی مصرف کارکنان دانشگاه فردوسی",
]


@pytest.fixture
def coops(db):
    return [
        make_cooperative(
            i, name=name, ceo_name=f"مدیر شماره {i}", registration_number=f"{4100 + i}"
        )
        for i, name in enumerate(NAMES, start=10)
    ]


def names(q: str) -> list[str]:
    return [c.name for c in cooperative_search(q=q)]


def test_it_finds_arabic_spelling_with_persian_query(coops):
    assert "شركت تعاوني كشاورزي زرشك‌كاران قاين" in names("زرشک")
    assert len(names("شرکت تعاونی")) == len(NAMES)


def test_it_finds_persian_spelling_with_arabic_query(coops):
    assert len(names("شركت تعاوني")) == len(NAMES)


def test_it_folds_hamza_on_alef(coops):
    found = names("تأمین")
    assert "شرکت تعاونی تامین نیاز کشاورزان سبزوار" in found
    assert "شرکت تعاونی تأمین نیاز دامداران نیشابور" in found


@pytest.mark.parametrize("query", ["زعفرانکاران", "زعفران‌کاران", "زعفران کاران"])
def test_it_matches_compounds_glued_with_zwnj_or_spaced(coops, query):
    found = set(names(query))
    assert {
        "شرکت تعاونی تولیدی زعفران‌کاران تربت حیدریه",
        "شرکت تعاونی زعفرانکاران گناباد",
        "شرکت تعاونی زعفران کاران باخرز",
    } <= found


def test_it_requires_every_word_to_prefix_a_word(coops):
    assert names("فیروزه نیش") == ["شرکت تعاونی معدنی فیروزه نیشابور"]
    assert names("یروزه") == []  # not a prefix of a word


def test_it_finds_by_national_id_registration_number_and_ceo_in_any_digits(coops):
    target = coops[3]
    persian_digits = target.national_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert names(persian_digits) == [target.name]
    assert target.name in names(target.registration_number)
    assert names("مدیر شماره ۱۳") == [target.name]


def test_it_ranks_exact_then_prefix_then_the_rest(db):
    make_cooperative(1, name="شرکت تعاونی پسته‌کاران فیض‌آباد")
    make_cooperative(2, name="پسته")
    make_cooperative(3, name="پسته‌کاران رباط")
    assert names("پسته") == ["پسته", "پسته‌کاران رباط", "شرکت تعاونی پسته‌کاران فیض‌آباد"]


def test_it_agrees_with_the_reference_rule(coops):
    rng = random.Random(7)
    words = [*" ".join(NAMES).split(), "زعفران", "کار", "تعاون", "ني", "ك", "فرش دست"]
    queries = [" ".join(rng.sample(words, rng.randint(1, 2))) for _ in range(60)]
    queries += [w[: rng.randint(1, len(w))] for w in rng.sample(words, 30)]
    for q in queries:
        expected = {
            c.name
            for c in Cooperative.objects.all()
            if matches(q, " ".join([c.name, c.national_id, c.registration_number, c.ceo_name]))
        }
        assert set(names(q)) == expected, q


def test_it_keeps_the_index_in_step_with_edits_and_deletes(coops):
    coop = coops[0]
    coop.name = "شرکت تعاونی گیاهان دارویی کلات"
    coop.save()
    assert names("گیاهان") == [coop.name]
    assert names("تولیدی") == []
    coop.delete()
    assert names("گیاهان") == []


def test_it_sorts_names_in_persian_alphabetical_order(db):
    for n, name in enumerate(["گلخانه", "یاس", "پسته", "کشاورز", "باغ", "چای", "ژاله", "زرشك"], 1):
        make_cooperative(200 + n, name=name)
    assert [c.name for c in cooperative_search()] == [
        "باغ",
        "پسته",
        "چای",
        "زرشك",
        "ژاله",
        "کشاورز",
        "گلخانه",
        "یاس",
    ]


def test_it_repairs_the_index_after_a_migration_rebuilt_the_table(coops):
    from django.db import connection

    from hamafza.registry import search_index

    if connection.vendor != "sqlite":
        assert search_index.ensure() is False
        return
    with connection.cursor() as cursor:  # what Django's table rebuild does to triggers
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER registry_cooperative_fts_{suffix}")
    assert search_index.ensure() is True
    make_cooperative(99, name="شرکت تعاونی عناب‌کاران بیرجند")
    assert names("عناب") == ["شرکت تعاونی عناب‌کاران بیرجند"]
    assert search_index.ensure() is False
