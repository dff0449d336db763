"""App config for claims."""

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
