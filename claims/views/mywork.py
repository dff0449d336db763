"""Pages of one person's work: My work, the notifications, how they are e-mailed, and the small
JSON endpoints the live navigation badge and the @mention box ask.

Pages poll `mywork_status` (factcheck/static/live.js) as the claim page polls capture states; when
its version changes, My work and the notification list fetch their lists again (`?partial=1`)
and swap them in, so nobody reloads to see a new assignment.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from claims import mywork, notifications
from claims.models import Delivery, NotificationKind
from factcheck.errors import DomainError
from factcheck.pages import desk_required, post_only
from factcheck.roles import ROLES, is_editor
from factcheck.submissions import once_per_submission

LIST_HELP = {
    "assigned": "Open claims assigned to you.",
    "needs_rating": "Claims in review you have not rated yet (ratings are blind until you do).",
    "sent_back": "Claims an editor sent back to you, with what is missing.",
    "awaiting_approval": "Claims with their ratings, waiting for an editor.",
    "drafts": "Claims you created that nobody has started, and verdicts you approved but have "
    "not published.",
    "recheck": "Sources of verdicts you rated or approved that changed since.",
}


def _mywork_context(user: Any) -> dict[str, Any]:
    counts = mywork.mywork_counts(user)
    sections = [
        ("assigned", "Assigned to me", mywork.assigned_to_me(user)),
        ("sent_back", "Sent back to me", mywork.sent_back_to_me(user)),
    ]
    if mywork.may_be_asked_to_rate(user):
        sections.append(("needs_rating", "Needs my rating", mywork.needs_my_rating(user)))
    if is_editor(user):
        sections.append(
            ("awaiting_approval", "Awaiting my approval", mywork.awaiting_my_approval(user))
        )
    sections.append(("drafts", "My drafts", mywork.my_drafts(user)))
    return {
        "work_counts": counts,
        "sections": [
            {
                "key": key,
                "title": title,
                "rows": rows,
                "count": getattr(counts, key),
                "count_label": counts.label(key),
                "help": LIST_HELP[key],
            }
            for key, title, rows in sections
        ],
        "alerts": mywork.my_recheck_alerts(user),
        "list_size": mywork.MYWORK_LIST_SIZE,
    }


@desk_required
@require_GET
def mywork_page(request: HttpRequest) -> HttpResponse:
    context = _mywork_context(request.user)
    if request.GET.get("partial") == "1":
        return render(request, "claims/_mywork_lists.html", context)
    return render(request, "claims/mywork.html", context)


@desk_required
@require_GET
def mywork_status(request: HttpRequest) -> JsonResponse:
    """The navigation badge's numbers and a version that changes with any of my lists."""
    counts = mywork.mywork_counts(request.user)
    response = JsonResponse(
        {
            "version": counts.version,
            "waiting": counts.waiting,
            "unread": counts.unread,
            "counts": {key: getattr(counts, key) for key in mywork.LISTS},
            # What the badges say: a count past mywork.COUNT_CAP reads "100+".
            "labels": {
                "waiting": counts.waiting_label,
                "unread": counts.unread_label,
                **{key: counts.label(key) for key in mywork.LISTS},
            },
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if raw.isdigit() else None


@desk_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows, next_before = mywork.notifications_for(request.user, before=_before(request))
    context = {
        "notifications": rows,
        "next_link": f"?before={next_before}" if next_before else None,
        "paged": _before(request) is not None,
        "work_counts": mywork.mywork_counts(request.user),
    }
    if request.GET.get("partial") == "1":
        return render(request, "claims/_notification_list.html", context)
    return render(request, "claims/notifications.html", context)


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@desk_required
@post_only(back=lambda notification_id: reverse("claims:notifications"))
@once_per_submission
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        n = notifications.notification_mark_read(
            actor=request.user, notification_id=notification_id
        )
    except DomainError as exc:
        raise Http404(exc.message) from None
    if request.POST.get("open") == "1":
        return redirect("claims:detail", claim_id=n.claim_id)
    return redirect(_next_or(request, reverse("claims:notifications")))


@desk_required
@post_only(back=lambda: reverse("claims:notifications"))
@once_per_submission
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = notifications.notifications_mark_all_read(actor=request.user)
    messages.success(
        request, f"{n} notification{'s' if n != 1 else ''} marked read." if n else "Nothing unread."
    )
    return redirect(_next_or(request, reverse("claims:notifications")))


class PreferencesForm(forms.Form):
    """One choice per kind of notification: at once, in the daily digest, or the app only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect
            )


@desk_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save_preferences(request)
    form = PreferencesForm(initial=notifications.preferences_of(request.user))
    return render(request, "claims/notification_preferences.html", {"form": form})


@once_per_submission
def _save_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    if form.is_valid():
        notifications.notification_preferences_set(actor=request.user, choices=form.cleaned_data)
        messages.success(request, "Your notification choices are saved.")
        return redirect("claims:notification-preferences")
    return render(request, "claims/notification_preferences.html", {"form": form}, status=400)


MENTION_LIMIT = 8


@desk_required
@require_GET
def mention_candidates(request: HttpRequest) -> JsonResponse:
    """Desk members whose user name starts with `q` (for the comment box's @ autocomplete)."""
    q = request.GET.get("q", "").strip().lstrip("@")[:150]
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=ROLES) | Q(is_superuser=True))
        .filter(username__istartswith=q)
        .distinct()
        .order_by("username")
        .values("username", "first_name", "last_name")[:MENTION_LIMIT]
    )
    return JsonResponse(
        {
            "people": [
                {
                    "username": p["username"],
                    "name": f"{p['first_name']} {p['last_name']}".strip(),
                }
                for p in people
            ]
        }
    )
