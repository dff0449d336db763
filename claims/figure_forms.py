"""The figure rows of the claim page's form and the candidate form: one formset, every field.

Both forms hold a claim's own fields and, under the prefix `<form prefix>-figure`, a formset of
its figures (one row each, a blank row to add one, a Remove box to drop one). `WithFigures` gives
a form that formset: it validates with the form, lands in `cleaned_data["figures"]` as the list
claims.services take, and takes the errors a service reports for `figures.<n>.<field>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms

from claims.models import DatePrecision, Direction, FigureChange, Qualifier, Scale
from claims.services.figures import FIGURE_FIELDS, MAX_FIGURES
from factcheck.date_input import DateField

PERIOD_HELP = "Leave empty when the figure is about the claim's period."


class FigureForm(forms.Form):
    """One figure: its value (or range), unit, what it counts, its direction and its period."""

    qualifier = forms.ChoiceField(
        label="Qualifier", choices=Qualifier.choices, required=False, initial=Qualifier.EXACT
    )
    value = forms.DecimalField(label="Value", max_digits=24, decimal_places=6, required=False)
    value_high = forms.DecimalField(
        label="to (high end of a range)", max_digits=24, decimal_places=6, required=False
    )
    scale = forms.ChoiceField(label="Scale", choices=Scale.choices, required=False)
    unit = forms.CharField(
        label="Unit", max_length=32, required=False, help_text="container, tonne, USD, percent …"
    )
    direction = forms.ChoiceField(
        label="Direction", choices=Direction.choices, required=False, initial=Direction.NONE
    )
    change = forms.ChoiceField(
        label="Change or level",
        choices=FigureChange.choices,
        required=False,
        initial=FigureChange.LEVEL,
        help_text="“rose 14%”: a change; “to 112,400 tonnes”: a level",
    )
    baseline = forms.CharField(
        label="Compared with", max_length=200, required=False, help_text="“compared with 2019”"
    )
    concept = forms.CharField(
        label="What is counted",
        max_length=300,
        required=False,
        help_text="“rice exports from Cambodia”",
    )
    concept_words = forms.CharField(
        label="Key words", max_length=500, required=False, help_text="separated by commas"
    )
    period_start = DateField(label="Period from", required=False, help_text=PERIOD_HELP)
    period_end = DateField(label="Period to", required=False)
    date_precision = forms.ChoiceField(
        label="Date precision", choices=[("", "—"), *DatePrecision.choices], required=False
    )

    # What a person types; the selects come preset, so a blank row with only them is still blank.
    TYPED = ("value", "value_high", "unit", "baseline", "concept", "concept_words", "period_start")

    def has_changed(self) -> bool:
        return any(self[name].data not in (None, "") for name in self.TYPED) or bool(self.initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("DELETE"):
            return data
        value, high = data.get("value"), data.get("value_high")
        if value is None and "value" not in self.errors:
            self.add_error("value", "A figure needs its value (or tick Remove).")
        if value is not None and not data.get("unit"):
            self.add_error("unit", "A figure needs a unit (container, tonne, USD, percent …).")
        if value is not None and high is not None and high <= value:
            self.add_error("value_high", "The high end of a range is above its low end.")
        start, end = data.get("period_start"), data.get("period_end")
        if start and not data.get("date_precision"):
            self.add_error("date_precision", "Say whether the date is a day, a month or a year.")
        if start and end and end < start:
            self.add_error("period_end", "The period ends before it starts.")
        return data

    def figure(self) -> dict[str, Any]:
        """The cleaned row as claims.services take a figure."""
        return {name: self.cleaned_data.get(name) for name in FIGURE_FIELDS}


class BaseFigureFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this figure"

    def figures(self) -> list[dict[str, Any]]:
        """The rows kept (not removed, not left blank), in order."""
        return [
            form.figure()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


FigureFormSet = forms.formset_factory(
    FigureForm,
    formset=BaseFigureFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_FIGURES,
    validate_max=True,
)


def figure_initial(figure: Mapping[str, Any]) -> dict[str, Any]:
    """A figure (stored or extracted) as the initial data of its row."""
    initial = {name: figure.get(name) for name in FIGURE_FIELDS}
    for name in ("value", "value_high"):
        if initial[name] not in (None, ""):
            # Plain digits: normalize() alone gives 1.124E+5, which a number input shows as is.
            initial[name] = format(Decimal(str(initial[name])).normalize(), "f")
    initial["concept_words"] = ", ".join(figure.get("concept_words") or ())
    return initial


class WithFigures(forms.Form):
    """A form with the formset of its claim's figures (see the module docstring)."""

    def __init__(
        self, *args: Any, figures: Sequence[Mapping[str, Any]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        prefix = f"{self.prefix}-figure" if self.prefix else "figure"
        self.figures = FigureFormSet(
            self.data if self.is_bound else None,
            prefix=prefix,
            initial=[figure_initial(f) for f in figures],
        )

    def is_valid(self) -> bool:
        own = super().is_valid()
        rows = self.figures.is_valid()
        if own and rows:
            self.cleaned_data["figures"] = self.figures.figures()
        return own and rows

    def place_error(self, name: str, message: str) -> bool:
        """Put a service's error for `figures.<n>.<field>` next to that field; False if none."""
        parts = name.split(".")
        if len(parts) != 3 or parts[0] != "figures" or not parts[1].isdigit():
            return False
        kept = [
            form
            for form in self.figures.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        n, field = int(parts[1]), parts[2]
        if n >= len(kept) or field not in kept[n].fields:
            return False
        kept[n].add_error(field, message)
        return True
