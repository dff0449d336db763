"""Desk pages for articles: import (text, file, URL), the highlighted body, candidate decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims import consistency, selectors, services
from claims.candidates import CandidateDraft, candidate_draft
from claims.extraction import MAX_TEXT_CHARS
from claims.figure_forms import WithFigures
from claims.models import Article, ClaimKind, DatePrecision
from claims.services.importing import MAX_UPLOAD_BYTES
from factcheck.date_input import DateField
from factcheck.errors import DomainError
from factcheck.pages import desk_required, place_error_in_form, post_only
from factcheck.submissions import once_per_submission

LIMITS = {
    "max_chars": services.MAX_ARTICLE_CHARS,
    "scan_chars": MAX_TEXT_CHARS,
    "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
}


class PasteForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Defaults to the first line.")
    publisher = forms.CharField(max_length=200, required=False)
    author = forms.CharField(max_length=200, required=False)
    published_on = DateField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), strip=False)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > services.MAX_ARTICLE_CHARS:
            raise forms.ValidationError(
                f"The text is {len(body):,} characters; the limit is "
                f"{services.MAX_ARTICLE_CHARS:,}."
            )
        return body


class FileForm(forms.Form):
    file = forms.FileField(help_text="HTML, PDF or plain text")


class URLForm(forms.Form):
    url = forms.CharField(
        max_length=2000, widget=forms.URLInput(attrs={"placeholder": "https://…"})
    )


class FactsForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "publisher", "author", "published_on"]
        field_classes = {"published_on": DateField}


class CandidateForm(WithFigures):
    """A candidate as the fact-checker wants it accepted: the statement, its figures, its period.

    `disagreements` names the fields where merged candidates differ (with what each said); the
    form asks for those and takes the rest from the candidates.
    """

    span_start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    span_end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Claim, in our words")
    kind = forms.ChoiceField(choices=ClaimKind.choices)
    period_start = DateField(
        label="Period from", required=False, help_text="The period the claim is about."
    )
    period_end = DateField(label="Period to", required=False)
    date_precision = forms.ChoiceField(
        label="Date precision", choices=[("", "—"), *DatePrecision.choices], required=False
    )
    claimant = forms.CharField(max_length=200, required=False)
    score = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, disagreements: dict[str, list[str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.disagreements = disagreements or {}
        if "kind" in self.disagreements:
            self.fields["kind"].choices = [("", "— choose —"), *ClaimKind.choices]
        for name, said in self.disagreements.items():
            target = "period_start" if name == "period" else name
            if target in self.fields:
                self.fields[target].help_text = "The merged candidates disagree: " + "; ".join(said)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period_start") and not data.get("date_precision"):
            self.add_error("date_precision", "Say whether the date is a day, a month or a year.")
        if (
            data.get("period_start")
            and data.get("period_end")
            and data["period_end"] < data["period_start"]
        ):
            self.add_error("period_end", "The period ends before it starts.")
        return data


@desk_required
@once_per_submission
def article_import(request: HttpRequest) -> HttpResponse:
    paste, upload, link = PasteForm(prefix="paste"), FileForm(prefix="file"), URLForm(prefix="url")
    if request.method == "POST":
        mode = request.POST.get("mode")
        try:
            if mode == "paste":
                paste = PasteForm(request.POST, prefix="paste")
                if paste.is_valid():
                    article, created = services.article_import_text(
                        actor=request.user, **paste.cleaned_data
                    )
                    return _imported(request, article, created)
            elif mode == "file":
                upload = FileForm(request.POST, request.FILES, prefix="file")
                if upload.is_valid():
                    f = upload.cleaned_data["file"]
                    article, created = services.article_import_file(
                        actor=request.user, upload=f, filename=f.name, content_type=f.content_type
                    )
                    return _imported(request, article, created)
            elif mode == "url":
                link = URLForm(request.POST, prefix="url")
                if link.is_valid():
                    article, created = services.article_import_url(
                        actor=request.user, url=link.cleaned_data["url"]
                    )
                    return _imported(request, article, created)
            else:
                messages.error(request, "Choose how to import: paste, file or URL.")
        except DomainError as exc:
            target = {"paste": paste, "file": upload, "url": link}.get(mode)
            if target is None:
                messages.error(request, exc.message)
            else:
                place_error_in_form(target, exc)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "claims/article_import.html",
        {"paste": paste, "upload": upload, "link": link, "limits": LIMITS},
        status=status,
    )


def _imported(request: HttpRequest, article: Article, created: bool) -> HttpResponse:
    if not created:
        messages.info(request, "This article was imported before; here it is.")
    return redirect("claims:article", article_id=article.pk)


@desk_required
@once_per_submission
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    rows = selectors.article_candidates(article)
    facts = FactsForm(instance=article)
    if request.method == "POST":
        facts = FactsForm(request.POST, instance=Article.objects.get(pk=article.pk))
        if facts.is_valid():
            try:
                services.article_update_facts(
                    actor=request.user, article=article, **facts.cleaned_data
                )
            except DomainError as exc:
                facts.add_error(None, exc.message)
            else:
                messages.success(request, "Article details saved.")
                return redirect("claims:article", article_id=article.pk)
    return render(
        request,
        "claims/article_detail.html",
        {
            "article": article,
            "rows": rows,
            "segments": selectors.article_segments(article, rows),
            "counts": {
                s: sum(r.status == s for r in rows) for s in ("open", "accepted", "dismissed")
            },
            "facts": facts,
            "limits": LIMITS,
            "consistency": consistency.flags(article.body, consistency.check_text(article.body)),
        },
        status=400 if request.method == "POST" else 200,
    )


@desk_required
@require_GET
def article_status(request: HttpRequest, article_id: int) -> JsonResponse:
    article = (
        Article.objects.filter(pk=article_id)
        .values("import_state", "import_error", "title")
        .first()
    )
    if article is None:
        raise Http404("no such article")
    return JsonResponse(article)


def _span(raw: str, article: Article) -> tuple[int, int]:
    try:
        start, end = (int(part) for part in raw.split("-", 1))
    except (ValueError, AttributeError):
        raise DomainError(f"not a span: {raw!r}") from None
    if not 0 <= start < end <= len(article.body):
        raise DomainError(f"the span {start}-{end} is outside the article")
    return start, end


def _draft(article: Article, spans: list[tuple[int, int]]) -> CandidateDraft:
    """The claim the candidates at these spans make, as the extractor reads them now."""
    found = [r.candidate for r in selectors.article_candidates(article) if r.candidate]
    return candidate_draft(article.body, spans, found)


def _spans_query(spans: list[tuple[int, int]]) -> str:
    return "&".join(f"span={start}-{end}" for start, end in spans)


@desk_required
@post_only(back=lambda article_id, action: reverse("claims:article", args=[article_id]))
@once_per_submission
def candidate_action(request: HttpRequest, article_id: int, action: str) -> HttpResponse:
    """Accept, dismiss, restore or merge candidates (one form, one button per action)."""
    article = get_object_or_404(Article, pk=article_id)
    here = reverse("claims:article", args=[article.pk])
    try:
        if action == "merge":
            spans = sorted({_span(raw, article) for raw in request.POST.getlist("merge")})
            services.candidates_merge_span(article, spans)
            edit = reverse("claims:candidate-edit", args=[article.pk])
            return redirect(f"{edit}?{_spans_query(spans)}")
        span = _span(request.POST.get("span", ""), article)
        if action == "accept":
            draft = _draft(article, [span])
            claim = services.candidate_accept(
                actor=request.user,
                article=article,
                span=span,
                figures=draft.figures,
                **draft.initial,
            )
            messages.success(request, f"Claim {claim.pk} created from the candidate.")
        elif action == "dismiss":
            services.candidate_dismiss(actor=request.user, article=article, span=span)
            messages.info(request, "Candidate dismissed.")
        elif action == "restore":
            services.candidate_restore(actor=request.user, article=article, span=span)
        else:
            raise Http404("unknown action")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(here)


@desk_required
@once_per_submission
def candidate_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    """Edit a candidate (or a merge of several) before accepting it as a claim."""
    article = get_object_or_404(Article, pk=article_id)
    if request.method == "POST":
        form = CandidateForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            span = (data.pop("span_start"), data.pop("span_end"))
            data["score"] = data.get("score") if data.get("score") is not None else 0.5
            try:
                claim = services.candidate_accept(
                    actor=request.user, article=article, span=span, **data
                )
            except DomainError as exc:
                place_error_in_form(form, exc)
            else:
                messages.success(request, f"Claim {claim.pk} created.")
                return redirect("claims:article", article_id=article.pk)
        status = 400
    else:
        try:
            spans = sorted({_span(raw, article) for raw in request.GET.getlist("span")})
            if not spans:
                raise DomainError("say which candidate to edit")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("claims:article", article_id=article.pk)
        draft = _draft(article, spans)
        form = CandidateForm(
            initial={"span_start": draft.start, "span_end": draft.end, **draft.initial},
            figures=draft.figures,
            disagreements=draft.disagreements,
        )
        status = 200
    return render(
        request, "claims/candidate_edit.html", {"article": article, "form": form}, status=status
    )
