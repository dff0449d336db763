"""Linking a source to a claim: a URL (its Source reused, a capture queued) or an uploaded file."""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction

from claims.evidence.models import (
    Evidence,
    Relation,
)
from factcheck.audit import audit_record
from factcheck.errors import DomainError
from factcheck.roles import require_fact_checker
from sources.models import CaptureState
from sources.normalise import InvalidURL, normalise_url
from sources.services import capture_request, source_for_url, upload_store


@transaction.atomic
def source_link(
    *,
    actor: Any,
    claim: Any,
    url: str,
    relation: str = Relation.CITED,
    note: str = "",
    system_actor: str = "",
) -> Evidence:
    """Link a URL to a claim: normalise it, reuse its Source, record the Evidence, queue a capture.

    A source already archived (or being archived) is not fetched again; use capture_request to
    capture it anew.
    """
    require_fact_checker(actor, "add sources", system_ok=True)
    if relation not in Relation.values:
        raise DomainError(f"unknown relation {relation!r}", fields={"relation": ["invalid"]})
    try:
        normalised = normalise_url(url)
    except InvalidURL as exc:
        raise DomainError(
            f"This URL cannot be archived: {exc}", fields={"url": [str(exc)]}
        ) from None
    source, created = source_for_url(normalised, actor=actor, system_actor=system_actor)
    # A retracted link stays for the record; linking the source again makes a new one.
    evidence = Evidence.objects.filter(
        claim=claim,
        source=source,
        relation=relation,
        passage_start__isnull=True,
        retracted_at__isnull=True,
    ).first()
    if evidence is None:
        evidence = Evidence.objects.create(
            claim=claim, source=source, relation=relation, note=note.strip(), added_by=actor
        )
        audit_record(
            action="evidence.added",
            obj=evidence,
            actor=actor,
            system_actor=system_actor,
            claim=claim,
            after={"url": normalised, "relation": relation, "source_created": created},
        )
    has_capture = source.captures.exclude(
        state__in=[CaptureState.FAILED, CaptureState.BLOCKED, CaptureState.PARTIAL]
    ).exists()
    if not has_capture:
        capture_request(actor=actor, source=source, system_actor=system_actor)
    return evidence


@transaction.atomic
def source_upload(
    *,
    actor: Any,
    claim: Any,
    upload: IO[bytes],
    filename: str,
    content_type: str | None = None,
    relation: str = Relation.CITED,
    title: str = "",
) -> Evidence:
    """Archive an uploaded file as a source: typed by its content, hashed and stored as a WARC
    here; its text is read by a worker (in a limited child process) once this commits.

    ``content_type`` (the browser's label) is not trusted: the bytes say what the file is.
    """
    require_fact_checker(actor, "add sources", system_ok=True)
    if relation not in Relation.values:
        raise DomainError(f"unknown relation {relation!r}", fields={"relation": ["invalid"]})
    source, _ = upload_store(actor=actor, upload=upload, filename=filename, title=title)
    sha256 = source.upload_sha256
    evidence, made = Evidence.objects.get_or_create(
        claim=claim,
        source=source,
        relation=relation,
        passage_start=None,
        retracted_at=None,
        defaults={"added_by": actor},
    )
    if made:
        audit_record(
            action="evidence.added",
            obj=evidence,
            actor=actor,
            claim=claim,
            after={"upload": filename, "sha256": sha256, "relation": relation},
        )
    return evidence
