"""The one date input of every form: an HTML date picker that shows the date it was given.

A browser's `<input type="date">` accepts only an ISO value (YYYY-MM-DD) and shows anything else
as blank, then submits it blank: with the desk's en-GB locale Django's own DateInput renders
"05/01/2024", so a form saved without touching the date lost it. Every date field of the desk's
forms is this field, which renders and reads ISO dates whatever the locale.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """A date field whose input shows and sends the ISO date; a typed day/month/year reads too."""

    widget = DateInput
    input_formats = [ISO_DATE, "%d/%m/%Y", "%d %B %Y", "%d %b %Y"]
