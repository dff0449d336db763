"""Fixtures for the page tests: a logged-in test client per user (the factories are shared)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def client_for():
    """client_for(user) -> a Django test client logged in as that user (None: anonymous)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
