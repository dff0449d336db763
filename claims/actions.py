"""The claim workflow's one action table: what the claim page and the API both call.

Each entry names an action a person takes on a claim (start research, rate, approve, edit ...),
the inputs it takes in the desk's terms (a user, a rating scale entry, evidence ids: each door
parses its own format into these), the service it calls, the rule of claims.workflow that decides
who may take it (the service checks it), how it is locked (the claim's version or the rating's
revision), what else it sets off, and what the page says once it is done. `perform()` runs one
and reports whether it withdrew an approved verdict, so both doors can say so. The claim
page (claims.views.claim) and the API (api.views.workflow, .claims, .evidence) call nothing else
to change a claim's workflow, which is how the two cannot drift apart again
(tests/claims/test_actions.py drives every action through both and compares).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from claims import services
from claims.evidence.models import Evidence
from claims.models import Claim, ClaimantKind, ClaimState, RatingScale, VerdictVersion
from factcheck.errors import DomainError

# What an action sets off besides its own write, in the words the table's readers want.
REMATCH = "evidence matching of the claim is queued again when its text, figures or period change"
WITHDRAWS = "an approved, unpublished verdict is withdrawn (the editor must approve again)"
ANNOUNCES = "claim_state_changed is announced on commit (webhooks)"
PUBLISHES = "verdict_published (or verdict_corrected) is announced on commit (webhooks)"
ADVANCES = "the claim moves to awaiting approval once enough independent ratings count"


@dataclass(frozen=True)
class ClaimAction:
    name: str
    # The service call: (actor, claim, inputs) -> whatever the service returns.
    run: Callable[[Any, Claim, dict[str, Any]], Any]
    # The inputs `run` reads (besides the lock), already parsed into the desk's terms.
    inputs: tuple[str, ...]
    # The claims.workflow.ACTIONS rule that says who may take it and in which states.
    permission: str
    # "version": the claim's version the caller saw; "revision": their rating's revision.
    lock: str
    side_effects: tuple[str, ...]
    # What the page says once it is done, and where it scrolls back to.
    done: str
    anchor: str = ""


@dataclass(frozen=True)
class ActionOutcome:
    result: Any
    # The action took away an approval the claim had: an editor must approve it again.
    approval_withdrawn: bool


def user_by_pk(pk: int | None) -> Any:
    """The user a page's form names by id (None stays None)."""
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise DomainError("No such user.", fields={"assignee": ["unknown user"]})
    return user


