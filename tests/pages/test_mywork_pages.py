"""My work, the notification pages and their JSON endpoints, through Django's test client: who
may see them, what they show, and a query count that does not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import mywork
from claims.evidence.models import RecheckAlert
from claims.models import ClaimState, Delivery, Notification, NotificationPreference
from claims.services import claim_assign, claim_comment_add, claim_send_back
from factcheck.roles import EDITOR, FACT_CHECKER
from factcheck.submissions import FIELD, new_token
from sources.models import Capture

S = ClaimState
PAGES = [
    "claims:mywork",
    "claims:mywork-status",
    "claims:notifications",
    "claims:mention-candidates",
]


@pytest.mark.parametrize("name", PAGES)
def test_only_the_desk_sees_its_work(name, client_for, outsider, fact_checker):
    url = reverse(name)
    anonymous = client_for().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(fact_checker).get(url).status_code == 200


def test_my_work_shows_my_assignment_and_the_send_back_comment(
    client_for, claim_in, make_user, editor
):
    me = make_user(FACT_CHECKER)
    claim_assign(
        actor=editor, claim=claim_in(S.NEW, text="Cement output rose 18% in May."), assignee=me
    )
    back = claim_in(S.AWAITING_APPROVAL, assignee=me, ratings=2, text="Bus fares doubled.")
    claim_send_back(actor=editor, claim=back, comment="Quote the transport ministry's notice.")
    page = client_for(me).get(reverse("claims:mywork")).content.decode()
    assert "Cement output rose 18% in May." in page
    assert "Quote the transport ministry&#x27;s notice." in page
    assert "Awaiting my approval" not in page  # a fact-checker approves nothing
    status = client_for(me).get(reverse("claims:mywork-status")).json()
    assert status["counts"]["assigned"] == 2 and status["counts"]["sent_back"] == 1
    assert status["unread"] == 2 and status["waiting"] == 2
    editor_page = client_for(editor).get(reverse("claims:mywork")).content.decode()
    assert "Awaiting my approval" in editor_page


def _fill(claim_in, make_user, editor, me, n):
    for i in range(n):
        claim_assign(actor=editor, claim=claim_in(S.NEW, text=f"Claim number {i}."), assignee=me)
        back = claim_in(S.AWAITING_APPROVAL, assignee=me, ratings=2)
        claim_send_back(actor=editor, claim=back, comment=f"Missing source {i}.")
        claim_in(S.IN_REVIEW)
        claim_in(S.AWAITING_APPROVAL, ratings=2, verdict=True)


@pytest.mark.parametrize("name", ["claims:mywork", "claims:notifications", "claims:mywork-status"])
def test_the_pages_make_as_many_queries_for_many_rows_as_for_few(
    name, client_for, claim_in, make_user, django_assert_max_num_queries
):
    editor = make_user(EDITOR)
    counts = []
    for n in (1, 5):
        me = make_user(FACT_CHECKER)
        _fill(claim_in, make_user, editor, me, n)
        client = client_for(me)
        client.get(reverse(name))  # the session's first read
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(12):
        client.get(reverse(name))


def test_reading_notifications_marks_them_and_counts_drop(client_for, claim_in, make_user, editor):
    me = make_user(FACT_CHECKER)
    for text in ("Tin exports rose.", "Salt imports fell."):
        claim_assign(actor=editor, claim=claim_in(S.NEW, text=text), assignee=me)
    client = client_for(me)
    first, second = Notification.objects.filter(recipient=me).order_by("id")
    opened = client.post(
        reverse("claims:notification-read", args=[first.pk]), {"open": "1", FIELD: new_token()}
    )
    assert opened.status_code == 302 and opened["Location"] == f"/claims/{first.claim_id}/"
    assert client.get(reverse("claims:mywork-status")).json()["unread"] == 1
    # Someone else's notification is not theirs to read.
    other = client_for(editor).post(reverse("claims:notification-read", args=[second.pk]))
    assert other.status_code == 404
    client.post(reverse("claims:notifications-read"), {FIELD: new_token()}, follow=True)
    assert client.get(reverse("claims:mywork-status")).json()["unread"] == 0
    page = client.get(reverse("claims:notifications")).content.decode()
    assert "Tin exports rose." in page and "Salt imports fell." in page
    assert "Not e-mailed: you have no e-mail address on your account" in page


def test_the_notification_list_pages_by_cursor(client_for, claim_in, make_user):
    me = make_user(FACT_CHECKER)
    for i in range(mywork.NOTIFICATION_PAGE_SIZE + 3):
        Notification.objects.create(
            recipient=me, kind="mention", claim=claim_in(S.NEW), message=f"Mention {i:02d}."
        )
    client = client_for(me)
    page = client.get(reverse("claims:notifications"))
    assert f"Mention {mywork.NOTIFICATION_PAGE_SIZE + 2:02d}." in page.content.decode()
    assert "Mention 02." not in page.content.decode()
    older = page.context["next_link"]
    rest = client.get(reverse("claims:notifications") + older).content.decode()
    assert "Mention 02." in rest and "Mention 00." in rest and page.context["next_link"]


def test_each_person_saves_how_each_kind_reaches_them(client_for, fact_checker):
    client = client_for(fact_checker)
    form = client.get(reverse("claims:notification-preferences"))
    assert "Mentioned in a comment" in form.content.decode()
    data = {kind: Delivery.IMMEDIATE for kind in form.context["form"].fields}
    data.update(mention=Delivery.DAILY, published=Delivery.APP)
    saved = client.post(reverse("claims:notification-preferences"), {**data, FIELD: new_token()})
    assert saved.status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=fact_checker).values_list("kind", "delivery")
    )
    assert chosen["mention"] == "daily" and chosen["published"] == "app"
    bad = client.post(reverse("claims:notification-preferences"), {**data, "mention": "weekly"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert NotificationPreference.objects.get(user=fact_checker, kind="mention").delivery == "daily"


def test_mention_candidates_are_desk_members_by_the_start_of_their_name(
    client_for, make_user, outsider
):
    make_user(FACT_CHECKER, username="sokha")
    make_user(EDITOR, username="sophea")
    make_user(FACT_CHECKER, username="dara")
    me = make_user(FACT_CHECKER)
    found = client_for(me).get(reverse("claims:mention-candidates"), {"q": "@so"}).json()
    assert [p["username"] for p in found["people"]] == ["sokha", "sophea"]
    outsider.username = "sorrel"
    outsider.save()
    found = client_for(me).get(reverse("claims:mention-candidates"), {"q": "so"}).json()
    assert "sorrel" not in [p["username"] for p in found["people"]]


def test_a_comment_box_mention_notifies_through_the_page(client_for, claim_in, make_user):
    author, named = make_user(FACT_CHECKER), make_user(FACT_CHECKER, username="vanna")
    claim = claim_in(S.RESEARCHING)
    page = client_for(author).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'data-mention-url="/people/mentions.json"' in page
    client_for(author).post(
        reverse("claims:action", args=[claim.pk, "comment"]),
        {"comment-body": "@vanna please check the port table", FIELD: new_token()},
    )
    assert Notification.objects.get(recipient=named).kind == "mention"
    claim_comment_add(actor=named, claim=claim, body="Done.")


def test_the_dashboard_shows_editors_the_recheck_alerts(
    client_for, editor, fact_checker, claim_in, evidence_for
):
    claim = claim_in(S.PUBLISHED, text="Pepper exports reached 95,000 tonnes.")
    evidence = evidence_for(claim)
    old = Capture.objects.create(source=evidence.source, state="archived", sha256="a" * 64)
    new = Capture.objects.create(source=evidence.source, state="archived", sha256="b" * 64)
    RecheckAlert.objects.create(
        claim=claim, evidence=evidence, old_capture=old, new_capture=new, reason="changed"
    )
    dashboard = client_for(editor).get(reverse("home")).content.decode()
    assert "Re-check alerts" in dashboard and "Pepper exports reached 95,000 tonnes." in dashboard
    assert "Re-check alerts" not in client_for(fact_checker).get(reverse("home")).content.decode()
