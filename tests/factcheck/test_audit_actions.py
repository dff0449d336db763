"""The audit log speaks one vocabulary: every action the code records is listed, with what it
means, and recording any other is refused."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from factcheck.audit import audit_record
from factcheck.audit_actions import ACTIONS
from factcheck.models import AuditEvent
from sources.models import CaptureState, Source

ROOT = Path(__file__).resolve().parents[2]
APPS = ("api", "claims", "factcheck", "sources")


def recorded_actions() -> dict[str, str]:
    """Each `action="..."` keyword of a call in the apps whose value is dotted (an audit action;
    workflow action names and argparse's store_true have no dot), with where it is."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "action"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and "." in value.value
                    ):
                        found[value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_action_the_code_records_is_registered_with_a_description():
    found = recorded_actions()
    assert len(found) > 30  # the scan sees the services
    missing = {action: where for action, where in found.items() if action not in ACTIONS}
    assert missing == {}
    assert all(description.strip() for description in ACTIONS.values())


def test_every_end_state_of_a_capture_is_registered():
    """A capture's end is recorded as capture.<state> (sources.services._finish)."""
    ends = {CaptureState.ARCHIVED, CaptureState.PARTIAL, CaptureState.FAILED, CaptureState.BLOCKED}
    assert {f"capture.{state}" for state in ends} <= set(ACTIONS)


@pytest.mark.django_db
def test_an_unregistered_action_is_refused_and_nothing_is_written():
    source = Source.objects.create(url="https://example.org/harbour")
    with pytest.raises(ValueError, match="audit_actions"):
        audit_record(action="source.renamed", obj=source, system_actor="test")
    assert not AuditEvent.objects.filter(action="source.renamed").exists()


@pytest.mark.django_db(transaction=True)  # the task's end closes old connections, as in a worker
def test_the_events_of_one_task_run_share_a_request_id_and_the_next_run_has_another(settings):
    """What the worker writes is grouped like a request's events: by run, never left blank."""
    from sources.models import Capture
    from sources.tasks import capture_source

    settings.FETCH_ALLOW_PRIVATE = False
    runs = []
    for n in (1, 2):
        source = Source.objects.create(url=f"http://10.1.2.{n}/report")  # a private address
        capture = Capture.objects.create(source=source, requested_url=source.url)
        capture_source.apply(args=[capture.pk])
        runs.append(
            set(
                AuditEvent.objects.filter(
                    object_type="sources.capture", object_id=str(capture.pk)
                ).values_list("action", "request_id")
            )
        )
    for events in runs:
        assert tuple(action for action, _ in events) == ("capture.blocked",)
        assert all(request_id is not None for _, request_id in events)
    assert {r for _, r in runs[0]} != {r for _, r in runs[1]}
