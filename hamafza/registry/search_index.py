"""Keeping the database's full-text index in place.

On SQLite, a migration that rebuilds the cooperative table (Django does this for many
schema changes) drops the table's triggers, and with them the FTS index's updates. After
every `migrate`, this puts back whatever is missing and rebuilds the index if it had to.
"""

import importlib

from django.db import connections

_index = importlib.import_module("hamafza.registry.migrations.0003_search_index")
TABLE = _index.TABLE


def ensure(using: str = "default") -> bool:
    """Create the index and its triggers if missing; True when something was repaired."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{TABLE}_fts_%"],
            )
            if cursor.fetchone()[0] == 3:
                return False
            for sql in _index.SQLITE:  # every statement is idempotent, the last rebuilds
                cursor.execute(sql)
            return True
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"{TABLE}_search_gin"])
            if cursor.fetchone():
                return False
            for sql in _index.POSTGRES:
                cursor.execute(sql)
            return True
    return False


BULK_THRESHOLD = 5000


class bulk_writes:
    """On SQLite, for a large batch of inserts: leave the FTS index out of each insert and
    rebuild it once at the end (much faster than a trigger per row). Use inside the
    transaction that writes; elsewhere it does nothing."""

    def __init__(self, rows: int, using: str = "default") -> None:
        self.active = rows >= BULK_THRESHOLD and connections[using].vendor == "sqlite"
        self.using = using

    def __enter__(self):
        if self.active:
            with connections[self.using].cursor() as cursor:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_fts_ai")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.active and exc_type is None:
            with connections[self.using].cursor() as cursor:
                cursor.execute(_index.SQLITE[1])  # the insert trigger again
                cursor.execute(_index.SQLITE[-1])  # rebuild the index from the table
