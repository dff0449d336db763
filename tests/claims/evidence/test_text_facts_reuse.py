"""A capture's text is read once for all its claims, and read again when the text changes."""

from __future__ import annotations

import datetime as dt

from claims.evidence.services import capture_text_facts
from sources.models import Capture


def test_a_capture_is_read_once_for_many_claims_and_again_after_its_text_changes(
    make_claim, archive
):
    claim = make_claim(
        "Lakeland's mills produced 2.4 million tonnes of steel in 2021.",
        value="2.4",
        unit="tonne",
        scale="million",
        period=(dt.date(2021, 1, 1), dt.date(2021, 12, 31), "year"),
    )
    capture = archive(claim, "Lakeland's mills produced 2.4 million tonnes of steel in 2021.")
    first = capture_text_facts(Capture.objects.get(pk=capture.pk))
    assert capture_text_facts(Capture.objects.get(pk=capture.pk)) is first

    Capture.objects.filter(pk=capture.pk).update(
        text="Lakeland's mills produced 2.9 million tonnes of steel in 2021."
    )
    again = capture_text_facts(Capture.objects.get(pk=capture.pk))
    assert again is not first
    assert [f.value for s in again.sentences for f in s.figures] == ["2.9"]
