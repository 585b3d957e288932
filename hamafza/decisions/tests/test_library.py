"""The library of laws and guidelines: present after migrate, public, searched with the
registry's Persian normalisation, showing who cites each document."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hamafza.decisions.models import (
    AgendaItem,
    Article,
    LegalDocument,
    Meeting,
    MeetingKind,
    Proposal,
    Resolution,
)
from hamafza.decisions.views_library import search_library
from hamafza.persian.text import query_alternatives, search_key

SECTOR_LAW = "قانون بخش تعاونی اقتصاد جمهوری اسلامی ایران"


@pytest.fixture
def extra_documents(db):
    docs = [
        # Official texts still carry Arabic yeh and kaf.
        ("guideline", "دستورالعمل حمايت از شركت‌هاي تعاوني روستايي"),
        ("guideline", "دستورالعمل تأمین مالی زنجیره ارزش تعاونی‌ها"),
        ("regulation", "آیین‌نامه تامین اعتبار تعاونی‌های مرزنشین"),
        ("circular", "بخشنامه حمایت از زعفران‌کاران"),
        ("circular", "بخشنامه بیمه زعفرانکاران خراسان"),
        ("circular", "بخشنامه صادرات زعفران کاران"),
    ]
    return {
        title: LegalDocument.objects.create(kind=kind, title=title, issuer="وزارت تعاون")
        for kind, title in docs
    }


def reference_match(query: str, *texts: str) -> bool:
    """hamafza.persian.text.matches over several texts, as search_key() indexes them."""
    tokens = search_key(*texts).split()
    return any(
        all(any(token.startswith(word) for token in tokens) for word in alternative)
        for alternative in query_alternatives(query)
    )


def titles(q: str, **filters) -> list[str]:
    found = search_library(LegalDocument.objects.filter(**filters), q)
    return [d.title for d in found.order_by("search_rank", "title")]


def test_it_loads_a_real_library_on_migrate(db):
    law = LegalDocument.objects.get(title=SECTOR_LAW)
    assert law.kind == "law"
    assert law.issued_on == datetime.date(1991, 9, 4)  # 1370/06/13
    assert law.search_key  # built by the migration as save() builds it
    numbers = list(law.articles.values_list("number", flat=True))
    assert {"۱", "۴۳", "۵۷"} <= set(numbers)
    assert LegalDocument.objects.filter(title="قانون شرکت‌های تعاونی").exists()
    guideline = LegalDocument.objects.get(title__startswith="دستورالعمل تشکیل شرکت‌ها و اتحادیه‌ها")
    assert guideline.kind == "guideline"
    assert "هفت" in " ".join(guideline.articles.values_list("text", flat=True))


def test_it_finds_the_law_written_with_arabic_letters_and_the_reverse(db, extra_documents):
    assert SECTOR_LAW in titles("قانون بخش تعاونی")
    assert SECTOR_LAW in titles("قانون بخش تعاوني")  # Arabic yeh in the query
    assert SECTOR_LAW in titles("قانون بخش تعاوني اقتصاد جمهوري")
    # A document stored with Arabic letters is found by a Persian query.
    assert "دستورالعمل حمايت از شركت‌هاي تعاوني روستايي" in titles("شرکت تعاونی روستایی")
    assert "دستورالعمل حمايت از شركت‌هاي تعاوني روستايي" in titles("حمایت")


def test_it_folds_hamza_on_alef(db, extra_documents):
    for query in ("تأمین", "تامین"):
        found = titles(query)
        assert "دستورالعمل تأمین مالی زنجیره ارزش تعاونی‌ها" in found, query
        assert "آیین‌نامه تامین اعتبار تعاونی‌های مرزنشین" in found, query


@pytest.mark.parametrize("query", ["زعفرانکاران", "زعفران‌کاران", "زعفران کاران"])
def test_it_matches_compounds_glued_with_zwnj_or_spaced(db, extra_documents, query):
    assert {
        "بخشنامه حمایت از زعفران‌کاران",
        "بخشنامه بیمه زعفرانکاران خراسان",
        "بخشنامه صادرات زعفران کاران",
    } <= set(titles(query))


def test_it_agrees_with_the_reference_rule(db, extra_documents):
    documents = list(LegalDocument.objects.prefetch_related("articles"))
    for query in ["قانون بخش", "تعاوني", "اتاق تعاون", "هفت عضو", "تأمین", "۱۳۵۰", "زعفران کاران"]:
        expected = {
            d.title
            for d in documents
            if reference_match(query, d.title, d.number, d.issuer)
            or any(reference_match(query, a.number, a.text) for a in d.articles.all())
        }
        assert set(titles(query)) == expected, query


def test_it_searches_article_texts_and_ranks_titles_first(db):
    found = titles("مازاد برگشتی")
    assert found[0] == "قانون شرکت‌های تعاونی"
    # «اتاق تعاون» is in one article of the law and in the title of two guidelines.
    ranked = titles("اتاق تعاون")
    assert SECTOR_LAW in ranked
    assert ranked.index(SECTOR_LAW) > ranked.index(
        "دستورالعمل نحوه نظارت بر انتخابات تعاونی‌ها و اتاق‌های تعاون"
    )
    assert titles("قانون شرکت")[0] == "قانون شرکت‌های تعاونی"


def test_it_filters_by_kind_in_the_public_page(client, db, extra_documents):
    url = reverse("decisions:library")
    html = client.get(url, {"kind": "circular"}).content.decode()
    assert "بخشنامه حمایت از زعفران‌کاران" in html
    assert SECTOR_LAW not in html
    searched = client.get(url, {"q": "قانون بخش تعاوني"}).content.decode()
    assert SECTOR_LAW in searched
    assert "بخشنامه حمایت از زعفران‌کاران" not in searched
    fragment = client.get(
        url, {"q": "زعفران"}, headers={"HX-Request": "true", "HX-Target": "library-results"}
    ).content.decode()
    assert "<html" not in fragment
    assert "بخشنامه بیمه زعفرانکاران خراسان" in fragment


def test_it_shows_a_document_with_its_articles_and_who_cites_it(world, client_for):
    law = LegalDocument.objects.get(title=SECTOR_LAW)
    proposal = Proposal.objects.create(
        title="پیشنهاد اصلاح سهمیه اتحادیه‌ها", text="متن", submitted_by=world.users["union"]
    )
    proposal.legal_documents.add(law)
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه",
        starts_at=timezone.now(),
        created_by=world.users["staff"],
        state=Meeting.State.HELD,
    )
    item = AgendaItem.objects.create(meeting=meeting, title="بند", proposal=proposal)
    Resolution.objects.create(
        number="1405/ه1/2",
        item=item,
        meeting=meeting,
        title="مصوبه سهمیه اتحادیه‌ها",
        text="متن",
        passed_on=datetime.date(2026, 11, 1),
    )
    url = reverse("decisions:library_detail", args=[law.pk])
    public = client_for("public").get(url).content.decode()
    assert "ماده ۵۷" in public
    assert 'data-testid="summary-note"' in public
    assert "مصوبه سهمیه اتحادیه‌ها" in public  # published resolutions are public
    assert "پیشنهاد اصلاح سهمیه اتحادیه‌ها" not in public  # proposals are for members
    assert "۱ پیشنهاد" in public
    signed_in = client_for("coop").get(url).content.decode()
    assert "پیشنهاد اصلاح سهمیه اتحادیه‌ها" in signed_in
    assert reverse("decisions:proposal_detail", args=[proposal.pk]) in signed_in


def test_it_keeps_unpublished_resolutions_to_those_who_read_everything(world, client_for):
    law = LegalDocument.objects.get(title=SECTOR_LAW)
    proposal = Proposal.objects.create(title="پ", text="م", submitted_by=world.users["board"])
    proposal.legal_documents.add(law)
    meeting = Meeting.objects.create(
        kind=MeetingKind.BOARD, title="ج", starts_at=timezone.now(), created_by=world.users["staff"]
    )
    item = AgendaItem.objects.create(meeting=meeting, title="بند", proposal=proposal)
    Resolution.objects.create(
        number="1405/ه9/1",
        item=item,
        meeting=meeting,
        title="مصوبه منتشرنشده",
        text="متن",
        passed_on=datetime.date(2026, 11, 1),
        published=False,
    )
    url = reverse("decisions:library_detail", args=[law.pk])
    assert "مصوبه منتشرنشده" not in client_for("coop").get(url).content.decode()
    assert "مصوبه منتشرنشده" in client_for("board").get(url).content.decode()


def test_it_builds_article_search_keys_like_the_model(db):
    for article in Article.objects.select_related("document")[:20]:
        stored = article.search_key
        article.save()
        assert article.search_key == stored
