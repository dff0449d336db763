"""App config for claims."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self) -> None:
        from sources.signals import capture_finished

        capture_finished.connect(_complete_articles, dispatch_uid="claims-article-import")
        post_save.connect(
            _recheck_raised, sender="sources.RecheckAlert", dispatch_uid="claims-recheck-notify"
        )


def _complete_articles(sender, *, capture_id: int, **kwargs) -> None:
    """An article imported from a URL takes its text once the capture of that URL ends."""
    from claims.services import article_complete_from_capture

    article_complete_from_capture(capture_id=capture_id)


def _recheck_raised(sender, *, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A re-check alert, raised by the archive in its transaction, reaches the claim's raters
    and approvers (the archive floor knows nothing of claims, so the desk listens)."""
    if created and not raw:
        from claims.notifications import notify_recheck

        notify_recheck(claim=instance.claim, detail=instance.detail)
