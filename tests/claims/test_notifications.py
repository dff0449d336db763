"""Notifications: who hears of each event, how it is e-mailed, and that a rolled-back action
mails nobody. (The worker's own run is in test_notification_worker.py.)"""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction

from claims import notifications
from claims.evidence.models import RecheckAlert
from claims.models import (
    ClaimState,
    Delivery,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
    Rating,
)
from claims.services import (
    claim_assign,
    claim_comment_add,
    claim_publish,
    claim_send_back,
    claim_start_research,
    rating_submit,
)
from factcheck.models import AuditEvent
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture

S = ClaimState
K = NotificationKind


@pytest.fixture
def person(make_user):
    """A fact-checker with an e-mail address."""

    def make(role=FACT_CHECKER, email=True):
        user = make_user(role)
        if email:
            user.email = f"{user.username}@desk.example"
            user.save(update_fields=["email"])
        return user

    return make


def inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_an_assignment_notifies_the_assignee_and_queues_the_email_on_commit(
    claim_in, person, django_capture_on_commit_callbacks
):
    editor, checker = person(EDITOR), person()
    claim = claim_in(S.NEW, text="Container traffic grew 12% in 2023.")
    with django_capture_on_commit_callbacks() as callbacks:
        claim_assign(actor=editor, claim=claim, assignee=checker)
    [note] = inbox(checker)
    assert note.kind == K.ASSIGNED and note.claim_id == claim.pk
    assert note.actor_name == editor.username
    assert "Container traffic grew 12%" in note.message
    assert note.email_state == EmailState.QUEUED
    assert inbox(editor) == []  # never the person who acted
    assert len(callbacks) >= 1


def test_a_rolled_back_action_leaves_no_notification_and_queues_nothing(
    claim_in, person, django_capture_on_commit_callbacks
):
    editor, checker = person(EDITOR), person()
    claim = claim_in(S.NEW)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        claim_assign(actor=editor, claim=claim, assignee=checker)
        transaction.set_rollback(True)
    assert inbox(checker) == []
    assert callbacks == []


def test_taking_a_claim_oneself_notifies_nobody(claim_in, person):
    checker = person()
    claim_start_research(actor=checker, claim=claim_in(S.NEW))
    assert Notification.objects.count() == 0


def test_a_send_back_reaches_the_assignee_with_the_comment(claim_in, person):
    editor, checker = person(EDITOR), person()
    claim = claim_in(S.AWAITING_APPROVAL, assignee=checker, ratings=2)
    claim_send_back(actor=editor, claim=claim, comment="Which year is the baseline?")
    [note] = inbox(checker)
    assert note.kind == K.SENT_BACK
    assert note.comment.body == "Which year is the baseline?"
    assert "Which year is the baseline?" in note.message


def test_the_last_rating_tells_every_editor_it_awaits_approval(claim_in, person, scale):
    first_editor, second_editor, checker = person(EDITOR), person(EDITOR), person()
    claim = claim_in(S.IN_REVIEW, ratings=1)
    rating_submit(
        actor=checker,
        claim=claim,
        scale=scale("false"),
        rationale="The ministry's table says otherwise.",
        expected_revision=0,
    )
    for editor in (first_editor, second_editor):
        assert [n.kind for n in inbox(editor)] == [K.AWAITING_APPROVAL]
    assert inbox(checker) == []


def test_publishing_tells_the_raters_and_the_assignee(claim_in, person):
    editor, checker = person(EDITOR), person()
    claim = claim_in(S.AWAITING_APPROVAL, assignee=checker, ratings=2, verdict=True)
    claim_publish(actor=editor, claim=claim)
    raters = [r.reviewer for r in Rating.objects.filter(claim=claim)]
    for user in [checker, *raters]:
        assert [n.kind for n in inbox(user)] == [K.PUBLISHED]


def test_a_mention_reaches_the_named_person_whatever_the_case(claim_in, person, make_user):
    author, named = person(), person()
    make_user(FACT_CHECKER, username="ghost")
    claim = claim_in(S.RESEARCHING)
    claim_comment_add(
        actor=author,
        claim=claim,
        body=f"@{named.username.upper()} can you check the customs table? Not @nobody-here, "
        f"and mail@{named.username} is an address.",
    )
    [note] = inbox(named)
    assert note.kind == K.MENTION and "customs table" in note.message
    assert Notification.objects.count() == 1


def test_a_recheck_alert_reaches_raters_and_the_approver(claim_in, person, evidence_for):
    claim = claim_in(S.PUBLISHED, ratings=1)
    rater = Rating.objects.get(claim=claim).reviewer
    approver = claim.verdicts.get().approved_by
    evidence = evidence_for(claim)
    old = Capture.objects.create(source=evidence.source, state="archived", sha256="a" * 64)
    new = Capture.objects.create(source=evidence.source, state="archived", sha256="b" * 64)
    RecheckAlert.objects.create(
        claim=claim,
        evidence=evidence,
        old_capture=old,
        new_capture=new,
        reason="changed",
        detail="the passage now gives 8,200 tonnes",
    )
    for user in (rater, approver):
        [note] = inbox(user)
        assert note.kind == K.RECHECK and "8,200 tonnes" in note.message
        assert note.actor_name == "recheck"


