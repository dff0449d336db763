"""Times on the desk's pages are in the desk's time zone and say which zone that is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from claims.models import ClaimComment
from claims.services import claim_comment_add, claim_create
from factcheck.models import AuditEvent
from sources.models import Capture, CaptureState, Source
from tests.factcheck.test_settings import run_python

MOMENT = dt.datetime(2024, 1, 5, 20, 30, tzinfo=dt.UTC)


@pytest.fixture
def claim_with_a_comment(fact_checker):
    claim = claim_create(system_actor="test-setup", text="Rice exports rose 5% in 2023.")
    claim_comment_add(actor=fact_checker, claim=claim, body="The customs office agrees.")
    ClaimComment.objects.filter(claim=claim).update(created_at=MOMENT)
    AuditEvent.objects.filter(claim=claim).update(created_at=MOMENT)
    return claim


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Asia/Phnom_Penh", "6 Jan 2024 03:30 UTC+07"),
        ("Europe/Berlin", "5 Jan 2024 21:30 CET"),
        ("Asia/Kolkata", "6 Jan 2024 02:00 IST"),
        ("UTC", "5 Jan 2024 20:30 UTC"),
    ],
)
def test_the_claim_page_shows_times_in_the_desks_zone_with_its_label(
    settings, client_for, editor, claim_with_a_comment, zone, shown
):
    settings.TIME_ZONE = zone
    page = client_for(editor).get(reverse("claims:detail", args=[claim_with_a_comment.pk]))
    comments = page.content.decode().split('id="comments-h"', 1)[1].split('id="history-h"')[0]
    history = page.content.decode().split('id="history-h"', 1)[1]
    assert shown in comments
    assert shown in history
    assert f'title="{zone}"' in history


def test_the_reader_view_says_when_it_was_captured_in_the_desks_zone(settings, client_for, editor):
    settings.TIME_ZONE = "Asia/Phnom_Penh"
    source = Source.objects.create(url="https://example.org/rice")
    capture = Capture.objects.create(
        source=source, state=CaptureState.ARCHIVED, sha256="b" * 64, text="Rice", finished_at=MOMENT
    )
    page = client_for(editor).get(reverse("sources:capture", args=[capture.pk])).content.decode()
    assert "6 Jan 2024 03:30 UTC+07" in page


def test_a_time_zone_that_does_not_exist_stops_start_up_naming_the_setting(tmp_path):
    result = run_python(
        "import django; django.setup()", {"FACTCHECK_TIME_ZONE": "Asia/Atlantis"}, tmp_path
    )
    assert result.returncode != 0
    assert "FACTCHECK_TIME_ZONE must be an IANA time zone name" in result.stderr
