"""The API's wiring: webhooks hear the workflow's signals, and writes of what a consumer may see
move the data version (api.conditional). Connected by ApiConfig.ready()."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from api.services import on_claim_state_changed, on_verdict_published
from api.versions import VERSIONED_MODELS, on_m2m_changed, on_row_written
from claims.models import Rating, VerdictVersion
from claims.signals import claim_state_changed, verdict_published


def connect() -> None:
    claim_state_changed.connect(on_claim_state_changed, dispatch_uid="api-webhooks-state")
    verdict_published.connect(on_verdict_published, dispatch_uid="api-webhooks-verdict")

    for label in VERSIONED_MODELS:
        model = apps.get_model(label)
        uid = f"api-version-{label}"
        post_save.connect(on_row_written, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(on_row_written, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (
        get_user_model().groups.through,
        Rating.evidence.through,
        VerdictVersion.evidence.through,
    ):
        m2m_changed.connect(
            on_m2m_changed, sender=through, dispatch_uid=f"api-version-m2m-{through}"
        )
