"""Captures record what became of their text (status and reason) and a PDF's first-page image."""

from django.db import migrations, models


def mark_existing(apps, schema_editor):
    Capture = apps.get_model("sources", "Capture")
    archived = Capture.objects.filter(state="archived")
    archived.exclude(text="").update(text_status="ok")
    archived.filter(text="").update(
        text_status="empty", text_reason="no text was recorded when this capture was archived"
    )


class Migration(migrations.Migration):
    dependencies = [("sources", "0004_verdicts_evidence_retraction")]

    operations = [
        migrations.AddField(
            model_name="capture",
            name="text_status",
            field=models.CharField(
                choices=[
                    ("pending", "Not read yet"),
                    ("ok", "Text extracted"),
                    ("empty", "No text found"),
                    ("failed", "Text extraction failed"),
                    ("limit", "Text extraction exceeded its limit"),
                    ("not_text", "No text in this kind of file"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="capture",
            name="text_reason",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="capture",
            name="page_image",
            field=models.FileField(blank=True, max_length=300, upload_to="renders/%Y/%m/"),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="capture",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "text_status__in",
                        ["pending", "ok", "empty", "failed", "limit", "not_text"],
                    )
                ),
                name="capture_text_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="capture",
            constraint=models.CheckConstraint(
                condition=models.Q(text_status__in=["pending", "ok"]) | ~models.Q(text_reason=""),
                name="capture_text_problem_has_reason",
            ),
        ),
    ]
