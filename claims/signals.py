"""Hooks sent after a workflow change commits, for side effects such as webhooks.

Receivers get ids, not instances: they run after the transaction, so they read what committed.
A receiver that raises is logged and does not stop the others (the write has already committed).

- ``claim_state_changed``: claim_id, from_state, to_state, action, actor_id (None for a system).
- ``verdict_published``: claim_id, verdict_id, number, is_correction, actor_id.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

claim_state_changed = Signal()
verdict_published = Signal()


def send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Send the signal once the current transaction commits (never if it rolls back)."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error("receiver %r of a claims signal failed", receiver, exc_info=result)

    transaction.on_commit(send)
