"""Evidence can be retracted from a claim, with a reason; a retracted link frees its relation."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0009_verdicts_independence_claimant'),
        ('sources', '0003_archive_partial_state_and_database_retries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='evidence',
            name='one_unpinned_link_per_relation',
        ),
        migrations.AddField(
            model_name='evidence',
            name='retracted_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='evidence',
            name='retracted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='evidence',
            name='retraction_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.UniqueConstraint(condition=models.Q(('passage_start__isnull', True), ('retracted_at__isnull', True)), fields=('claim', 'source', 'relation'), name='one_unpinned_link_per_relation'),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.CheckConstraint(condition=models.Q(('retracted_at__isnull', True), models.Q(('retraction_reason', ''), _negated=True), _connector='OR'), name='retracted_evidence_has_reason'),
        ),
    ]