def test_each_person_chooses_how_each_kind_is_emailed(claim_in, person):
    editor = person(EDITOR)
    daily, app_only, no_address = person(), person(), person(email=False)
    NotificationPreference.objects.create(user=daily, kind=K.ASSIGNED, delivery=Delivery.DAILY)
    NotificationPreference.objects.create(user=app_only, kind=K.ASSIGNED, delivery=Delivery.APP)
    for user in (daily, app_only, no_address):
        claim_assign(actor=editor, claim=claim_in(S.NEW), assignee=user)
    assert inbox(daily)[0].email_state == EmailState.DIGEST
    assert (inbox(app_only)[0].email_state, inbox(app_only)[0].email_reason) == (
        EmailState.SKIPPED,
        notifications.APP_ONLY,
    )
    assert inbox(no_address)[0].email_reason == notifications.NO_ADDRESS


def test_the_email_names_the_event_and_links_the_claim(claim_in, person, settings):
    settings.FACTCHECK_PUBLIC_URL = "https://desk.example.org"
    editor, checker = person(EDITOR), person()
    claim = claim_in(S.NEW, text="Fuel prices fell 7% in March.")
    claim_assign(actor=editor, claim=claim, assignee=checker)
    [note] = inbox(checker)
    assert notifications.notification_email_send(notification_id=note.pk) is True
    [message] = mail.outbox
    assert message.to == [checker.email]
    assert "Assigned to you" in message.subject
    assert "Fuel prices fell 7% in March." in message.body
    assert f"https://desk.example.org/claims/{claim.pk}/" in message.body
    note.refresh_from_db()
    assert note.email_state == EmailState.SENT and note.emailed_at is not None
    # Sent once: a second run of the task (a redelivered message) sends nothing more.
    assert notifications.notification_email_send(notification_id=note.pk) is True
    assert len(mail.outbox) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_email_records_its_error_and_stays_queued_for_the_retry(
    claim_in, person, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    editor, checker = person(EDITOR), person()
    claim_assign(actor=editor, claim=claim_in(S.NEW), assignee=checker)
    [note] = inbox(checker)
    with pytest.raises(OSError):
        notifications.notification_email_send(notification_id=note.pk)
    note.refresh_from_db()
    assert note.email_state == EmailState.QUEUED and note.email_attempts == 1
    assert "ConnectionRefusedError" in note.email_reason
    notifications.notification_email_failed(notification_id=note.pk, reason="refused 5 times")
    note.refresh_from_db()
    assert (note.email_state, note.email_reason) == (EmailState.FAILED, "refused 5 times")
    event = AuditEvent.objects.get(action="notification.email_failed")
    assert (event.actor_name, event.note, event.claim_id) == (
        "mailer",
        "refused 5 times",
        note.claim_id,
    )


def test_the_daily_digest_sends_one_email_per_person_with_all_that_waits(claim_in, person):
    editor, checker, other = person(EDITOR), person(), person()
    for user in (checker, other):
        for kind in (K.ASSIGNED, K.MENTION):
            NotificationPreference.objects.create(user=user, kind=kind, delivery=Delivery.DAILY)
    claim_assign(actor=editor, claim=claim_in(S.NEW, text="Rubber exports rose."), assignee=checker)
    claim_comment_add(actor=editor, claim=claim_in(S.NEW), body=f"@{checker.username} see this")
    claim_assign(actor=editor, claim=claim_in(S.NEW), assignee=other)
    result = notifications.digests_send()
    assert result == {"people": 2, "sent": 2, "failed": 0}
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {checker.email, other.email}
    assert "2 notifications" in by_person[checker.email].subject
    assert "Rubber exports rose." in by_person[checker.email].body
    assert not Notification.objects.filter(email_state=EmailState.DIGEST).exists()
    assert notifications.digests_send() == {"people": 0, "sent": 0, "failed": 0}


def test_reading_is_per_person_and_preferences_are_audited(claim_in, person):
    editor, checker = person(EDITOR), person()
    claim_assign(actor=editor, claim=claim_in(S.NEW), assignee=checker)
    claim_assign(actor=editor, claim=claim_in(S.NEW), assignee=checker)
    first = inbox(checker)[0]
    with pytest.raises(Exception, match="No such notification"):
        notifications.notification_mark_read(actor=editor, notification_id=first.pk)
    assert notifications.notification_mark_read(actor=checker, notification_id=first.pk).read_at
    assert notifications.notifications_mark_all_read(actor=checker) == 1
    notifications.notification_preferences_set(actor=checker, choices={K.MENTION: Delivery.DAILY})
    assert notifications.preferences_of(checker)[K.MENTION] == Delivery.DAILY
    event = AuditEvent.objects.get(action="notifications.preferences_changed")
    assert event.before[K.MENTION] == Delivery.IMMEDIATE and event.after[K.MENTION] == "daily"


def test_the_digest_command_reports_a_failed_email_and_keeps_it_waiting(
    claim_in, person, settings, capsys
):
    editor, checker = person(EDITOR), person()
    NotificationPreference.objects.create(user=checker, kind=K.ASSIGNED, delivery=Delivery.DAILY)
    claim_assign(actor=editor, claim=claim_in(S.NEW), assignee=checker)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    with pytest.raises(CommandError, match="1 digest e-mail failed"):
        call_command("send_digests")
    [note] = inbox(checker)
    assert note.email_state == EmailState.DIGEST
    assert note.email_reason.startswith("digest failed, will be tried again")
    assert AuditEvent.objects.get(action="notification.digest_failed").actor_name == "mailer"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_digests")
    assert "1 digest sent, 0 failed." in capsys.readouterr().out
    assert len(mail.outbox) == 1
