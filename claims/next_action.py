"""What this person should do next on this claim, for the block at the top of the claim page.

The claim page is long (sources, suggestions, ratings, the editor's panel, comments, history); the
one thing its reader must do now is said at the top, above the fold on a laptop screen, with its
form when the form is short (start research, submit for review, request approval, rate) or a
link to the form in its panel (approve, publish). When nothing is theirs to do, it says what
the claim is waiting for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from claims.models import Claim, ClaimState
from factcheck.roles import is_editor


@dataclass(frozen=True)
class NextAction:
    title: str
    detail: str = ""
    # The claim page form shown inline (its key in the page's forms), or "".
    form: str = ""
    # Or a link to the form further down the page: its anchor and the link's words.
    anchor: str = ""
    button: str = ""


def next_action_for(
    user: Any, claim: Claim, actions: list[str], *, has_rated: bool, ratings: int, draft: Any
) -> NextAction | None:
    """The next action, or what the claim waits for; None when the claim is settled for them.

    ``ratings`` is the number of ratings this person may see (blind reviewers see none).
    """
    required = settings.RATINGS_REQUIRED
    editor = is_editor(user)
    state = claim.state
    if state == ClaimState.NEW:
        if "start_research" in actions:
            return NextAction(
                "Next: start research",
                "Take the claim and look for its sources.",
                form="start_research",
                button="Start research",
            )
        return None
    if state == ClaimState.RESEARCHING:
        if "submit_for_review" in actions:
            return NextAction(
                "Next: submit for review",
                "When the sources are linked and archived, reviewers rate it independently.",
                form="submit_for_review",
                button="Submit for review",
            )
        return NextAction("In research", "The assignee is still looking for sources.")
    if state == ClaimState.IN_REVIEW:
        if "rate" in actions and not has_rated and not editor:
            return NextAction(
                "Next: rate this claim",
                "Ratings are blind: you see the others once you have given yours.",
                form="rate",
            )
        if "request_approval" in actions and ratings >= required:
            return NextAction(
                "Next: request approval",
                f"It has the {required} ratings it needs.",
                form="request_approval",
                button="Request approval",
            )
        seen = f" ({ratings} of {required} so far)" if editor or has_rated else ""
        return NextAction("Waiting for ratings", f"It needs {required} ratings{seen}.")
    if state == ClaimState.AWAITING_APPROVAL:
        if editor and draft is not None and "publish" in actions:
            return NextAction(
                "Next: publish the verdict",
                f"Version {draft.number} is approved: {draft.rating.label}.",
                anchor="editor",
                button="Review and publish",
            )
        if editor and "approve" in actions:
            return NextAction(
                "Next: approve a verdict or send it back",
                "Compare the ratings below, then approve a verdict.",
                anchor="approve",
                button="Go to the approval form",
            )
        if "rate" in actions and not has_rated and not editor:
            return NextAction(
                "Next: rate this claim",
                "It awaits an editor's approval; your rating still counts.",
                form="rate",
            )
        return NextAction(
            "Waiting for an editor", "An editor approves the verdict, then publishes it."
        )
    if state == ClaimState.PUBLISHED:
        correct = " Correct it below if it turns out wrong." if editor else ""
        return NextAction("Published", "The verdict is public." + correct)
    if state == ClaimState.DISMISSED:
        if "restore" in actions:
            return NextAction(
                "Dismissed", "Not check-worthy.", anchor="editor", button="Restore the claim"
            )
        return NextAction("Dismissed", "Not check-worthy.")
    return None
