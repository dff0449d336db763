"""Indexes for the claim queue: full-text search on the claim's text, and keyset orderings.

PostgreSQL only (a RunPython that does nothing elsewhere): the GIN index serves
claims.fulltext.claim_document (the one claim expression), whose
SearchVector("text", config="english") compiles to exactly the indexed expression; SQLite searches with icontains and needs none of this. The indexes are
kept out of the model state on purpose: they are an implementation detail of one backend.
"""

from django.db import migrations

INDEXES = [
    (
        "claim_text_search_idx",
        "CREATE INDEX IF NOT EXISTS claim_text_search_idx ON claims_claim "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
    ),
    # Queue orderings with the id tie-break of the keyset cursor.
    (
        "claim_updated_id_idx",
        "CREATE INDEX IF NOT EXISTS claim_updated_id_idx ON claims_claim (updated_at, id)",
    ),
    (
        "claim_created_id_idx",
        "CREATE INDEX IF NOT EXISTS claim_created_id_idx ON claims_claim (created_at, id)",
    ),
    (
        "claim_worthiness_id_idx",
        "CREATE INDEX IF NOT EXISTS claim_worthiness_id_idx ON claims_claim (check_worthiness, id)",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_article_import"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
