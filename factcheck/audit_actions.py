"""Every action the audit log records, with what it means: factcheck.audit refuses any other.

One list, so the history pages, the API and anyone reading the log know every word it may use,
and a typo in a service is an error at once rather than a new kind of event. Add an action here
when a service starts recording it (tests/factcheck/test_audit_actions.py finds the ones used).
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # People and access (factcheck, api)
    "user.created": "An account was made (manage.py create_user), with its role.",
    "user.invited": "A desk admin invited a person by e-mail, with a role (no password yet).",
    "user.invited_again": "An invitation was sent again to a person who has not set a password.",
    "user.invite_sent": "An invitation e-mail (a one-time set-password link) was sent.",
    "user.invite_email_failed": "An invitation e-mail could not be sent; the reason is kept.",
    "user.password_set": "A person chose their password from a one-time link.",
    "user.role_changed": "A desk admin changed a person's role.",
    "user.deactivated": "A desk admin deactivated an account; its history stays.",
    "user.reactivated": "A desk admin reactivated an account.",
    "login.locked_out": "Logging in was locked for an account or address after failed tries.",
    "api_token.created": "An API token was made for a consumer (shown once).",
    "api_token.revoked": "An API token was revoked; calls with it are refused.",
    "webhook.subscribed": "A webhook subscription was made (URL, events).",
    "webhook.updated": "A webhook subscription was changed (URL, events, active).",
    "webhook.unsubscribed": "A webhook subscription was removed.",
    # Notifications (claims)
    "notification.email_failed": "A notification's e-mail could not be sent after its retries.",
    "notification.digest_failed": "A person's daily digest could not be sent; the reason is kept.",
    "notifications.preferences_changed": "A person chose how each kind of notice reaches them.",
    # The rating scale (claims)
    "rating_scale.created": "An entry of the rating scale was added.",
    "rating_scale.updated": "An entry of the rating scale was changed (label, value, meaning...).",
    # Articles and their candidate claims (claims)
    "article.import_requested": "An article was asked for by URL; its capture was queued.",
    "article.imported": "An article's text was imported (pasted, uploaded or captured).",
    "article.import_failed": "An article's import failed; the reason is kept.",
    "article.updated": "An article's title, author, publisher or date was corrected.",
    "candidate.dismissed": "A candidate claim found in an article was dismissed.",
    "candidate.restored": "A dismissed candidate claim was brought back.",
    # Claims and the workflow (claims)
    "claim.created": "A claim was made (from a candidate, by hand or through the API).",
    "claim.updated": "A claim's text, figures, period or claimant was edited.",
    "claim.commented": "A comment was added to a claim.",
    "claim.assigned": "A claim was assigned to someone (or unassigned).",
    "claim.scheduled": "A claim's priority or due date was set (or cleared) by an editor.",
    "claim.bulk_refused": "A bulk action from the queue was refused for this claim; why is kept.",
    "claim.research_started": "Research on a claim began.",
    "claim.submitted_for_review": "A claim was sent for independent ratings.",
    "claim.approval_requested": "A claim's ratings are in: it awaits an editor's approval.",
    "claim.sent_back": "An editor sent a claim back to research, with a comment.",
    "claim.published": "A claim's verdict was published.",
    "claim.dismissed": "A claim was dismissed as not check-worthy.",
    "claim.restored": "A dismissed claim was brought back.",
    "rating.submitted": "A reviewer rated a claim, with a rationale and evidence.",
    "rating.revised": "A reviewer revised their rating (the old one is kept).",
    "rating.confirmed": "A reviewer confirmed their rating after the claim was edited.",
    "verdict.approved": "An editor approved a verdict draft.",
    "verdict.discarded": "An approved, unpublished verdict draft was withdrawn.",
    "verdict.corrected": "A published verdict was corrected (a new version with a public note).",
    # Evidence, matching and re-checks
    "evidence.added": "A source was linked to a claim.",
    "evidence.retracted": "A source's link to a claim was removed.",
    "evidence.matched": "Evidence matching looked for passages that bear on a claim.",
    "evidence.suggestion_confirmed": "A suggested passage was confirmed as evidence.",
    "evidence.suggestion_discarded": "A suggested passage was discarded.",
    "recheck.alert_raised": "A new capture changed or lost a passage a claim rests on.",
    "recheck.alert_resolved": "A re-check alert was looked at and resolved.",
    # The archive (sources)
    "source.created": "A new source (a normalised URL or an upload) was recorded.",
    "capture.queued": "A capture of a source was queued.",
    "capture.uploaded": "An uploaded file was stored as a capture.",
    "capture.handed_back": "A busy host handed a capture back to the queue (no attempt used).",
    "capture.retry_scheduled": "A capture failed for now; its retry is scheduled (with backoff).",
    "capture.requeued": "The sweep queued a lost or abandoned capture again.",
    "capture.archived": "A capture was archived whole (WARC, hash, text).",
    "capture.partial": "A capture is an incomplete copy: what arrived is archived.",
    "capture.failed": "A capture failed; the reason is kept.",
    "capture.blocked": "A capture was refused (a forbidden address, scheme or size).",
    "capture.packaged": "A capture was packaged as WACZ (signed and timestamped where configured).",
    "capture.package_failed": "A capture's WACZ package could not be written; the reason is kept.",
    "capture.text_read": "The text of a capture was read (or failed to be, with why).",
    "capture.text_rerun_requested": "Reading a capture's text again was asked for.",
}


def describe(action: str) -> str:
    return ACTIONS[action]
