"""Fixtures for the API tests: clients per role, tokens, and the claims app's factories."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from api.services import api_token_create
from factcheck.roles import EDITOR, FACT_CHECKER

_serial = itertools.count(1)
ROLES = ("anonymous", "consumer", "fact-checker", "editor")


@pytest.fixture(autouse=True)
def api_settings(settings):
    """Generous throttles (the throttle tests lower them) and a known public URL."""
    settings.API_THROTTLE_RATES = {"anonymous": "100000/minute", "authenticated": "100000/minute"}
    settings.FACTCHECK_PUBLIC_URL = "https://desk.example.org"
    settings.FACTCHECK_ORGANISATION = "Example Fact Desk"
    return settings


@pytest.fixture
def consumer(db):
    """A user without a desk role, as a newsroom CMS's token owner is."""
    return get_user_model().objects.create_user(username=f"cms{next(_serial)}", password="x")


@pytest.fixture
def token_for(db):
    """token_for(user) -> a fresh raw token of that user."""

    def make(user, name: str = "test") -> str:
        _, raw = api_token_create(owner=user, name=name, system_actor="test")
        return raw

    return make


@pytest.fixture
def client_for(db, make_user, consumer, token_for):
    """client_for(role) -> an APIClient acting as that role (tokens; anonymous has none)."""

    def make(role: str, user=None) -> APIClient:
        client = APIClient()
        if role == "anonymous":
            return client
        if user is None:
            user = consumer if role == "consumer" else make_user(role)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        client.user = user
        return client

    return make


@pytest.fixture
def editor_client(client_for):
    return client_for(EDITOR)


@pytest.fixture
def checker_client(client_for):
    return client_for(FACT_CHECKER)
