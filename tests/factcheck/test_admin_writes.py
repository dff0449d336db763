"""The admin's writes go through services: each lands in the audit log with who made it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import WebhookSubscription
from claims.models import RatingScale
from factcheck.models import AuditEvent

pytestmark = pytest.mark.django_db


def _change_form(entry: RatingScale, **changes) -> dict:
    fields = ("slug", "label", "rating_value", "colour", "meaning", "order")
    data = {name: getattr(entry, name) for name in fields}
    data.update(active="on" if entry.active else "", graded="on" if entry.graded else "")
    data["rating_value"] = data["rating_value"] or ""
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_an_editor_s_change_to_the_rating_scale_is_audited(client, editor):
    entry = RatingScale.objects.get(slug="misleading")
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_ratingscale_change", args=[entry.pk]),
        _change_form(entry, meaning="True figures arranged to give a false picture."),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.meaning == "True figures arranged to give a false picture."
    event = AuditEvent.objects.get(action="rating_scale.updated")
    assert event.actor_name == editor.username and event.object_id == str(entry.pk)
    assert event.after == {"meaning": "True figures arranged to give a false picture."}
    assert "meaning" in event.before


def test_a_new_scale_entry_from_the_admin_is_audited(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_ratingscale_add"),
        {"slug": "needs-context", "label": "Needs context", "colour": "#3366aa", "order": 99},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="rating_scale.created")
    assert event.actor_name == editor.username and event.after["label"] == "Needs context"


def test_a_scale_entry_cannot_be_deleted_from_the_admin(client, staff_admin):
    entry = RatingScale.objects.get(slug="unproven")
    client.force_login(staff_admin)
    response = client.post(
        reverse("admin:claims_ratingscale_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert RatingScale.objects.filter(pk=entry.pk).exists()


def test_pausing_and_removing_a_subscription_in_the_admin_is_audited(
    client,
    staff_admin,
    make_user,
):
    subscription = WebhookSubscription.objects.create(
        owner=make_user(), url="https://cms.example/hooks", events=["verdict.published"]
    )
    client.force_login(staff_admin)
    response = client.post(
        reverse("admin:api_webhooksubscription_change", args=[subscription.pk]), {}
    )  # the active box left unticked
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.active is False
    paused = AuditEvent.objects.get(action="webhook.updated")
    assert paused.actor_name == staff_admin.username and paused.after == {"active": False}

    response = client.post(
        reverse("admin:api_webhooksubscription_delete", args=[subscription.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    assert AuditEvent.objects.get(action="webhook.unsubscribed").actor_name == staff_admin.username
