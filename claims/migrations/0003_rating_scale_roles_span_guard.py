"""Default rating scale, the two editorial roles, and a guard keeping claim spans inside articles."""

from django.db import migrations

from claims.defaults import DEFAULT_SCALE, ensure_default_scale
from claims.span_guard import add_span_guard, remove_span_guard


ROLES = ["fact-checker", "editor"]


def add_scale_and_roles(apps, schema_editor):
    ensure_default_scale(apps.get_model("claims", "RatingScale"))
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_scale_and_roles(apps, schema_editor):
    apps.get_model("claims", "RatingScale").objects.filter(
        slug__in=[row[0] for row in DEFAULT_SCALE]
    ).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(add_scale_and_roles, remove_scale_and_roles),
        migrations.RunPython(add_span_guard, remove_span_guard),
    ]
