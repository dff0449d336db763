"""My work: the lists of what waits for one person, and their counts for the navigation.

Each list is one selector and one query (related rows joined, the send-back comment and the
draft verdict read by correlated subqueries), whatever the number of rows; `mywork_counts` reads
every list's size and the unread notifications in one query too, for the navigation badge and
the live updates. Each list shows its newest MYWORK_LIST_SIZE rows; the count says how many
there are in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL

from claims.evidence.models import RecheckAlert
from claims.evidence.selectors import open_recheck_alerts
from claims.models import (
    Claim,
    ClaimComment,
    ClaimState,
    CommentKind,
    Notification,
    Rating,
    VerdictVersion,
)
from factcheck.roles import is_editor, is_fact_checker

MYWORK_LIST_SIZE = 20
NOTIFICATION_PAGE_SIZE = 50
S = ClaimState
OPEN_STATES = (S.NEW, S.RESEARCHING, S.IN_REVIEW, S.AWAITING_APPROVAL)


def may_be_asked_to_rate(user: Any) -> bool:
    """Fact-checkers rate; an editor only when the approver's own rating may count
    (settings.APPROVER_MAY_RATE): otherwise editors approve and are not asked to rate."""
    if not is_fact_checker(user):
        return False
    return not is_editor(user) or settings.APPROVER_MAY_RATE


def _claims() -> QuerySet[Claim]:
    return Claim.objects.select_related("article", "assignee")


def _sent_back_comment(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate the latest send-back comment: its text, its author and when."""
    latest = ClaimComment.objects.filter(claim_id=OuterRef("pk"), kind=CommentKind.SEND_BACK)
    latest = latest.order_by("-created_at", "-id")
    return claims.annotate(
        sent_back_comment=Subquery(latest.values("body")[:1]),
        sent_back_by=Subquery(latest.values("author__username")[:1]),
        sent_back_at=Subquery(latest.values("created_at")[:1]),
    )


# The filters, shared by the lists and the counts -----------------------------------------------


def _assigned(user: Any) -> Q:
    return Q(assignee_id=user.pk, state__in=OPEN_STATES)


def _needs_rating(user: Any) -> Q:
    if not may_be_asked_to_rate(user):
        return Q(pk__in=[])
    current = Rating.objects.filter(
        claim_id=OuterRef("pk"),
        reviewer_id=user.pk,
        content_revision__gte=OuterRef("content_revision"),
    )
    return Q(state=S.IN_REVIEW) & ~Q(Exists(current))


def _sent_back(user: Any) -> Q:
    sent = ClaimComment.objects.filter(claim_id=OuterRef("pk"), kind=CommentKind.SEND_BACK)
    return Q(assignee_id=user.pk, state=S.RESEARCHING) & Q(Exists(sent))


def _awaiting_approval(user: Any) -> Q:
    return Q(state=S.AWAITING_APPROVAL) if is_editor(user) else Q(pk__in=[])


def _drafts(user: Any) -> Q:
    # A union of two index lookups (the claim's creator; the verdict's approver), which an OR
    # would turn into a scan of every claim. An unpublished approved verdict exists only while
    # its claim awaits approval (sending back discards it, publishing publishes it).
    # No ORDER BY in either half: SQLite refuses one inside a compound subquery.
    created = Claim.objects.filter(state=S.NEW, created_by_id=user.pk).order_by().values("pk")
    approved = VerdictVersion.objects.filter(approved_by_id=user.pk, published_at__isnull=True)
    return Q(pk__in=created.union(approved.order_by().values("claim_id")))


def _recheck(user: Any) -> Q:
    rated = Rating.objects.filter(claim_id=OuterRef("claim_id"), reviewer_id=user.pk)
    approved = VerdictVersion.objects.filter(claim_id=OuterRef("claim_id"), approved_by_id=user.pk)
    return Q(resolved_at__isnull=True) & (Q(Exists(rated)) | Q(Exists(approved)))


# The lists -------------------------------------------------------------------------------------


def assigned_to_me(user: Any, *, limit: int = MYWORK_LIST_SIZE) -> list[Claim]:
    """Open claims assigned to me, latest change first; a sent-back one carries the comment."""
    rows = _sent_back_comment(_claims().filter(_assigned(user)))
    return list(rows.order_by("-updated_at", "-id")[:limit])


def needs_my_rating(user: Any, *, limit: int = MYWORK_LIST_SIZE) -> list[Claim]:
    """Claims in review that I have not rated (or rated before their last edit), oldest first."""
    rows = _claims().filter(_needs_rating(user))
    return list(rows.order_by("updated_at", "id")[:limit])


def sent_back_to_me(user: Any, *, limit: int = MYWORK_LIST_SIZE) -> list[Claim]:
    """My claims an editor sent back to research, with the editor's latest comment."""
    rows = _sent_back_comment(_claims().filter(_sent_back(user)))
    return list(rows.order_by("-sent_back_at", "-id")[:limit])


