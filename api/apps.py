"""App config for the API: webhooks hear the workflow's signals; writes move the data versions."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The app-loading protocol: the wiring imports models, so only once they load.
        from api import receivers

        receivers.connect()
