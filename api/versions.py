"""Data versions per scope: what a consumer sees changes only when a service changes it.

Two tokens in the shared cache, each replaced when a row that its readers see is written:

* `desk`: the desk (fact-checkers, editors) sees every claim, so every write the API can show
  replaces it (as one data version did before).
* `public`: anonymous callers and consumer tokens see published claims only. It is replaced when
  a write touches a published claim (its verdicts, ratings, evidence, its sources and their
  captures), the rating scale, or who may call (tokens, users, roles). A desk login, a rating of
  an unpublished claim or a capture of a source that backs no published claim leave it alone,
  so consumers' ETags keep answering 304.

The writes are heard where the services make them: post_save/post_delete/m2m_changed of the
rows the API shows, and every audit event (each service writes one in its transaction, also for
`.update()` writes), classified by the object it is about. A token is replaced at once and again
on commit, so a reader that raced the transaction cannot keep an old page under the new token.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import transaction

from claims.evidence.models import Evidence
from claims.models import Claim, ClaimState
from sources.models import Capture

PUBLIC = "public"
DESK = "desk"
SCOPES = (PUBLIC, DESK)
KEYS = {PUBLIC: "api:data-version:public", DESK: "api:data-version:desk"}

# Rows whose change may change an API response; tokens and users also because the polled 304
# trusts what a process read of them only while the public version holds.
VERSIONED_MODELS = (
    "api.ApiToken",
    "claims.Article",
    "claims.Claim",
    "claims.RatingScale",
    "claims.Rating",
    "claims.VerdictVersion",
    "sources.Source",
    "claims.Evidence",
    "sources.Capture",
    "factcheck.AuditEvent",
    "auth.User",
)
# Who may call and what everyone is shown: a change reaches every caller.
_EVERYONE = {"api.apitoken", "auth.user", "claims.ratingscale", "auth.group"}
# Audit actions that change nothing a caller is shown.
_UNSEEN_ACTIONS = {"login.locked_out"}


def bump(*scopes: str) -> None:
    """Replace the tokens of these scopes now and again on commit."""
    for scope in scopes:
        _write(scope)
    if scopes and transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: [_write(scope) for scope in scopes], robust=True)


def bump_all(**kwargs: Any) -> None:
    """Signal receiver and helper: everything may have changed (tests, a migration, a flush)."""
    bump(*SCOPES)


def _write(scope: str) -> tuple[str, float]:
    value = (uuid.uuid4().hex, time.time())
    cache.set(KEYS[scope], value, timeout=None)
    return value


def read(request: Any, scope: str) -> tuple[str, float]:
    """(token, time of the last write) of a scope; made on first use (after a cache flush).

    Read once per request: the throttle reads both scopes in its own round trip to Redis and
    leaves them on the request, as this does when it reads them itself.
    """
    known = getattr(request, "_api_data_versions", None) if request is not None else None
    if known is None:
        known = {}
        if request is not None:
            request._api_data_versions = known
    value = known.get(scope)
    if isinstance(value, bytes):  # as the throttle's round trip read it, still encoded
        backend: Any = caches[DEFAULT_CACHE_ALIAS]  # django-redis: only it leaves bytes here
        value = known[scope] = backend.client.decode(value)
    if value is None:
        value = cache.get(KEYS[scope]) or _write(scope)
        known[scope] = value
    return value


def remember(request: Any, values: dict[str, Any]) -> None:
    """Keep versions read elsewhere (the throttle's round trip) on the request."""
    known = getattr(request, "_api_data_versions", None)
    if known is None:
        known = request._api_data_versions = {}
    known.update({scope: value for scope, value in values.items() if value is not None})


# Which scopes a write reaches -----------------------------------------------------------------


def _published_claims(claim_ids: Iterable[Any]) -> bool:
    ids = {pk for pk in claim_ids if pk is not None}
    return bool(ids) and Claim.objects.filter(pk__in=ids, state=ClaimState.PUBLISHED).exists()


def _backs_published(source_ids: Iterable[Any]) -> bool:
    ids = {pk for pk in source_ids if pk is not None}
    return (
        bool(ids)
        and Evidence.objects.filter(source_id__in=ids, claim__state=ClaimState.PUBLISHED).exists()
    )


def _sources_of_captures(capture_ids: Iterable[Any]) -> list[Any]:
    return list(Capture.objects.filter(pk__in=set(capture_ids)).values_list("source_id", flat=True))


def _row_is_public(label: str, instance: Any) -> bool:
    if label in _EVERYONE:
        return True
    if label == "claims.claim":
        return instance.state == ClaimState.PUBLISHED
    if label == "claims.article":
        return Claim.objects.filter(article_id=instance.pk, state=ClaimState.PUBLISHED).exists()
    if label in ("claims.rating", "claims.verdictversion", "claims.evidence"):
        return _published_claims([instance.claim_id])
    if label == "sources.source":
        return _backs_published([instance.pk])
    if label == "sources.capture":
        return _backs_published([instance.source_id])
    return True  # a row this module does not know: assume everyone sees it


def _events_are_public(events: list[Any]) -> bool:
    """Audit events, by the object each is about (one query per kind of object)."""
    events = [event for event in events if event.action not in _UNSEEN_ACTIONS]
    claims: list[Any] = []
    sources: list[Any] = []
    captures: list[Any] = []
    for event in events:
        if event.claim_id is not None:
            if ClaimState.PUBLISHED in (event.before.get("state"), event.after.get("state")):
                return True  # a claim published (or leaving published) in this write
            claims.append(event.claim_id)
        elif event.object_type == "claims.claim":
            claims.append(event.object_id)
        elif event.object_type == "sources.capture":
            captures.append(event.object_id)
        elif event.object_type == "sources.source":
            sources.append(event.object_id)
        elif event.object_type in ("claims.rating", "claims.verdictversion", "claims.evidence"):
            return True  # written without its claim: cannot tell, so assume it is seen
        elif event.object_type in ("claims.article", "api.webhooksubscription"):
            continue  # shown through its claims (heard on their own) or to no consumer
        else:
            return True
    if captures:
        sources += _sources_of_captures(captures)
    return _published_claims(claims) or _backs_published(sources)


def on_row_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save/post_delete of a versioned model: bump the scopes that see the row."""
    label = sender._meta.label_lower
    if label == "auth.user" and set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return  # a login: nothing any caller is shown changed
    if label == "factcheck.auditevent":
        public = _events_are_public(kwargs.get("events") or [instance])
    else:
        public = _row_is_public(label, instance)
    bump(*(SCOPES if public else (DESK,)))


def on_m2m_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Roles (a user's groups) reach everyone; a rating's or verdict's evidence, its claim's."""
    claim_id = getattr(instance, "claim_id", None)
    public = claim_id is None or _published_claims([claim_id])
    bump(*(SCOPES if public else (DESK,)))
