"""Claims: the claimant's kind (person or organisation) and the content revision ratings are given on."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0008_figures_claimfigure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='claimant_kind',
            field=models.CharField(choices=[('person', 'a person'), ('organization', 'an organisation')], default='person', max_length=16),
        ),
        migrations.AddField(
            model_name='claim',
            name='content_revision',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='rating',
            name='content_revision',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('claimant_kind__in', ['person', 'organization'])), name='claim_claimant_kind_valid'),
        ),
    ]
