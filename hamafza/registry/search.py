"""Registry search, as DESIGN.md specifies: every query word is a prefix of a word of the
record (name, national ID, registration number, managing director), after the one Persian
normalisation (hamafza.persian.text) is applied to both sides; exact matches rank first.

The keys are built in Python (`LegalEntity.search_key`) and indexed by the database:
SQLite FTS5 (prefix queries) on the embedded default, a GIN full-text index with the
`simple` configuration on PostgreSQL. Both answer the same question the same way; the
tests run on both databases against `hamafza.persian.text.matches`, the reference.
"""

from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from hamafza.persian.text import normalize, query_alternatives, to_latin_digits


def _fts5_expression(alternatives: list[list[str]]) -> str:
    groups = []
    for words in alternatives:
        terms = " AND ".join('"{}"*'.format(w.replace('"', '""')) for w in words)
        groups.append(f"({terms})")
    return " OR ".join(groups)


def _tsquery_expression(alternatives: list[list[str]]) -> str:
    groups = []
    for words in alternatives:
        terms = " & ".join("'{}':*".format(w.replace("'", "''").replace("\\", "")) for w in words)
        groups.append(f"({terms})")
    return " | ".join(groups)


def _token_prefix_q(alternatives: list[list[str]]) -> Q:
    """Portable form of the same rule, for small tables (unions)."""
    result = Q(pk__in=[])
    for words in alternatives:
        group = Q()
        for w in words:
            group &= Q(search_key__startswith=w) | Q(search_key__contains=" " + w)
        result |= group
    return result


def filter_by_query(queryset: QuerySet, query: str, *, indexed: bool = True) -> QuerySet:
    """Keep the records matching the query, ranked: exact, then name prefix, then the rest.

    The queryset is annotated with `search_rank` (0, 1, 2); order by it to rank.
    """
    alternatives = query_alternatives(query)
    if not alternatives:
        return queryset
    model = queryset.model
    table = model._meta.db_table
    if indexed and connection.vendor == "sqlite":
        fts = f"{table}_fts"
        condition = Q(
            pk__in=RawSQL(  # noqa: S611 (fixed table names; the query is a parameter)
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s",  # noqa: S608
                [_fts5_expression(alternatives)],
            )
        )
        queryset = queryset.filter(condition)
    elif indexed and connection.vendor == "postgresql":
        queryset = queryset.filter(
            RawSQL(  # noqa: S611 (fixed table name; the query is a parameter)
                f"to_tsvector('simple', {table}.search_key) @@ to_tsquery('simple', %s)",
                [_tsquery_expression(alternatives)],
                output_field=BooleanField(),
            )
        )
    else:
        queryset = queryset.filter(_token_prefix_q(alternatives))
    key = normalize(query)
    plain = to_latin_digits(query).strip()
    return queryset.annotate(
        search_rank=Case(
            When(
                Q(name_key=key) | Q(national_id=plain) | Q(registration_number=plain), then=Value(0)
            ),
            When(name_key__startswith=key, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
