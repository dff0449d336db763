"""Evidence and its companions leave sources' state for claims' (claims 0010 made them
there, on the same tables): nothing is dropped from the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_evidence_moves_from_sources"),
        ("sources", "0005_pipeline_capture_text_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="evidencesuggestion",
                    name="evidence",
                ),
                migrations.RemoveField(
                    model_name="recheckalert",
                    name="evidence",
                ),
                migrations.RemoveField(
                    model_name="evidencesuggestion",
                    name="capture",
                ),
                migrations.RemoveField(
                    model_name="evidencesuggestion",
                    name="claim",
                ),
                migrations.RemoveField(
                    model_name="evidencesuggestion",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="recheckalert",
                    name="claim",
                ),
                migrations.RemoveField(
                    model_name="recheckalert",
                    name="new_capture",
                ),
                migrations.RemoveField(
                    model_name="recheckalert",
                    name="old_capture",
                ),
                migrations.RemoveField(
                    model_name="recheckalert",
                    name="resolved_by",
                ),
                migrations.DeleteModel(
                    name="Evidence",
                ),
                migrations.DeleteModel(
                    name="EvidenceSuggestion",
                ),
                migrations.DeleteModel(
                    name="RecheckAlert",
                ),
            ],
        ),
    ]
