"""Evidence, EvidenceSuggestion and RecheckAlert move from sources to claims (#16).

Only Django's state changes: the models keep their tables (db_table sources_evidence,
sources_evidencesuggestion, sources_recheckalert) with every row, constraint and index, and the
many-to-many tables of ratings and verdicts keep pointing at the same table. sources 0006 then
drops the models from sources' state. The content types are relabelled so that permissions and
admin history follow the models; the audit log is a record and keeps the label it was written
with ("sources.evidence" before the move).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ("evidence", "evidencesuggestion", "recheckalert")


def _relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def relabel_forward(apps, schema_editor) -> None:
    _relabel(apps, "sources", "claims")


def relabel_backward(apps, schema_editor) -> None:
    _relabel(apps, "claims", "sources")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0009_verdicts_independence_claimant"),
        ("sources", "0005_pipeline_capture_text_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Evidence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        (
                            "relation",
                            models.CharField(
                                choices=[
                                    ("cited", "Cited in the article"),
                                    ("supports", "Supports"),
                                    ("refutes", "Refutes"),
                                    ("context", "Context"),
                                ],
                                default="cited",
                                max_length=16,
                            ),
                        ),
                        ("passage_start", models.PositiveIntegerField(blank=True, null=True)),
                        ("passage_end", models.PositiveIntegerField(blank=True, null=True)),
                        ("passage_text", models.TextField(blank=True)),
                        ("note", models.TextField(blank=True)),
                        ("retracted_at", models.DateTimeField(blank=True, null=True)),
                        ("retraction_reason", models.TextField(blank=True)),
                        (
                            "added_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "capture",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evidence",
                                to="sources.capture",
                            ),
                        ),
                        (
                            "claim",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="evidence",
                                to="claims.claim",
                            ),
                        ),
                        (
                            "retracted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evidence",
                                to="sources.source",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "evidence",
                        "db_table": "sources_evidence",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.AlterField(
                    model_name="rating",
                    name="evidence",
                    field=models.ManyToManyField(
                        blank=True, related_name="ratings", to="claims.evidence"
                    ),
                ),
                migrations.AlterField(
                    model_name="verdictversion",
                    name="evidence",
                    field=models.ManyToManyField(
                        blank=True, related_name="verdicts", to="claims.evidence"
                    ),
                ),
                migrations.CreateModel(
                    name="EvidenceSuggestion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                        ("passage_start", models.PositiveIntegerField()),
                        ("passage_end", models.PositiveIntegerField()),
                        ("passage_text", models.TextField()),
                        ("figure_start", models.PositiveIntegerField()),
                        ("figure_end", models.PositiveIntegerField()),
                        (
                            "verdict",
                            models.CharField(
                                choices=[
                                    ("agrees", "Agrees"),
                                    ("disagrees", "Disagrees"),
                                    ("mentions", "Mentions"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("score", models.FloatField()),
                        ("comparison", models.CharField(max_length=500)),
                        ("found", models.JSONField(blank=True, default=dict)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("confirmed", "Confirmed"),
                                    ("discarded", "Discarded"),
                                ],
                                default="open",
                                max_length=16,
                            ),
                        ),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "capture",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="suggestions",
                                to="sources.capture",
                            ),
                        ),
                        (
                            "claim",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="evidence_suggestions",
                                to="claims.claim",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "evidence",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="claims.evidence",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sources_evidencesuggestion",
                        "ordering": ["-score", "passage_start", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="RecheckAlert",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("changed", "The passage changed"),
                                    ("missing", "The passage disappeared"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("new_passage_text", models.TextField(blank=True)),
                        ("detail", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        ("resolution_note", models.TextField(blank=True)),
                        (
                            "claim",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="recheck_alerts",
                                to="claims.claim",
                            ),
                        ),
                        (
                            "evidence",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="recheck_alerts",
                                to="claims.evidence",
                            ),
                        ),
                        (
                            "new_capture",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sources.capture",
                            ),
                        ),
                        (
                            "old_capture",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sources.capture",
                            ),
                        ),
                        (
                            "resolved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sources_recheckalert",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="evidence",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(
                            ("passage_start__isnull", True), ("retracted_at__isnull", True)
                        ),
                        fields=("claim", "source", "relation"),
                        name="one_unpinned_link_per_relation",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidence",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("relation__in", ["cited", "supports", "refutes", "context"])
                        ),
                        name="evidence_relation_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidence",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("passage_start__isnull", True), ("passage_end__isnull", True)
                            ),
                            models.Q(
                                ("passage_start__isnull", False),
                                ("passage_end__gt", models.F("passage_start")),
                                ("capture__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="evidence_passage_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidence",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("retracted_at__isnull", True),
                            models.Q(("retraction_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="retracted_evidence_has_reason",
                    ),
                ),
                migrations.AddIndex(
                    model_name="evidencesuggestion",
                    index=models.Index(
                        fields=["claim", "status", "-score"], name="suggestion_claim_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidencesuggestion",
                    constraint=models.UniqueConstraint(
                        fields=("claim", "capture", "passage_start", "passage_end"),
                        name="one_suggestion_per_passage",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidencesuggestion",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("verdict__in", ["agrees", "disagrees", "mentions"])),
                        name="suggestion_verdict_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidencesuggestion",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "confirmed", "discarded"])),
                        name="suggestion_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidencesuggestion",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("passage_end__gt", models.F("passage_start"))),
                        name="suggestion_passage_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidencesuggestion",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("figure_end__gte", models.F("figure_start"))),
                        name="suggestion_figure_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="evidencesuggestion",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("score__gte", 0), ("score__lte", 1)),
                        name="suggestion_score_in_range",
                    ),
                ),
                migrations.AddIndex(
                    model_name="recheckalert",
                    index=models.Index(
                        condition=models.Q(("resolved_at__isnull", True)),
                        fields=["claim", "created_at"],
                        name="recheck_open_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="recheckalert",
                    constraint=models.UniqueConstraint(
                        fields=("evidence", "new_capture"), name="one_recheck_alert_per_capture"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="recheckalert",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("reason__in", ["changed", "missing"])),
                        name="recheck_reason_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="recheckalert",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("resolved_at__isnull", True),
                            ("resolved_by__isnull", False),
                            _connector="OR",
                        ),
                        name="resolved_alert_has_resolver",
                    ),
                ),
            ],
        ),
        migrations.RunPython(relabel_forward, relabel_backward),
    ]
