"""App config for claims, the desk: it listens to the archive's capture_finished signal, to new
evidence links, and to post_migrate (see claims/receivers.py)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save

from sources.signals import capture_finished


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self) -> None:
        # The app-loading protocol: its own receivers import models, so only once they load.
        from claims import receivers
        from claims.evidence.models import Evidence, RecheckAlert

        capture_finished.connect(receivers.complete_articles, dispatch_uid="claims-article-import")
        capture_finished.connect(
            receivers.match_archived_capture, dispatch_uid="claims-evidence-match"
        )
        post_save.connect(
            receivers.match_new_link, sender=Evidence, dispatch_uid="claims-evidence-match-link"
        )
        post_save.connect(
            receivers.recheck_raised, sender=RecheckAlert, dispatch_uid="claims-recheck-notify"
        )
        post_migrate.connect(receivers.default_scale, dispatch_uid="claims-default-scale")
        post_migrate.connect(
            receivers.span_guard_after_migrate, sender=self, dispatch_uid="claims-span"
        )
