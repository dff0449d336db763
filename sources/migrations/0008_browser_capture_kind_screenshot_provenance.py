"""Captures have a kind (HTTP or browser), and browser captures a screenshot and a provenance record."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0007_capture_wacz_signature_timestamp'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='capture',
            name='kind',
            field=models.CharField(choices=[('http', 'HTTP capture'), ('browser', 'Browser capture')], default='http', max_length=16),
        ),
        migrations.AddField(
            model_name='capture',
            name='provenance',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='capture',
            name='screenshot',
            field=models.FileField(blank=True, max_length=300, upload_to='screenshots/%Y/%m/'),
        ),
        migrations.AddConstraint(
            model_name='capture',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['http', 'browser'])), name='capture_kind_valid'),
        ),
    ]
