"""Several figures per claim: the ClaimFigure table, filled with one figure of each claim that has
a value; quarter, half and fiscal-year date precisions."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def figures_from_claims(apps, schema_editor):
    """Each claim with a value gets its one figure (position 0), about the claim's period."""
    Claim = apps.get_model("claims", "Claim")
    ClaimFigure = apps.get_model("claims", "ClaimFigure")
    batch = []
    for claim in Claim.objects.filter(value__isnull=False).exclude(unit="").iterator():
        money = claim.kind == "money" and len(claim.unit) == 3 and claim.unit.isupper()
        batch.append(
            ClaimFigure(
                claim_id=claim.pk,
                position=0,
                value=claim.value,
                qualifier=claim.qualifier or "exact",
                unit=claim.unit,
                scale=claim.scale,
                currency=claim.unit if money else "",
            )
        )
        if len(batch) >= 1000:
            ClaimFigure.objects.bulk_create(batch)
            batch = []
    ClaimFigure.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_ratingscale_graded"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("value", models.DecimalField(decimal_places=6, max_digits=24)),
                (
                    "value_high",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=24, null=True),
                ),
                (
                    "qualifier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("exact", "exactly"),
                            ("about", "about"),
                            ("more_than", "more than"),
                            ("less_than", "less than"),
                            ("at_least", "at least"),
                            ("up_to", "up to"),
                            ("nearly", "nearly"),
                        ],
                        default="exact",
                        max_length=16,
                    ),
                ),
                ("unit", models.CharField(max_length=32)),
                (
                    "scale",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "—"),
                            ("thousand", "thousand"),
                            ("million", "million"),
                            ("billion", "billion"),
                            ("trillion", "trillion"),
                        ],
                        max_length=16,
                    ),
                ),
                ("currency", models.CharField(blank=True, max_length=3)),
                (
                    "direction",
                    models.CharField(
                        choices=[("none", "no direction"), ("up", "up"), ("down", "down")],
                        default="none",
                        max_length=8,
                    ),
                ),
                (
                    "change",
                    models.CharField(
                        choices=[("level", "a level"), ("change", "a change")],
                        default="level",
                        max_length=8,
                    ),
                ),
                ("baseline", models.CharField(blank=True, max_length=200)),
                ("concept", models.CharField(blank=True, max_length=300)),
                ("concept_words", models.JSONField(blank=True, default=list)),
                ("period_start", models.DateField(blank=True, null=True)),
                ("period_end", models.DateField(blank=True, null=True)),
                (
                    "date_precision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("day", "day"),
                            ("month", "month"),
                            ("quarter", "quarter"),
                            ("half", "half year"),
                            ("year", "year"),
                            ("fiscal_year", "fiscal year"),
                        ],
                        max_length=12,
                    ),
                ),
            ],
            options={
                "ordering": ["claim", "position"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="claim",
            name="claim_precision_valid",
        ),
        migrations.AlterField(
            model_name="claim",
            name="date_precision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("day", "day"),
                    ("month", "month"),
                    ("quarter", "quarter"),
                    ("half", "half year"),
                    ("year", "year"),
                    ("fiscal_year", "fiscal year"),
                ],
                max_length=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date_precision", ""),
                    (
                        "date_precision__in",
                        ["day", "month", "quarter", "half", "year", "fiscal_year"],
                    ),
                    _connector="OR",
                ),
                name="claim_precision_valid",
            ),
        ),
        migrations.AddField(
            model_name="claimfigure",
            name="claim",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="figures",
                to="claims.claim",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.UniqueConstraint(
                fields=("claim", "position"), name="one_figure_per_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("qualifier", ""),
                    (
                        "qualifier__in",
                        ["exact", "about", "more_than", "less_than", "at_least", "up_to", "nearly"],
                    ),
                    _connector="OR",
                ),
                name="figure_qualifier_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("scale__in", ["", "thousand", "million", "billion", "trillion"])
                ),
                name="figure_scale_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(("direction__in", ["none", "up", "down"])),
                name="figure_direction_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(("change__in", ["level", "change"])), name="figure_change_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date_precision", ""),
                    (
                        "date_precision__in",
                        ["day", "month", "quarter", "half", "year", "fiscal_year"],
                    ),
                    _connector="OR",
                ),
                name="figure_precision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit", ""), _negated=True), name="figure_has_unit"
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("value_high__isnull", True),
                    ("value_high__gt", models.F("value")),
                    _connector="OR",
                ),
                name="figure_range_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_start__isnull", True),
                    ("period_end__isnull", True),
                    ("period_end__gte", models.F("period_start")),
                    _connector="OR",
                ),
                name="figure_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimfigure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_start__isnull", True),
                    models.Q(("date_precision", ""), _negated=True),
                    _connector="OR",
                ),
                name="figure_period_has_precision",
            ),
        ),
        migrations.RunPython(figures_from_claims, migrations.RunPython.noop),
    ]
