"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _drop_stale_connections(**kwargs) -> None:
    """Keep connections across tasks (CELERY_DB_REUSE_MAX) but honour CONN_MAX_AGE and errors."""
    from django.db import close_old_connections

    close_old_connections()
