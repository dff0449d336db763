"""One action per form submission: a one-time token in every POST form, and the views that
create or change rows act on each token once.

Every ``{% csrf_token %}`` in our templates also renders a hidden ``submission_token`` (the tag is
replaced by factcheck.templatetags.submissions, a template builtin), so no form can forget it. A
view decorated with ``once_per_submission`` records the token in the same transaction as its
writes; the same token again (a double click, a browser resending a POST, a script posting twice)
is answered with the first submission's redirect and messages instead of a second comment, source
or rating, or a version-conflict page. Two copies arriving at the same moment queue on the token's
primary key: the second waits for the first to commit and then sees its result.

A submission that did not succeed (the form is shown again with its errors) keeps no token, so the
same form may be sent again once corrected. The same token with other content (a page brought
back from the browser's history and filled in again) is acted on: only an identical resend is
a repeat. POSTs without a token (API clients, old pages) are acted on as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone

from factcheck.models import SubmittedForm

FIELD = "submission_token"
REPEATED = "This form had already been sent; it was acted on once. Here is the result."
# Long enough for any resend a browser or a person makes; older tokens are forgotten.
KEEP_FOR = dt.timedelta(days=2)


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request: HttpRequest) -> uuid.UUID | None:
    raw = request.POST.get(FIELD, "")
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None  # not one of ours: act on it like a form without a token


def _fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the fields and files sent (not the tokens), to tell a resend from a new form."""
    fields = sorted(
        (name, value)
        for name, values in request.POST.lists()
        for value in values
        if name not in (FIELD, "csrfmiddlewaretoken")
    )
    files = sorted(
        (name, f.name or "", f.size or 0) for name, fs in request.FILES.lists() for f in fs
    )
    return hashlib.sha256(json.dumps([fields, files]).encode()).hexdigest()


def _replay(request: HttpRequest, earlier: SubmittedForm) -> HttpResponse:
    for level, text in earlier.result_messages:
        messages.add_message(request, level, text)
    messages.info(request, REPEATED)
    return redirect(earlier.result_url)


def _queued_messages(request: HttpRequest) -> list[tuple[int, str]]:
    # Django keeps the messages added during this request in _queued_messages until the response
    # stores them; reading them there leaves them in place for the page they lead to.
    storage = getattr(request, "_messages", None)
    return [(m.level, str(m.message)) for m in getattr(storage, "_queued_messages", [])]


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Act on a POST's submission token once; a repeat gets the first result (see the module)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = SubmittedForm.objects.create(
                        token=token,
                        user=request.user,
                        path=request.path[:300],
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                earlier = SubmittedForm.objects.filter(token=token, user=request.user).first()
                if earlier is None or not earlier.result_url:
                    return HttpResponse(
                        "This form token belongs to another submission; reload the page.",
                        status=400,
                        content_type="text/plain; charset=utf-8",
                    )
                if earlier.fingerprint != fingerprint:
                    # A form used again with other content: a new submission, acted on.
                    return view(request, *args, **kwargs)
                return _replay(request, earlier)
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseRedirect):
                record.result_url = response["Location"]
                record.result_messages = _queued_messages(request)
                record.save(update_fields=["result_url", "result_messages"])
            else:
                # Not acted on (the form comes back with its errors): it may be sent again.
                record.delete()
            return response

    return wrapped


def submissions_forget_old(*, now: dt.datetime | None = None) -> int:
    """Delete tokens older than KEEP_FOR; returns how many (a periodic task calls it)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=cutoff).delete()
    return deleted
