"""The full-text index over the normalised search keys (hamafza.registry.search).

SQLite: an FTS5 table whose content is the cooperative table's search_key column, kept in
step by triggers. PostgreSQL: a GIN index on to_tsvector('simple', search_key).
"""

from django.db import migrations

TABLE = "registry_cooperative"

SQLITE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE}_fts USING fts5(
        search_key, content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_fts_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {TABLE}_fts(rowid, search_key) VALUES (new.id, new.search_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_fts_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {TABLE}_fts({TABLE}_fts, rowid, search_key)
        VALUES ('delete', old.id, old.search_key); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_fts_au AFTER UPDATE OF search_key ON {TABLE} BEGIN
        INSERT INTO {TABLE}_fts({TABLE}_fts, rowid, search_key)
        VALUES ('delete', old.id, old.search_key);
        INSERT INTO {TABLE}_fts(rowid, search_key) VALUES (new.id, new.search_key); END""",
    f"INSERT INTO {TABLE}_fts({TABLE}_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_ai",
    f"DROP TABLE IF EXISTS {TABLE}_fts",
]
POSTGRES = [
    f"CREATE INDEX IF NOT EXISTS {TABLE}_search_gin ON {TABLE} USING gin (to_tsvector('simple', search_key))",
]
POSTGRES_REVERSE = [f"DROP INDEX IF EXISTS {TABLE}_search_gin"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
