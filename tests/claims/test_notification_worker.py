"""Notification e-mails go through a real Celery worker on the machine's Redis, after the action
commits: the worker's mail backend is Django's locmem (set in its environment), so what it did is
read from what it recorded on the notification; a mail server that refuses ends "failed"."""

from __future__ import annotations

import socket

import pytest

from claims.models import ClaimState, EmailState, Notification
from claims.services import claim_assign, claim_comment_add
from factcheck.roles import EDITOR
from tests.support.worker import (  # noqa: F401 (fixture)
    celery_worker,
    flush_broker,
    show_worker_log_on_failure,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_address(user):
    user.email = f"{user.username}@desk.example"
    user.save(update_fields=["email"])
    return user


def _settled(note: Notification) -> Notification:
    def done():
        note.refresh_from_db()
        return note.email_state not in (EmailState.QUEUED,) and note

    return wait_for(done, timeout=60, what=f"notification {note.pk} to be e-mailed")


def test_the_worker_emails_an_assignment_once_the_action_commits(claim_in, make_user, fact_checker):
    flush_broker()
    editor, checker = _with_address(make_user(EDITOR)), _with_address(fact_checker)
    with celery_worker(
        concurrency=2, env={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    ):
        claim_assign(actor=editor, claim=claim_in(ClaimState.NEW), assignee=checker)
        claim_comment_add(
            actor=checker, claim=claim_in(ClaimState.NEW), body=f"@{editor.username} look"
        )
        notes = list(Notification.objects.order_by("id"))
        assert [n.recipient_id for n in notes] == [checker.pk, editor.pk]
        for note in notes:
            note = _settled(note)
            assert note.email_state == EmailState.SENT
            assert note.emailed_at is not None and note.email_attempts == 1


def test_a_mail_server_that_refuses_is_retried_then_the_failure_is_shown(
    claim_in, make_user, fact_checker
):
    flush_broker()
    editor, checker = make_user(EDITOR), _with_address(fact_checker)
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(_closed_port()),
        "EMAIL_TIMEOUT": "2",
        "NOTIFICATION_EMAIL_MAX_RETRIES": "2",
        "NOTIFICATION_EMAIL_RETRY_SECONDS": "1",
    }
    with celery_worker(concurrency=2, env=env):
        claim_assign(actor=editor, claim=claim_in(ClaimState.NEW), assignee=checker)
        note = _settled(Notification.objects.get(recipient=checker))
    assert note.email_state == EmailState.FAILED
    assert note.email_attempts == 3  # the first try and two retries
    assert "ConnectionRefusedError" in note.email_reason
    assert note.emailed_at is None