def user_by_username(username: str | None) -> Any:
    """The user the API names by username (None stays None)."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"No user named {username!r}.", fields={"assignee": ["unknown user"]})
    return user


def rating_by_slug(slug: str | None, field: str = "rating") -> RatingScale:
    """The rating scale entry the API names by slug."""
    if not slug:
        raise DomainError("Say which rating (a scale slug).", fields={field: ["required"]})
    scale = RatingScale.objects.filter(slug=slug).first()
    if scale is None:
        raise DomainError(f"No rating {slug!r} on the scale.", fields={field: ["unknown rating"]})
    return scale


def _version(d: dict[str, Any]) -> dict[str, Any]:
    return {"expected_version": d["expected_version"]}


def _edit(user: Any, claim: Claim, d: dict[str, Any]) -> Any:
    changes = {k: v for k, v in d.items() if k != "expected_version"}
    if "claimant_kind" in changes:
        changes["claimant_kind"] = changes["claimant_kind"] or ClaimantKind.PERSON
    return services.claim_update(actor=user, claim=claim, **_version(d), **changes)


def _retract(user: Any, claim: Claim, d: dict[str, Any]) -> Any:
    evidence = Evidence.objects.filter(claim_id=claim.pk, pk=d["evidence"]).first()
    if evidence is None:
        raise DomainError("This source is not linked to this claim.", code="not_found")
    return services.evidence_retract(actor=user, claim=claim, evidence=evidence, reason=d["reason"])


def _assign(user: Any, claim: Claim, d: dict[str, Any]) -> Any:
    if d.get("assignee") is None:
        raise DomainError("Say whom to assign.", fields={"assignee": ["required"]})
    return services.claim_assign(actor=user, claim=claim, assignee=d["assignee"], **_version(d))


def _schedule(user: Any, claim: Claim, d: dict[str, Any]) -> Any:
    return services.claim_schedule(
        actor=user,
        claim=claim,
        priority=d.get("priority"),
        due_date=d.get("due_date", services.KEEP),
        **_version(d),
    )


def _verdict(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "rating": d.get("rating"),
        "conclusion": d.get("conclusion", ""),
        "explanation": d.get("explanation", ""),
        "evidence_ids": d.get("evidence_ids") or [],
        **_version(d),
    }


_S = services
_A = ClaimAction
VERDICT_INPUTS = ("rating", "conclusion", "explanation", "evidence_ids")

ACTIONS: dict[str, ClaimAction] = {
    a.name: a
    for a in [
        _A(
            "schedule",
            _schedule,
            ("priority", "due_date"),  # a priority of CLAIM_PRIORITIES; a day, or None: none
            "schedule",
            "version",
            (),
            "Priority and due date saved.",
            "schedule",
        ),
        _A(
            "edit",
            _edit,
            # Any of these; the API also takes span and the first figure's value, qualifier,
            # unit and scale on their own (claims.services.claim_update's EDITABLE_FIELDS).
            (
                "text",
                "kind",
                "figures",
                "period_start",
                "period_end",
                "date_precision",
                "claimant",
                "claimant_kind",
            ),  # fmt: skip
            "edit",
            "version",
            (REMATCH, WITHDRAWS, "ratings given before a change of text or figures go stale"),
            "Claim saved.",
            "claim-facts",
        ),
        _A(
            "rate",
            lambda u, c, d: _S.rating_submit(
                actor=u,
                claim=c,
                scale=d["scale"],
                rationale=d["rationale"],
                evidence_ids=d.get("evidence_ids") or [],
                expected_revision=d.get("expected_revision"),
            ),
            ("scale", "rationale", "evidence_ids"),
            "rate",
            "revision",
            (WITHDRAWS, ADVANCES),
            "Your rating is saved.",
            "ratings",
        ),
        _A(
            "confirm_rating",
            lambda u, c, d: _S.rating_confirm(
                actor=u, claim=c, expected_revision=d.get("expected_revision")
            ),
            (),
            "rate",
            "revision",
            (ADVANCES,),
            "Your rating is confirmed for the claim as it now reads.",
            "ratings",
        ),
        _A(
            "retract_source",
            _retract,
            ("evidence", "reason"),
            "edit",
            "",
            (WITHDRAWS, "ratings and verdicts can no longer rest on the retracted source"),
            "Source retracted; its archive is kept.",
            "sources-section",
        ),
        _A(
            "comment",
            lambda u, c, d: _S.claim_comment_add(actor=u, claim=c, body=d["body"]),
            ("body",),
            "comment",
            "",
            (),
            "Comment added.",
            "comments",
        ),
        _A(
            "start_research",
            lambda u, c, d: _S.claim_start_research(
                actor=u, claim=c, assignee=d.get("assignee"), **_version(d)
            ),
            ("assignee",),
            "start_research",
            "version",
            (ANNOUNCES,),
            "Research started.",
        ),
        _A(
            "assign",
            _assign,
            ("assignee",),
            "assign",
            "version",
            (),
            "Claim assigned.",
        ),
        _A(
            "submit_for_review",
            lambda u, c, d: _S.claim_submit_for_review(actor=u, claim=c, **_version(d)),
            (),
            "submit_for_review",
            "version",
            (ANNOUNCES,),
            "Submitted for review: reviewers can now rate it.",
        ),
        _A(
            "request_approval",
            lambda u, c, d: _S.claim_request_approval(actor=u, claim=c, **_version(d)),
            (),
            "request_approval",
            "version",
            (ANNOUNCES,),
            "Approval requested.",
        ),
        _A(
            "send_back",
            lambda u, c, d: _S.claim_send_back(
                actor=u, claim=c, comment=d.get("comment", ""), **_version(d)
            ),
            ("comment",),
            "send_back",
            "version",
            (ANNOUNCES, "the approved, unpublished verdict is discarded"),
            "Sent back to research with your comment.",
        ),
        _A(
            "approve",
            lambda u, c, d: _S.verdict_approve(actor=u, claim=c, **_verdict(d)),
            VERDICT_INPUTS,
            "approve",
            "version",
            ("replaces an earlier approved, unpublished verdict",),
            "Verdict approved; publish it when ready.",
            "editor",
        ),
        _A(
            "publish",
            lambda u, c, d: _S.claim_publish(actor=u, claim=c, **_version(d)),
            (),
            "publish",
            "version",
            (ANNOUNCES, PUBLISHES),
            "Published.",
        ),
        _A(
            "correct",
            lambda u, c, d: _S.verdict_correct(
                actor=u, claim=c, correction_note=d.get("correction_note", ""), **_verdict(d)
            ),
            (*VERDICT_INPUTS, "correction_note"),
            "correct",
            "version",
            (PUBLISHES,),
            "Correction published.",
            "verdicts",
        ),
        _A(
            "dismiss",
            lambda u, c, d: _S.claim_dismiss(
                actor=u, claim=c, reason=d.get("reason", ""), **_version(d)
            ),
            ("reason",),
            "dismiss",
            "version",
            (ANNOUNCES,),
            "Claim dismissed.",
        ),
        _A(
            "restore",
            lambda u, c, d: _S.claim_restore(
                actor=u, claim=c, reason=d.get("reason", ""), **_version(d)
            ),
            ("reason",),
            "restore",
            "version",
            (ANNOUNCES,),
            "Claim restored.",
        ),
    ]
}

# The actions the API's transition endpoint takes (the others have endpoints of their own).
TRANSITIONS = (
    "start_research",
    "assign",
    "submit_for_review",
    "request_approval",
    "send_back",
    "approve",
    "publish",
    "correct",
    "dismiss",
    "restore",
)


def _has_draft(claim: Claim) -> bool:
    return (
        claim.state == ClaimState.AWAITING_APPROVAL
        and VerdictVersion.objects.filter(claim_id=claim.pk, published_at__isnull=True).exists()
    )


def perform(name: str, *, actor: Any, claim: Claim, inputs: dict[str, Any]) -> ActionOutcome:
    """Take action `name` on `claim` for `actor`; a refusal is the service's DomainError.

    `claim` is updated in place by the services (state, version). The outcome says whether the
    claim still awaits approval but lost its approved verdict: the edit, rating or retraction
    withdrew it (publishing and sending back end a draft by moving the claim on, which is no
    withdrawal).
    """
    action = ACTIONS.get(name)
    if action is None:
        raise DomainError(f"No action {name!r}.", code="not_found")
    had_draft = _has_draft(claim)
    result = action.run(actor, claim, inputs)
    withdrawn = had_draft and claim.state == ClaimState.AWAITING_APPROVAL and not _has_draft(claim)
    return ActionOutcome(result=result, approval_withdrawn=withdrawn)
