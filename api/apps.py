"""App config for the API: webhooks hear the workflow's signals; writes move the data version."""

from django.apps import AppConfig

# Rows whose change may change an API response (see api.conditional); tokens and users also
# because the polled 304 trusts what a process read of them only while the version holds.
VERSIONED_MODELS = (
    "api.ApiToken",
    "claims.Article",
    "claims.Claim",
    "claims.RatingScale",
    "claims.Rating",
    "claims.VerdictVersion",
    "sources.Source",
    "claims.Evidence",
    "sources.Capture",
    "factcheck.AuditEvent",
    "auth.User",
)


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The app-loading protocol: the wiring imports models, so only once they load.
        from api import receivers

        receivers.connect()
