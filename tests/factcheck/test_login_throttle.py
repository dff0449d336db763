"""Failed logins are limited per account and per client address: after the limit even the right
password is refused with a message saying why and for how long, one audit event records the
lock-out, and logging in works again once the lock-out has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client

from factcheck.models import AuditEvent
from tests.support.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    return settings


def _login(username: str, password: str, address: str = "198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(fact_checker):
    for _ in range(4):
        _, response = _login(fact_checker.username, "wrong-guess")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    _, fifth = _login(fact_checker.username, "wrong-guess")
    assert fifth.status_code == 429
    client, response = _login(fact_checker.username, PASSWORD)
    assert response.status_code == 429 and not _signed_in(client)
    page = response.content.decode()
    assert "Too many failed logins for this account or from this address" in page
    assert "locked for 15 minutes" in page
    assert response["Retry-After"] == "900"
    # From another address the account is still locked: the limit is per account too.
    client, response = _login(fact_checker.username, PASSWORD, address="203.0.113.9")
    assert response.status_code == 429 and not _signed_in(client)
    events = AuditEvent.objects.filter(action="login.locked_out")
    assert events.count() == 1
    event = events.get()
    assert event.system_actor == "login-throttle"
    assert (event.object_type, event.object_id) == ("auth.user", str(fact_checker.pk))
    assert event.after["username"] == fact_checker.username
    assert event.after["ip_address"] == "198.51.100.7"
    assert event.after["failures"] == 5


def test_one_address_guessing_many_accounts_is_locked_out(make_user):
    victims = [make_user() for _ in range(5)]
    for victim in victims:
        _login(victim.username, "wrong-guess", address="192.0.2.44")
    someone = make_user()
    client, response = _login(someone.username, PASSWORD, address="192.0.2.44")
    assert response.status_code == 429 and not _signed_in(client)
    # The same person from their own address is not affected.
    client, response = _login(someone.username, PASSWORD, address="192.0.2.45")
    assert response.status_code == 302 and _signed_in(client)
    assert AuditEvent.objects.filter(action="login.locked_out").exists()


def test_the_lock_out_ends_after_its_time(fact_checker):
    for _ in range(5):
        _login(fact_checker.username, "wrong-guess")
    assert _login(fact_checker.username, PASSWORD)[1].status_code == 429
    # Sixteen minutes pass.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    client, response = _login(fact_checker.username, PASSWORD)
    assert response.status_code == 302 and _signed_in(client)


def test_a_successful_login_forgives_earlier_mistakes(fact_checker):
    for _ in range(4):
        _login(fact_checker.username, "wrong-guess")
    assert _login(fact_checker.username, PASSWORD)[1].status_code == 302
    for _ in range(4):
        _login(fact_checker.username, "wrong-guess")
    client, response = _login(fact_checker.username, PASSWORD)
    assert response.status_code == 302 and _signed_in(client)
    assert not AuditEvent.objects.filter(action="login.locked_out").exists()


def test_the_admin_login_counts_against_the_same_limit(fact_checker):
    for _ in range(5):
        Client(REMOTE_ADDR="198.51.100.8").post(
            "/admin/login/", {"username": fact_checker.username, "password": "wrong-guess"}
        )
    client, response = _login(fact_checker.username, PASSWORD, address="198.51.100.9")
    assert response.status_code == 429 and not _signed_in(client)
