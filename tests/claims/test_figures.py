"""A claim's several figures: stored with every field, edited as a list, mirrored on the claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from claims.models import Claim, ClaimFigure, ClaimState
from claims.selectors import claim_history
from claims.services import claim_create, claim_update
from factcheck.errors import DomainError

MAY = {
    "period_start": dt.date(2024, 5, 1),
    "period_end": dt.date(2024, 5, 31),
    "date_precision": "month",
}
RISE = {
    "value": "14",
    "unit": "percent",
    "direction": "up",
    "change": "change",
    "baseline": "compared with 2019",
    "concept": "pepper exports from Vietnam",
    "concept_words": ["pepper", "export", "vietnam"],
}
LEVEL = {
    "value": "112400",
    "qualifier": "about",
    "unit": "tonne",
    "direction": "up",
    "concept": "pepper exports from Vietnam",
}


def figures_of(claim: Claim) -> list[ClaimFigure]:
    return list(ClaimFigure.objects.filter(claim=claim).order_by("position"))


def test_a_claim_keeps_each_of_its_figures_with_every_field(fact_checker):
    claim = claim_create(
        actor=fact_checker,
        text="Pepper exports rose 14% to about 112,400 tonnes in May 2024.",
        kind="quantity",
        figures=[RISE, LEVEL, {"value": "30", "value_high": "35", "unit": "hour"}],
        **MAY,
    )
    first, second, third = figures_of(claim)
    assert (first.value, first.unit, first.direction, first.change) == (
        14,
        "percent",
        "up",
        "change",
    )
    assert first.baseline == "compared with 2019"
    assert first.concept_words == ["pepper", "export", "vietnam"]
    assert (second.value, second.qualifier, second.change) == (112400, "about", "level")
    assert (third.value, third.value_high) == (30, 35)
    assert third.display == "30 to 35 hours"
    assert second.display == "about 112,400 tonnes, after a rise"
    assert first.display == "up 14%"
    # The claim's own columns are its first figure, for the queue and the API filters.
    assert (claim.value, claim.unit, claim.qualifier) == (14, "percent", "exact")
    assert (claim.period_start, claim.date_precision) == (MAY["period_start"], "month")
    created = claim_history(claim).get(action="claim.created")
    assert [f["value"] for f in created.after["figures"]] == ["14", "112400", "30"]


def test_the_old_single_figure_arguments_make_one_figure(fact_checker):
    claim = claim_create(
        system_actor="eval",
        text="North Korea sent more than 1,000 containers.",
        kind="quantity",
        value=Decimal("1000"),
        qualifier="more_than",
        unit="container",
        **MAY,
    )
    (figure,) = figures_of(claim)
    assert figure.display == "more than 1,000 containers"
    assert figure.period_start is None  # about the claim's period, which it shares
    assert claim.figure_display == "more than 1,000 containers"
    assert claim.period_display == "May 2024"


def test_a_figure_about_another_period_keeps_its_own(fact_checker):
    june = {"period_start": dt.date(2024, 6, 1), "period_end": dt.date(2024, 6, 30)}
    claim = claim_create(
        actor=fact_checker,
        text="Exports were 3,500 tonnes in May and 1,200 tonnes in June 2024.",
        figures=[
            {"value": "3500", "unit": "tonne"},
            {"value": "1200", "unit": "tonne", **june, "date_precision": "month"},
        ],
        **MAY,
    )
    may_figure, june_figure = figures_of(claim)
    assert may_figure.period_start is None
    assert june_figure.period_display == "June 2024"


@pytest.mark.parametrize(
    ("start", "end", "precision", "words"),
    [
        (dt.date(2024, 1, 1), dt.date(2024, 3, 31), "quarter", "Q1 2024"),
        (dt.date(2024, 7, 1), dt.date(2024, 12, 31), "half", "second half of 2024"),
        (dt.date(2023, 4, 1), dt.date(2024, 3, 31), "fiscal_year", "fiscal year 2023–24"),
    ],
)
def test_quarters_halves_and_fiscal_years_are_periods(fact_checker, start, end, precision, words):
    claim = claim_create(
        actor=fact_checker,
        text="Output grew in the period.",
        period_start=start,
        period_end=end,
        date_precision=precision,
        figures=[{**RISE, "period_start": start, "period_end": end, "date_precision": precision}],
    )
    claim.refresh_from_db()
    assert (claim.date_precision, claim.period_display) == (precision, words)


def test_an_edit_replaces_the_figures_and_the_audit_shows_both_lists(claim_in, fact_checker):
    claim = claim_in(ClaimState.RESEARCHING)
    claim_update(actor=fact_checker, claim=claim, expected_version=1, figures=[RISE, LEVEL])
    claim_update(
        actor=fact_checker,
        claim=claim,
        expected_version=2,
        figures=[{**LEVEL, "value": "112500"}],
    )
    (only,) = figures_of(claim)
    assert only.value == Decimal("112500")
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.value, fresh.unit, fresh.qualifier, fresh.version) == (
        112500,
        "tonne",
        "about",
        3,
    )
    event = claim_history(claim).filter(action="claim.updated").last()
    assert [f["value"] for f in event.before["figures"]] == ["14", "112400"]
    assert [f["value"] for f in event.after["figures"]] == ["112500"]


def test_the_single_figure_arguments_edit_the_first_figure_and_keep_the_others(
    claim_in, fact_checker
):
    claim = claim_in(ClaimState.RESEARCHING)
    claim_update(actor=fact_checker, claim=claim, expected_version=1, figures=[RISE, LEVEL])
    claim_update(actor=fact_checker, claim=claim, expected_version=2, value=Decimal("15"))
    first, second = figures_of(claim)
    assert (first.value, first.direction, first.concept) == (15, "up", RISE["concept"])
    assert second.value == 112400
    claim_update(actor=fact_checker, claim=claim, expected_version=3, value=None)
    (left,) = figures_of(claim)
    assert left.value == 112400
    assert Claim.objects.get(pk=claim.pk).unit == "tonne"


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ([RISE, {"value": "12", "unit": ""}], "figures.1.unit"),
        ([{"value": "35", "value_high": "30", "unit": "hour"}], "figures.0.value_high"),
        ([{**RISE, "direction": "sideways"}], "figures.0.direction"),
        ([{**RISE, "value": "twelve"}], "figures.0.value"),
        ([RISE, {**LEVEL, "colour": "red"}], "figures.1.colour"),
    ],
)
def test_a_bad_figure_is_refused_by_its_place_and_saves_nothing(
    claim_in, fact_checker, figures, field
):
    claim = claim_in(ClaimState.RESEARCHING)
    with pytest.raises(DomainError) as refused:
        claim_update(actor=fact_checker, claim=claim, expected_version=1, figures=figures)
    assert list(refused.value.fields) == [field]
    assert not figures_of(claim)
    assert Claim.objects.get(pk=claim.pk).version == 1


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"unit": ""}, "figure_has_unit"),
        ({"value_high": Decimal("1")}, "figure_range_ordered"),
        ({"direction": "sideways"}, "figure_direction_valid"),
        ({"change": "both"}, "figure_change_valid"),
        ({"period_start": dt.date(2024, 1, 1)}, "figure_period_has_precision"),
    ],
)
def test_the_database_refuses_a_figure_that_breaks_its_rules(fact_checker, changes, constraint):
    claim = claim_create(actor=fact_checker, text="A claim.")
    row = {"claim": claim, "position": 0, "value": Decimal("5"), "unit": "tonne", **changes}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ClaimFigure.objects.create(**row)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_existing_claim_with_a_value_its_figure():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("claims", "0007_ratingscale_graded")],
        [("claims", "0008_figures_claimfigure")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("claims", "Claim")
    counted = old.objects.create(
        text="Exports were USD 114 billion in 2023.",
        kind="money",
        value=Decimal("114"),
        qualifier="about",
        unit="USD",
        scale="billion",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        date_precision="year",
    )
    plain = old.objects.create(text="The minister resigned.", kind="other")
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("claims", "ClaimFigure")
        (figure,) = new.objects.filter(claim_id=counted.pk)
        assert (figure.position, figure.value, figure.qualifier) == (0, 114, "about")
        assert (figure.unit, figure.scale, figure.currency) == ("USD", "billion", "USD")
        assert figure.period_start is None  # about the claim's period, 2023
        assert not new.objects.filter(claim_id=plain.pk).exists()
    finally:
        call_command("migrate", verbosity=0)


def test_the_admin_shows_each_figure_of_a_claim_read_only(admin_client, fact_checker):
    from django.urls import reverse

    claim = claim_create(actor=fact_checker, text="Pepper rose.", figures=[RISE, LEVEL], **MAY)
    page = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "up 14%" in html and "about 112,400 tonnes, after a rise" in html
    assert 'name="figures-0-value"' not in html  # shown, not editable
