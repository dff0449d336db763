"""App config for claims."""

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self) -> None:
        from sources.signals import capture_finished

        capture_finished.connect(_complete_articles, dispatch_uid="claims-article-import")


def _complete_articles(sender, *, capture_id: int, **kwargs) -> None:
    """An article imported from a URL takes its text once the capture of that URL ends."""
    from claims.services import article_complete_from_capture

    article_complete_from_capture(capture_id=capture_id)
