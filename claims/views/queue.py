"""The claim queue page: the claims one may work on, filtered (claims.filters.ClaimFilter, the
API's too) and sorted, one keyset page at a time (claims.selectors.claim_queue)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from claims import deadlines, selectors
from claims.bulk_forms import bulk_context
from claims.figure_text import figure_text
from claims.models import Article, Claim, ClaimKind, ClaimState, RatingScale
from factcheck.pages import desk_required


class QueueForm(forms.Form):
    """The queue's filters (a GET form): each field narrows the list; blank means any."""

    q = forms.CharField(
        label="Search the claims",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "containers, exports …"}),
    )
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state"), *ClaimState.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *ClaimKind.choices]
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)
    article = forms.TypedChoiceField(label="Article", required=False, coerce=int, empty_value=None)
    rating = forms.ChoiceField(label="Rating", required=False)
    priority = forms.ChoiceField(label="Priority", required=False)
    due = forms.ChoiceField(
        label="Due", required=False, choices=[("", "Any time"), *deadlines.DUE_FILTERS.items()]
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _f, _d) in selectors.QUEUE_SORTS.items()],
    )

    def __init__(self, *args: Any, members: list, articles: list, scale: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody yet"),
            *((str(u.pk), u.get_username()) for u in members),
        ]
        self.fields["article"].choices = [
            ("", "Any article"),
            *((a.pk, a.title[:80]) for a in articles),
        ]
        self.fields["rating"].choices = [("", "Any rating"), *((s.slug, s.label) for s in scale)]
        self.fields["priority"].choices = [
            ("", "Any priority"),
            *(
                (deadlines.priority_slug(value) or "none", label)
                for value, label in deadlines.priority_choices()
            ),
        ]

    def filters(self) -> selectors.QueueFilters:
        """The valid filters; an invalid one (an edited URL) is dropped, not fatal."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return selectors.QueueFilters(**data)


QUEUE_ARTICLE_CHOICES = 30


def _queue_articles(selected: str | None) -> list[Article]:
    """The latest articles for the filter (older ones are reached from their article page)."""
    articles = list(
        Article.objects.only("id", "title").order_by("-published_on", "-id")[:QUEUE_ARTICLE_CHOICES]
    )
    if selected and selected.isdigit() and int(selected) not in {a.pk for a in articles}:
        articles += list(Article.objects.only("id", "title").filter(pk=int(selected)))
    return articles


@dataclass(frozen=True)
class QueueRow:
    """One queue row, its display strings made here: a 50-row page renders in a few ms."""

    pk: int
    url: str
    text: str
    kind: str
    changed: str
    article_url: str
    article_title: str
    figure: str
    period: str
    state: str
    state_label: str
    rating_slug: str
    rating_label: str
    sources: int
    archived: int
    pending: int
    failing: int
    assignee: str
    schedule: deadlines.Schedule


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _url_pattern(name: str) -> Callable[[int], str]:
    """reverse() once, then fill in the id: reversing 100 URLs per page costs more than the SQL."""
    marker = 987654321
    template = reverse(name, args=[marker])
    return lambda pk: template.replace(str(marker), str(pk))


KIND_LABELS = dict(ClaimKind.choices)
STATE_LABELS = dict(ClaimState.choices)


def _queue_figure(claim: Claim) -> str:
    """The first figure in words ("up 14%"), and how many more the claim holds."""
    if claim.value is None:
        return ""
    text = figure_text(
        value=claim.value,
        qualifier=claim.qualifier,
        unit=claim.unit,
        scale=claim.scale,
        value_high=getattr(claim, "first_value_high", None),
        direction=getattr(claim, "first_direction", None) or "none",
        change=getattr(claim, "first_change", None) or "level",
    )
    more = getattr(claim, "figure_count", 1) - 1
    return f"{text} and {more} more figure{'s' if more > 1 else ''}" if more > 0 else text


def queue_rows(claims: list[Claim]) -> list[QueueRow]:
    claim_url, article_url = _url_pattern("claims:detail"), _url_pattern("claims:article")
    today = deadlines.today()
    return [
        QueueRow(
            pk=c.pk,
            url=claim_url(c.pk),
            text=_shorten(c.text, 200),
            kind=KIND_LABELS.get(c.kind, c.kind),
            changed=timezone.localtime(c.updated_at).strftime("%-d %b %Y"),
            article_url=article_url(c.article_id) if c.article_id else "",
            article_title=_shorten(c.article.title, 60) if c.article_id else "",
            figure=_queue_figure(c),
            period=c.period_display,
            state=c.state,
            state_label=STATE_LABELS.get(c.state, c.state),
            rating_slug=c.rating.slug if c.rating_id else "",
            rating_label=c.rating.label if c.rating_id else "",
            sources=c.evidence_count,
            archived=c.sources_archived,
            pending=c.sources_pending,
            failing=c.sources_failing,
            assignee=c.assignee.get_username() if c.assignee_id else "—",
            schedule=deadlines.schedule_of(c.due_date, c.priority, c.state, today),
        )
        for c in claims
    ]


def queue_form(data: QueryDict) -> QueueForm:
    """The queue's filter form over `data` (unbound when empty), its choices filled in."""
    return QueueForm(
        data or None,
        members=list(selectors.desk_members()),
        articles=_queue_articles(data.get("article")),
        scale=list(RatingScale.objects.order_by("order")),
    )


def queue_filters(data: QueryDict) -> selectors.QueueFilters:
    form = queue_form(data)
    return form.filters() if form.is_bound else selectors.QueueFilters()


FILTER_NAMES = ("state", "kind", "assignee", "article", "rating", "q", "priority", "due")


def queue_page(
    request: HttpRequest,
    query: QueryDict,
    *,
    bulk: Any = None,
    selected: frozenset[int] = frozenset(),
    status: int = 200,
) -> HttpResponse:
    """The queue for the filters in `query`; `bulk` is a bound bulk form coming back with its
    errors (claims.views.bulk), `selected` the claims it had ticked."""
    form = queue_form(query)
    filters = form.filters() if form.is_bound else selectors.QueueFilters()
    page = selectors.claim_queue(
        request.user,
        filters,
        after=query.get("after", ""),
        before=query.get("before", ""),
    )
    query = query.copy()
    for key in ("after", "before"):
        query.pop(key, None)

    def page_link(key: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        params = query.copy()
        params[key] = cursor
        return "?" + params.urlencode()

    rows = queue_rows(page.rows)
    filter_query = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if query.get(name):
            filter_query[name] = query[name]
    return render(
        request,
        "claims/claim_queue.html",
        {
            "form": form,
            "rows": rows,
            "filtered": any(getattr(filters, f) for f in FILTER_NAMES),
            "next_link": page_link("after", page.next_cursor),
            "previous_link": page_link("before", page.previous_cursor),
            "first_link": ("?" + query.urlencode()) if page.previous_cursor else None,
            "filter_query": filter_query.urlencode(),
            **bulk_context(request.user, filters, rows, bulk=bulk, selected=selected),
        },
        status=status,
    )


@desk_required
@require_GET
def claim_queue(request: HttpRequest) -> HttpResponse:
    return queue_page(request, request.GET)
