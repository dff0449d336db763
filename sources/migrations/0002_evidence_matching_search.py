"""Evidence suggestions and re-check alerts; what search and prior checks need in PostgreSQL.

The PostgreSQL part is a RunPython that does nothing on SQLite (where search falls back to
substring matching and prior checks to shared words). It lives in this sources migration, though
it touches claims tables too, because evidence matching and search are this app's work and the
claims app's migrations are being written by other people at the same time: one owner for this
DDL avoids two migrations racing to create the same objects.

- pg_trgm, for similarity(): factcheck.search.prior_checks scores candidate claims with it.
  No trigram index: measured over 100,000 claims (bench/search.py), a GIN trigram index answers
  `text % query` in 0.2-1.6 s (every common trigram has a posting list of most rows) and a GiST
  one orders by `<->` in 0.26 s, while drawing candidates from the claims' full-text index (by
  their least common words) and scoring only those takes milliseconds.
- claims_claim's full-text index (claim_text_search_idx, an expression index) comes from claims
  0006 (the claim queue); search and prior checks reuse that expression rather than index the
  same text twice.
- Articles and captures get a stored, generated tsvector column, search_document, with a GIN
  index on it. An expression index would find rows as fast, but ranking and recheck would then
  run to_tsvector again on every matching document at query time: measured over 5,000 articles
  and 2,000 captures, 2.6 s and 18 s for a common word; with the stored column, milliseconds.
  The columns are not in the models (Django never reads or writes them; PostgreSQL keeps them
  current on every write), and each indexes a prefix of the text, ARTICLE_SEARCH_CHARS and
  CAPTURE_SEARCH_CHARS characters: a tsvector may not exceed 1 MB, and a longer document would
  otherwise make its row unsavable.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Keep in step with factcheck.search (a test checks that they agree).
ARTICLE_SEARCH_CHARS = 100_000
CAPTURE_SEARCH_CHARS = 100_000

ARTICLE_DOCUMENT = (
    "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || "
    f"COALESCE(LEFT(body, {ARTICLE_SEARCH_CHARS}), ''))"
)
CAPTURE_DOCUMENT = (
    f"to_tsvector('english'::regconfig, COALESCE(LEFT(text, {CAPTURE_SEARCH_CHARS}), ''))"
)
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE claims_article ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({ARTICLE_DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS article_search_document_idx ON claims_article "
    "USING gin (search_document)",
    "ALTER TABLE sources_capture ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({CAPTURE_DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS capture_search_document_idx ON sources_capture "
    "USING gin (search_document)",
]
# The extension stays: other objects may have come to depend on it.
BACKWARD = [
    "DROP INDEX IF EXISTS capture_search_document_idx",
    "ALTER TABLE sources_capture DROP COLUMN IF EXISTS search_document",
    "DROP INDEX IF EXISTS article_search_document_idx",
    "ALTER TABLE claims_article DROP COLUMN IF EXISTS search_document",
]


def create_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)


def drop_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_article_import'),
        ('sources', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EvidenceSuggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
                ('passage_start', models.PositiveIntegerField()),
                ('passage_end', models.PositiveIntegerField()),
                ('passage_text', models.TextField()),
                ('figure_start', models.PositiveIntegerField()),
                ('figure_end', models.PositiveIntegerField()),
                ('verdict', models.CharField(choices=[('agrees', 'Agrees'), ('disagrees', 'Disagrees'), ('mentions', 'Mentions')], max_length=16)),
                ('score', models.FloatField()),
                ('comparison', models.CharField(max_length=500)),
                ('found', models.JSONField(blank=True, default=dict)),
                ('status', models.CharField(choices=[('open', 'Open'), ('confirmed', 'Confirmed'), ('discarded', 'Discarded')], default='open', max_length=16)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('capture', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='sources.capture')),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence_suggestions', to='claims.claim')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('evidence', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='sources.evidence')),
            ],
            options={
                'ordering': ['-score', 'passage_start', 'id'],
                'indexes': [models.Index(fields=['claim', 'status', '-score'], name='suggestion_claim_idx')],
                'constraints': [models.UniqueConstraint(fields=('claim', 'capture', 'passage_start', 'passage_end'), name='one_suggestion_per_passage'), models.CheckConstraint(condition=models.Q(('verdict__in', ['agrees', 'disagrees', 'mentions'])), name='suggestion_verdict_valid'), models.CheckConstraint(condition=models.Q(('status__in', ['open', 'confirmed', 'discarded'])), name='suggestion_status_valid'), models.CheckConstraint(condition=models.Q(('passage_end__gt', models.F('passage_start'))), name='suggestion_passage_valid'), models.CheckConstraint(condition=models.Q(('figure_end__gte', models.F('figure_start'))), name='suggestion_figure_valid'), models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 1)), name='suggestion_score_in_range')],
            },
        ),
        migrations.CreateModel(
            name='RecheckAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('changed', 'The passage changed'), ('missing', 'The passage disappeared')], max_length=16)),
                ('new_passage_text', models.TextField(blank=True)),
                ('detail', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('resolution_note', models.TextField(blank=True)),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recheck_alerts', to='claims.claim')),
                ('evidence', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recheck_alerts', to='sources.evidence')),
                ('new_capture', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sources.capture')),
                ('old_capture', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sources.capture')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(condition=models.Q(('resolved_at__isnull', True)), fields=['claim', 'created_at'], name='recheck_open_idx')],
                'constraints': [models.UniqueConstraint(fields=('evidence', 'new_capture'), name='one_recheck_alert_per_capture'), models.CheckConstraint(condition=models.Q(('reason__in', ['changed', 'missing'])), name='recheck_reason_valid'), models.CheckConstraint(condition=models.Q(('resolved_at__isnull', True), ('resolved_by__isnull', False), _connector='OR'), name='resolved_alert_has_resolver')],
            },
        ),
        migrations.RunPython(create_search_documents, drop_search_documents),
    ]
