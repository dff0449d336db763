"""Periodic housekeeping of the shared base: forgetting old form submission tokens."""

from __future__ import annotations

from celery import shared_task

from factcheck.submissions import submissions_forget_old


@shared_task(name="factcheck.forget_old_submissions", ignore_result=True)
def forget_old_submissions() -> int:
    return submissions_forget_old()