def awaiting_my_approval(user: Any, *, limit: int = MYWORK_LIST_SIZE) -> list[Claim]:
    """For editors: claims awaiting approval, longest waiting first, with any approved draft."""
    draft = VerdictVersion.objects.filter(claim_id=OuterRef("pk"), published_at__isnull=True)
    rows = _claims().filter(_awaiting_approval(user))
    rows = rows.annotate(
        draft_by=Subquery(draft.values("approved_by__username")[:1]),
        draft_rating=Subquery(draft.values("rating__label")[:1]),
    )
    return list(rows.order_by("updated_at", "id")[:limit])


def my_drafts(user: Any, *, limit: int = MYWORK_LIST_SIZE) -> list[Claim]:
    """Claims I created that nobody has started yet, and verdicts I approved, not published."""
    rows = _claims().filter(_drafts(user))
    return list(rows.order_by("-updated_at", "-id")[:limit])


def my_recheck_alerts(user: Any, *, limit: int = MYWORK_LIST_SIZE) -> list[RecheckAlert]:
    """Open re-check alerts on claims I rated or whose verdict I approved, newest first."""
    return list(open_recheck_alerts().filter(_recheck(user))[:limit])


# The counts ------------------------------------------------------------------------------------


# A count stops at COUNT_CAP + 1 rows: the badge says "100+" past it, and no count reads more
# rows than that however many claims wait (a desk of 100,000 claims counts as fast as one of 100).
COUNT_CAP = 100


def _counted(rows: QuerySet[Any]) -> RawSQL | Value:
    try:
        sql, params = rows.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
    except EmptyResultSet:  # a list this person does not have (an empty IN)
        return Value(0, output_field=IntegerField())
    # The inner SQL is Django's own compilation of the queryset, its values passed as params.
    wrapped = f"SELECT COUNT(*) FROM ({sql}) AS capped"  # noqa: S608
    return RawSQL(wrapped, params, output_field=IntegerField())  # noqa: S611


def count_label(n: int) -> str:
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


# What the navigation's number counts: what asks something of me (drafts are my own to finish,
# a send-back is among my assigned claims).
WAITING = ("assigned", "needs_rating", "awaiting_approval", "recheck")
LISTS = ("assigned", "needs_rating", "sent_back", "awaiting_approval", "drafts", "recheck")


@dataclass(frozen=True)
class WorkCounts:
    assigned: int
    needs_rating: int
    sent_back: int
    awaiting_approval: int
    drafts: int
    recheck: int
    unread: int
    # Changes whenever a list or the notifications change: the live pages redraw then.
    version: str

    def label(self, key: str) -> str:
        return count_label(getattr(self, key))

    @property
    def waiting_label(self) -> str:
        capped = any(getattr(self, k) > COUNT_CAP for k in WAITING)
        return f"{self.waiting}+" if capped else str(self.waiting)

    @property
    def unread_label(self) -> str:
        return count_label(self.unread)

    @property
    def waiting(self) -> int:
        """The navigation's number: what asks something of me (drafts are my own to finish)."""
        return sum(getattr(self, key) for key in WAITING)


def mywork_counts(user: Any) -> WorkCounts:
    """Every list's size and the unread notifications, in one query."""
    counts = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            assigned=_counted(Claim.objects.filter(_assigned(user))),
            needs_rating=_counted(Claim.objects.filter(_needs_rating(user))),
            sent_back=_counted(Claim.objects.filter(_sent_back(user))),
            awaiting_approval=_counted(Claim.objects.filter(_awaiting_approval(user))),
            drafts=_counted(Claim.objects.filter(_drafts(user))),
            recheck=_counted(RecheckAlert.objects.filter(_recheck(user))),
            unread=_counted(
                Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
            ),
            last_notification=Subquery(
                Notification.objects.filter(recipient_id=user.pk).order_by("-id").values("id")[:1]
            ),
            # The index on (assignee, updated_at) answers this from its last entry.
            last_change=Subquery(
                Claim.objects.filter(assignee_id=user.pk)
                .order_by("-updated_at")
                .values("updated_at")[:1]
            ),
        )
        .values(*LISTS, "unread", "last_notification", "last_change")
        .first()
    ) or dict.fromkeys((*LISTS, "unread"), 0)
    version = (
        "-".join(str(counts.get(k) or 0) for k in (*LISTS, "unread", "last_notification"))
        + f"-{counts.get('last_change') and counts['last_change'].timestamp()}"
    )
    return WorkCounts(**{k: counts.get(k) or 0 for k in (*LISTS, "unread")}, version=version)


def notifications_for(
    user: Any, *, before: int | None = None, limit: int = NOTIFICATION_PAGE_SIZE
) -> tuple[list[Notification], int | None]:
    """A page of my notifications, newest first, with their claim (one query), and the id to
    pass as `before` for the next page (None on the last). Ids grow with time: a keyset."""
    rows = Notification.objects.filter(recipient_id=user.pk)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.select_related("claim", "comment").order_by("-id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (page[-1].pk if more and page else None)
