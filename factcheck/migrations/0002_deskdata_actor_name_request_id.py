"""Audit events keep the actor's name as text, so a user can be deleted and their history stays.

Existing rows get the username of their actor (or the system process's name); the check that an
event has an actor moves from the foreign key (which SET_NULL empties) to that name.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def fill_actor_name(apps, schema_editor):
    AuditEvent = apps.get_model("factcheck", "AuditEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    AuditEvent.objects.filter(actor__isnull=False).update(
        actor_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("username")[:1])
    )
    AuditEvent.objects.filter(actor__isnull=True).update(actor_name=models.F("system_actor"))


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_name",
            field=models.CharField(default="", max_length=150),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="request_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(fill_actor_name, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="auditevent", name="audit_has_actor"),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=~Q(actor_name=""), name="audit_has_actor_name"
            ),
        ),
    ]
