"""App config for claims."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from claims.span_guard import add_span_guard, remove_span_guard


class ClaimsConfig(AppConfig):
    name = "claims"

    def ready(self) -> None:
        from sources.signals import capture_finished

        capture_finished.connect(_complete_articles, dispatch_uid="claims-article-import")
        post_migrate.connect(_span_guard_after_migrate, sender=self, dispatch_uid="claims-span")


def _span_guard_after_migrate(sender, *, using: str = "default", **kwargs) -> None:
    """SQLite drops a table's triggers whenever a migration rebuilds it (most ALTERs do), so the
    span guard of migration 0003 is laid again after every migrate there (PostgreSQL keeps it)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            remove_span_guard(None, editor)
            add_span_guard(None, editor)


def _complete_articles(sender, *, capture_id: int, **kwargs) -> None:
    """An article imported from a URL takes its text once the capture of that URL ends."""
    from claims.services import article_complete_from_capture

    article_complete_from_capture(capture_id=capture_id)
