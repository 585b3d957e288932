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
