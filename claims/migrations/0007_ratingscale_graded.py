"""Rating scale entries say whether they are steps on the true ... false axis.

The default scale's off-axis entries (misleading, unproven) are marked; an edited scale keeps
its other entries graded, and an editor can change the flag in the admin.
"""

from django.db import migrations, models

from claims.defaults import OFF_AXIS


def mark_off_axis(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    RatingScale.objects.filter(slug__in=OFF_AXIS).update(graded=False)


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_claim_queue_indexes")]

    operations = [
        migrations.AddField(
            model_name="ratingscale",
            name="graded",
            field=models.BooleanField(
                default=True,
                help_text="On the true-to-false axis; off-axis entries (misleading, unproven) "
                "are not steps from the others.",
            ),
        ),
        migrations.RunPython(mark_off_axis, migrations.RunPython.noop),
    ]
