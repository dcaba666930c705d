"""The full-text index over SearchEntry's folded text: FTS5 on SQLite, a tsvector + GIN on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_search_fts USING fts5("
    "folded_title, folded_body, tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS documents_search_fts"

PG_CREATE = [
    "ALTER TABLE documents_searchentry ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', folded_title), 'A') || "
    "setweight(to_tsvector('simple', folded_body), 'B')) STORED",
    "CREATE INDEX documents_searchentry_tsv ON documents_searchentry USING GIN (tsv)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS documents_searchentry_tsv",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS tsv",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
