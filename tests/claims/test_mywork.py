"""My work's lists: each shows what waits for this person, and reads in one query at any size."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims import mywork
from claims.evidence.models import RecheckAlert
from claims.evidence.services import recheck_alert_resolve
from claims.models import Claim, ClaimComment, ClaimState, CommentKind, Rating, VerdictVersion
from claims.services import claim_assign, claim_create, claim_send_back
from factcheck.roles import EDITOR, FACT_CHECKER
from sources.models import Capture

S = ClaimState


def _rate(claim, reviewer, scale, *, revision=1):
    return Rating.objects.create(
        claim=claim,
        reviewer=reviewer,
        scale=scale("false"),
        rationale="The port authority's own table disagrees.",
        content_revision=revision,
    )


def test_assigned_to_me_lists_my_open_claims_only(claim_in, make_user):
    me, other = make_user(FACT_CHECKER), make_user(FACT_CHECKER)
    mine = claim_in(S.RESEARCHING, assignee=me, text="Rice exports doubled.")
    claim_in(S.PUBLISHED, assignee=me)
    claim_in(S.DISMISSED, assignee=me)
    claim_in(S.RESEARCHING, assignee=other)
    assert [c.pk for c in mywork.assigned_to_me(me)] == [mine.pk]


def test_needs_my_rating_leaves_out_what_i_rated_and_what_is_not_in_review(
    claim_in, make_user, scale
):
    me = make_user(FACT_CHECKER)
    waiting = claim_in(S.IN_REVIEW, text="Garment orders fell by a fifth.")
    rated = claim_in(S.IN_REVIEW)
    _rate(rated, me, scale)
    claim_in(S.RESEARCHING)
    # Rated before the statement was edited: my rating is stale, so it needs me again.
    edited = claim_in(S.IN_REVIEW, text="Tourist arrivals rose 9%.")
    _rate(edited, me, scale)
    Claim.objects.filter(pk=edited.pk).update(content_revision=2)
    assert {c.pk for c in mywork.needs_my_rating(me)} == {waiting.pk, edited.pk}


def test_editors_are_asked_to_rate_only_when_the_approver_may_rate(claim_in, editor, settings):
    waiting = claim_in(S.IN_REVIEW)
    settings.APPROVER_MAY_RATE = False
    assert mywork.needs_my_rating(editor) == []
    assert mywork.mywork_counts(editor).needs_rating == 0
    settings.APPROVER_MAY_RATE = True
    assert [c.pk for c in mywork.needs_my_rating(editor)] == [waiting.pk]


def test_sent_back_to_me_carries_the_editors_comment(claim_in, make_user, editor):
    me = make_user(FACT_CHECKER)
    claim = claim_in(S.AWAITING_APPROVAL, assignee=me, ratings=2)
    claim_send_back(actor=editor, claim=claim, comment="The 2019 baseline is missing.")
    claim_in(S.RESEARCHING, assignee=me)  # researching, never sent back
    rows = mywork.sent_back_to_me(me)
    assert [c.pk for c in rows] == [claim.pk]
    assert rows[0].sent_back_comment == "The 2019 baseline is missing."
    assert rows[0].sent_back_by == editor.username
    flagged = {c.pk: c.sent_back_comment for c in mywork.assigned_to_me(me)}
    assert flagged[claim.pk] == "The 2019 baseline is missing."
    assert list(flagged.values()).count(None) == 1


def test_awaiting_my_approval_is_for_editors(claim_in, fact_checker, editor):
    waiting = claim_in(S.AWAITING_APPROVAL, ratings=2, verdict=True)
    claim_in(S.IN_REVIEW)
    rows = mywork.awaiting_my_approval(editor)
    assert [c.pk for c in rows] == [waiting.pk]
    assert rows[0].draft_rating == "False"
    assert mywork.awaiting_my_approval(fact_checker) == []


def test_my_drafts_are_my_unstarted_claims_and_my_unpublished_approvals(
    claim_in, make_user, editor, scale
):
    me = make_user(FACT_CHECKER)
    mine = claim_create(actor=me, text="Electricity imports from Laos tripled.")
    claim_create(actor=make_user(FACT_CHECKER), text="Someone else's draft.")
    approved = claim_in(S.AWAITING_APPROVAL, ratings=2)
    VerdictVersion.objects.create(
        claim=approved,
        number=1,
        rating=scale("false"),
        conclusion="False.",
        explanation="The figures say otherwise.",
        approved_by=editor,
        approved_at=timezone.now(),
    )
    assert [c.pk for c in mywork.my_drafts(me)] == [mine.pk]
    assert [c.pk for c in mywork.my_drafts(editor)] == [approved.pk]


@pytest.fixture
def alert_on(evidence_for):
    def make(claim):
        evidence = evidence_for(claim)
        old = Capture.objects.create(
            source=evidence.source, state="archived", sha256="a" * 64, text="Old text."
        )
        new = Capture.objects.create(
            source=evidence.source, state="archived", sha256="b" * 64, text="New text."
        )
        return RecheckAlert.objects.create(
            claim=claim, evidence=evidence, old_capture=old, new_capture=new, reason="changed"
        )

    return make


def test_recheck_alerts_reach_whoever_rated_or_approved(claim_in, make_user, scale, alert_on):
    rater = make_user(FACT_CHECKER)
    published = claim_in(S.PUBLISHED)
    _rate(published, rater, scale)
    approver = published.verdicts.get().approved_by
    alert = alert_on(published)
    alert_on(claim_in(S.PUBLISHED))  # nobody here rated it
    assert [a.pk for a in mywork.my_recheck_alerts(rater)] == [alert.pk]
    assert [a.pk for a in mywork.my_recheck_alerts(approver)] == [alert.pk]
    assert mywork.my_recheck_alerts(make_user(FACT_CHECKER)) == []
    recheck_alert_resolve(actor=approver, alert=alert, note="The verdict still stands.")
    assert mywork.my_recheck_alerts(rater) == []


def _desk(claim_in, make_user, scale, alert_on, me, editor, n):
    """n claims in every list of `me` (a fact-checker) and of `editor`."""
    for i in range(n):
        claim_in(S.RESEARCHING, assignee=me, text=f"Assigned claim {i}.")
        claim_in(S.IN_REVIEW, text=f"Claim to rate {i}.")
        back = claim_in(S.RESEARCHING, assignee=me, text=f"Sent back {i}.")
        ClaimComment.objects.create(
            claim=back,
            author=editor,
            kind=CommentKind.SEND_BACK,
            body=f"Check the source {i}.",
            claim_state=S.AWAITING_APPROVAL,
        )
        claim_in(S.AWAITING_APPROVAL, ratings=1, verdict=True, text=f"Waiting {i}.")
        claim_create(actor=me, text=f"Draft {i}.")
        published = claim_in(S.PUBLISHED, text=f"Published {i}.")
        _rate(published, me, scale)
        alert_on(published)


@pytest.mark.parametrize("n", [2, 6])
def test_every_list_reads_in_one_query_whatever_its_size(
    n, claim_in, make_user, scale, alert_on, editor, settings, django_assert_num_queries
):
    settings.APPROVER_MAY_RATE = True
    me = make_user(FACT_CHECKER)
    _desk(claim_in, make_user, scale, alert_on, me, editor, n)
    me, editor = type(me).objects.get(pk=me.pk), type(editor).objects.get(pk=editor.pk)
    for user in (me, editor):
        mywork.may_be_asked_to_rate(user)  # the role, read once per request
    lists = {
        mywork.assigned_to_me: me,
        mywork.needs_my_rating: me,
        mywork.sent_back_to_me: me,
        mywork.awaiting_my_approval: editor,
        mywork.my_drafts: me,
        mywork.my_recheck_alerts: me,
    }
    for selector, user in lists.items():
        with django_assert_num_queries(1):
            rows = selector(user)
            for row in rows:
                # What the page shows of each row: no query per row.
                str(getattr(row, "article", None)), str(getattr(row, "assignee", None))
                if isinstance(row, RecheckAlert):
                    str(row.claim.text), str(row.evidence.source)
        assert len(rows) >= n, selector.__name__
    with django_assert_num_queries(1):
        counts = mywork.mywork_counts(me)
    assert (counts.assigned, counts.sent_back, counts.drafts, counts.recheck) == (2 * n, n, n, n)
    assert counts.needs_rating == n
    assert mywork.mywork_counts(editor).awaiting_approval == n


def test_the_counts_version_changes_when_a_list_does(claim_in, make_user, editor):
    me = make_user(FACT_CHECKER)
    before = mywork.mywork_counts(me).version
    claim = claim_in(S.NEW)
    claim_assign(actor=editor, claim=claim, assignee=me)
    after = mywork.mywork_counts(me)
    assert after.version != before
    assert after.assigned == 1 and after.unread == 1 and after.waiting == 1
    assert mywork.mywork_counts(make_user(EDITOR)).assigned == 0


def test_counts_stop_at_the_cap_and_say_so(claim_in, make_user, editor, settings):
    me = make_user(FACT_CHECKER)
    for i in range(mywork.COUNT_CAP + 2):
        claim_in(S.RESEARCHING, assignee=me, text=f"Assigned claim {i}.")
    counts = mywork.mywork_counts(me)
    assert counts.assigned == mywork.COUNT_CAP + 1
    assert counts.label("assigned") == f"{mywork.COUNT_CAP}+"
    assert counts.waiting_label == f"{mywork.COUNT_CAP + 1}+"
    assert len(mywork.assigned_to_me(me)) == mywork.MYWORK_LIST_SIZE
    assert mywork.mywork_counts(editor).label("assigned") == "0"
