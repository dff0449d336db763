"""Hooks sent after a capture's end state commits (archived, failed or blocked)."""

from django.dispatch import Signal

# Sent with capture_id and state, after the transaction that wrote the end state commits.
capture_finished = Signal()
