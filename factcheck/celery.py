"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from factcheck.request_id import begin_unit_of_work, end_unit_of_work

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_runs: dict[str, object] = {}


@task_prerun.connect
def _begin_request_id(task_id: str = "", **kwargs) -> None:
    """Each task run has a request id, stamped on the audit events it writes."""
    _runs[task_id] = begin_unit_of_work()


@task_postrun.connect
def _end_request_id(task_id: str = "", **kwargs) -> None:
    token = _runs.pop(task_id, None)
    if token is not None:
        end_unit_of_work(token)  # type: ignore[arg-type]


@task_postrun.connect
def _drop_stale_connections(**kwargs) -> None:
    """Keep connections across tasks (CELERY_DB_REUSE_MAX) but honour CONN_MAX_AGE and errors."""
    from django.db import close_old_connections

    close_old_connections()
