"""Every model's admin list page loads for an editor, with its filters and search."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_LISTS = [
    ("claims", "article"),
    ("claims", "claim"),
    ("claims", "ratingscale"),
    ("claims", "rating"),
    ("claims", "verdictversion"),
    ("claims", "ratingrevision"),
    ("claims", "claimcomment"),
    ("sources", "source"),
    ("claims", "evidence"),
    ("sources", "capture"),
    ("claims", "evidencesuggestion"),
    ("claims", "recheckalert"),
    ("factcheck", "auditevent"),
]


@pytest.fixture
def demo(db):
    import io

    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(("app", "model"), ADMIN_LISTS)
def test_admin_list_loads_for_an_editor(client, editor, demo, app, model):
    client.force_login(editor)
    url = reverse(f"admin:{app}_{model}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    searched = client.get(url, {"q": "Russia"})
    assert searched.status_code == 200


def test_claim_admin_filters_by_state_and_kind(client, editor, demo):
    client.force_login(editor)
    response = client.get(reverse("admin:claims_claim_changelist"), {"kind__exact": "money"})
    assert response.status_code == 200
    assert "114" in response.content.decode()
    assert "containers" not in response.content.decode()


def test_fact_checker_is_kept_out_of_the_admin(client, fact_checker):
    client.force_login(fact_checker)
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_create_user_command_makes_an_editor_who_reaches_the_admin(client):
    import io

    out = io.StringIO()
    call_command("create_user", "maria", "--role", "editor", stdout=out)
    password = out.getvalue().split("Password (shown once): ")[1].strip()
    assert client.login(request=HttpRequest(), username="maria", password=password)
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 200


def test_create_user_command_writes_an_audit_event_naming_the_command():
    import getpass
    import io

    from django.contrib.auth import get_user_model

    from factcheck.models import AuditEvent

    call_command("create_user", "lina", "--role", "fact-checker", stdout=io.StringIO())
    user = get_user_model().objects.get(username="lina")
    event = AuditEvent.objects.get(action="user.created")
    assert (event.object_type, event.object_id) == ("auth.user", str(user.pk))
    assert (event.actor_name, event.actor_id) == ("create_user", None)
    assert event.after == {"username": "lina", "role": "fact-checker", "staff_admin": False}
    assert getpass.getuser() in event.note
    # A refused one (duplicate) writes nothing.
    with pytest.raises(CommandError):
        call_command("create_user", "LINA", "--role", "editor", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="user.created").count() == 1


def test_create_user_refuses_a_duplicate_and_a_weak_password():
    from django.core.management import CommandError

    call_command(
        "create_user",
        "sam",
        "--role",
        "fact-checker",
        "--password",
        "x8#kLm2pQz!v",
        stdout=__import__("io").StringIO(),
    )
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "SAM", "--role", "editor", "--password", "x8#kLm2pQz!v")
    with pytest.raises(CommandError, match="password refused"):
        call_command("create_user", "kim", "--role", "editor", "--password", "123")


def test_workflow_rows_cannot_be_written_from_the_admin(client, editor, demo):
    from claims.models import Claim

    client.force_login(editor)
    claim = Claim.objects.first()
    assert client.get(reverse("admin:claims_rating_add")).status_code == 403
    assert client.get(reverse("admin:claims_verdictversion_add")).status_code == 403
    before = claim.text
    response = client.post(reverse("admin:claims_claim_change", args=[claim.pk]), {"text": "x"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.text == before


def test_editor_can_queue_a_new_capture_from_the_admin(client, editor, demo):
    from sources.models import Capture, Source

    source = Source.objects.create(url="https://example.org/report", domain="example.org")
    client.force_login(editor)
    response = client.post(
        reverse("admin:sources_source_changelist"),
        {"action": "capture_again", "_selected_action": [source.pk]},
    )
    assert response.status_code == 302
    assert Capture.objects.filter(source=source, state="queued").count() == 1
