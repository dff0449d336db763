"""What the desk says about a capture's WACZ package: packaged, signed, timestamped, or why not.

Read from what packaging recorded on the capture (no file is opened), so a list of captures costs
no more to show with it; the reader view checks the signature itself (sources.wacz_verify).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sources.models import Capture


def package_status(capture: Capture | None) -> dict[str, Any]:
    """``state`` is one of none, pending, failed, unsigned, signed, timestamped."""
    if capture is None or not (capture.wacz or capture.wacz_problem or capture.wacz_pending):
        return {"state": "none", "label": "", "problem": "", "wacz_url": None}
    status: dict[str, Any] = {
        "problem": capture.wacz_problem,
        "wacz_url": reverse("sources:capture-wacz", args=[capture.pk]) if capture.wacz else None,
        "signing_key": capture.wacz_signing_key,
        "timestamped_by": capture.wacz_timestamped_by,
        "timestamped_at": capture.wacz_timestamped_at,
    }
    if capture.wacz_pending:
        status.update(state="pending", label="Packaging as WACZ…")
    elif not capture.wacz:
        status.update(state="failed", label="No WACZ package")
    elif capture.is_timestamped:
        status.update(
            state="timestamped",
            label=f"Signed WACZ, timestamped by {capture.wacz_timestamped_by}",
        )
    elif capture.is_signed:
        status.update(state="signed", label="Signed WACZ")  # the problem says why no timestamp
    else:
        status.update(state="unsigned", label="WACZ written")  # the problem says why unsigned
    return status


def package_summary(capture: Capture | None) -> dict[str, Any]:
    """The status as JSON for the claim page's live poll."""
    status = package_status(capture)
    stamped = status.get("timestamped_at")
    return {**status, "timestamped_at": stamped.isoformat() if stamped else None}
