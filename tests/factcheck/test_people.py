"""People and API tokens without the Django admin: a desk admin invites a colleague by e-mail
(a one-time set-password link), changes a role, deactivates an account (its history stays), and
creates, lists and revokes API tokens (shown once, hashed at rest, last use shown). Every change
is audited; fact-checkers and editors are refused."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create
from factcheck.models import AuditEvent
from factcheck.roles import ADMIN, EDITOR, FACT_CHECKER, role_of
from tests.support.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^\s]+)")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_user):
    return make_user(ADMIN)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def can_log_in(username: str, password: str) -> bool:
    return Client().login(request=HttpRequest(), username=username, password=password)


def invite(client: Client, username: str = "rosa", role: str = FACT_CHECKER, **extra):
    data = {"username": username, "email": f"{username}@newsroom.example", "role": role, **extra}
    return client.post("/people/", data)


def test_an_admin_invites_a_colleague_who_sets_a_password_once_and_logs_in(
    admin, django_capture_on_commit_callbacks
):
    client = logged_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, "rosa", EDITOR)
    assert response.status_code == 302
    rosa = get_user_model().objects.get(username="rosa")
    assert role_of(rosa) == EDITOR and not rosa.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["rosa@newsroom.example"]
    link = LINK.search(message.body).group(1)

    page = logged_in(admin).get("/people/").content.decode()
    assert "invited, has not chosen a password yet" in page

    newcomer = Client()
    form = newcomer.get(link, follow=True)
    assert "Choose your password" in form.content.decode()
    done = newcomer.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-fresh-password-42", "new_password2": "a-long-fresh-password-42"},
    )
    assert done.status_code == 302
    assert can_log_in("rosa", "a-long-fresh-password-42")
    # The link worked once.
    again = Client().get(link, follow=True).content.decode()
    assert "has been used already or has expired" in again

    actions = list(
        AuditEvent.objects.filter(object_type="auth.user", object_id=str(rosa.pk))
        .order_by("id")
        .values_list("action", "actor_name")
    )
    assert actions == [
        ("user.invited", admin.username),
        ("user.invite_sent", "mailer"),
        ("user.password_set", "rosa"),
    ]


def test_a_failed_invitation_email_is_shown_and_can_be_sent_again(
    admin, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client = logged_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, "tomas").status_code == 302
    page = client.get("/people/").content.decode()
    assert "the invitation e-mail failed: ConnectionRefusedError" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tomas = get_user_model().objects.get(username="tomas")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/people/{tomas.pk}/invite/")
    assert (
        len(mail.outbox) == 1
        and "invited, has not chosen" in client.get("/people/").content.decode()
    )


def test_a_bad_invitation_says_what_is_wrong_and_keeps_what_was_typed(admin, make_user):
    make_user(FACT_CHECKER, username="lena")
    response = invite(logged_in(admin), "lena")
    assert response.status_code == 400
    body = response.content.decode()
    assert "A person named &#x27;lena&#x27; already exists." in body
    assert 'value="lena@newsroom.example"' in body
    assert len(mail.outbox) == 0


def test_an_admin_changes_a_role_and_it_is_audited(admin, make_user):
    checker = make_user(FACT_CHECKER)
    response = logged_in(admin).post(f"/people/{checker.pk}/role/", {"role": EDITOR})
    assert response.status_code == 302
    checker = get_user_model().objects.get(pk=checker.pk)
    assert role_of(checker) == EDITOR and checker.is_staff
    event = AuditEvent.objects.get(action="user.role_changed")
    assert (event.before, event.after, event.actor_name) == (
        {"role": FACT_CHECKER},
        {"role": EDITOR},
        admin.username,
    )


def test_a_deactivated_person_cannot_log_in_or_use_a_token_and_keeps_their_history(
    admin, make_user
):
    checker = make_user(FACT_CHECKER, username="ines")
    _token, raw = api_token_create(owner=checker, name="Ines's script", actor=checker)
    client = logged_in(admin)
    assert client.post(f"/people/{checker.pk}/active/", {"active": "0"}).status_code == 302
    assert not can_log_in("ines", PASSWORD)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/claims/").status_code == 401
    # What they did stays, under their name.
    assert AuditEvent.objects.filter(action="api_token.created", actor_name="ines").exists()
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.object_repr == "ines" and event.actor_name == admin.username
    assert "ines" in client.get("/people/").content.decode()
    assert "deactivated" in client.get("/people/").content.decode()


def test_an_admin_cannot_deactivate_themselves(admin):
    client = logged_in(admin)
    response = client.post(f"/people/{admin.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot change your own role or account here" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.parametrize("role", [FACT_CHECKER, EDITOR])
def test_fact_checkers_and_editors_are_refused_the_people_and_token_pages(make_user, role):
    person = make_user(role)
    target = make_user(FACT_CHECKER)
    client = logged_in(person)
    for url in ("/people/", "/tokens/"):
        assert client.get(url).status_code == 403
    assert invite(client, "sneaky").status_code == 403
    assert client.post(f"/people/{target.pk}/role/", {"role": ADMIN}).status_code == 403
    assert client.post("/tokens/", {"owner": person.pk, "name": "mine"}).status_code == 403
    assert not get_user_model().objects.filter(username="sneaky").exists()
    assert role_of(get_user_model().objects.get(pk=target.pk)) == FACT_CHECKER
    assert not ApiToken.objects.exists()
    assert "/people/" not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_token_is_shown_once_hashed_at_rest_and_revoked_it_gets_401(admin, make_user):
    consumer = make_user(FACT_CHECKER, username="cms-bot")
    client = logged_in(admin)
    response = client.post("/tokens/", {"owner": consumer.pk, "name": "Newsroom CMS"}, follow=True)
    raw = re.search(r'id="new-token">(fcd_[^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    assert raw not in client.get("/tokens/").content.decode()  # shown only that once

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/claims/").status_code == 200
    listing = client.get("/tokens/").content.decode()
    assert "Newsroom CMS" in listing and "never" not in listing  # last use shown

    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/claims/").status_code == 401
    assert "revoked" in client.get("/tokens/").content.decode()
    assert list(
        AuditEvent.objects.filter(object_type="api.apitoken").values_list("action", flat=True)
    ) == [
        "api_token.created",
        "api_token.revoked",
    ]


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/people/", "/tokens/"])
def test_the_people_and_token_pages_cost_the_same_queries_for_3_or_30_rows(admin, make_user, url):
    client = logged_in(admin)

    def grow(n: int) -> None:
        for _ in range(n):
            person = make_user(FACT_CHECKER)
            api_token_create(owner=person, name="script", actor=admin)
            invitee = get_user_model().objects.create(username=f"invitee{person.pk}")
            invitee.set_unusable_password()
            invitee.save()

    grow(3)
    small = _count(client, url)
    grow(27)
    assert _count(client, url) == small
