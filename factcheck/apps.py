"""App config for the shared pieces (audit log, roles, domain errors)."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Desk"

    def ready(self) -> None:
        from factcheck import login_throttle  # noqa: F401 - connects the lock-out audit
        from factcheck.roles import grant_role_permissions

        # Every app's post_migrate: permissions of later apps exist only after theirs ran.
        post_migrate.connect(grant_role_permissions, dispatch_uid="desk-roles")
