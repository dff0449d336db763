"""Sources, one per normalised URL: made (and audited) on first use, refused at once when
the fetcher would block their host; the fetcher's limits from settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from factcheck.audit import audit_record
from factcheck.errors import DomainError
from sources import fetcher
from sources.models import Source, SourceKind
from sources.policy import fetch_policy  # noqa: F401 - re-exported by sources.services

SOURCES = "source-registry"  # a Source made with no person behind it and no caller's name


def _guess_kind(url: str) -> str:
    return SourceKind.PDF if urlsplit(url).path.lower().endswith(".pdf") else SourceKind.WEB_PAGE


def source_url_check(normalised: str) -> None:
    """Refuse (DomainError) a URL the fetcher would block: its host resolves to a refused address.

    The fetcher's own check (fetcher.check_target) decides, so there is one set of address rules.
    A DNS failure or timeout is not a refusal: the capture retries it and says what happened.
    """
    policy = fetch_policy()
    try:
        fetcher.check_target(normalised, policy, timeout=min(policy.connect_timeout, 5.0))
    except fetcher.Blocked as exc:
        raise DomainError(
            f"This URL cannot be archived: {exc.reason}.", fields={"url": [exc.reason]}
        ) from None
    except fetcher.FetchError:
        return


@transaction.atomic
def source_for_url(
    normalised: str, *, actor: Any = None, system_actor: str = ""
) -> tuple[Source, bool]:
    """The one Source of a normalised URL, made (and audited) on first use.

    Every door that adds a URL comes through here, so with SOURCE_LINK_RESOLVE (production) a
    URL the fetcher would block is refused now, with its reason, not queued and blocked later.
    """
    if settings.SOURCE_LINK_RESOLVE:
        source_url_check(normalised)
    source, created = Source.objects.get_or_create(
        url=normalised,
        defaults={
            "domain": urlsplit(normalised).hostname or "",
            "kind": _guess_kind(normalised),
            "created_by": actor,
        },
    )
    if created:
        _source_created(source, actor=actor, system_actor=system_actor)
    return source, created


def _source_created(source: Source, *, actor: Any, system_actor: str, **details: Any) -> None:
    audit_record(
        action="source.created",
        obj=source,
        actor=actor,
        system_actor="" if actor else (system_actor or SOURCES),
        after={"url": source.url, "kind": source.kind, "domain": source.domain, **details},
    )
