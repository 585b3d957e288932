"""Reads of the decisions part that are more than one ORM call."""

import re

from django.db.models import Q, QuerySet

from hamafza.decisions.models import Resolution
from hamafza.persian.text import query_alternatives, search_key, to_latin_digits

_NUMBER = re.compile(r"^\d{4}(/\d+){0,2}/?$")


def search_resolutions(qs: QuerySet[Resolution], query: str) -> QuerySet[Resolution]:
    """Resolutions matching a query: a number («1405/7/2», or «1405/7» for all of a
    meeting's) by its segments; otherwise every query word must be a prefix of a word of the
    title or the text, with the registry's Persian normalisation. Resolutions are a few
    hundred a year, so the words are matched here rather than by a database index."""
    query = to_latin_digits(query).strip()
    if not query:
        return qs
    if _NUMBER.match(query):
        number = query.rstrip("/")
        return qs.filter(Q(number=number) | Q(number__startswith=number + "/"))
    alternatives = query_alternatives(query)
    found = []
    for pk, title, text in qs.values_list("pk", "title", "text"):
        tokens = search_key(title, text).split()
        if any(all(any(t.startswith(w) for t in tokens) for w in words) for words in alternatives):
            found.append(pk)
    return qs.filter(pk__in=found)
