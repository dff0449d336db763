"""Articles, sources and captures in the API: what the desk works from, what consumers may check.

The desk sees everything; anyone else sees what stands behind a published claim.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from api import representations as rep
from api import selectors
from api.conditional import body_etag
from api.filters import (
    LIST_PARAMETERS,
    CaptureFilter,
    SourceFilter,
    apply_filters,
    reject_unknown_parameters,
)
from api.pagination import orderings, paginate
from api.responses import (
    ETAG_ONLY,
    NOT_MODIFIED,
    errors,
    get_or_404,
    json_response,
    list_parameters,
    pick_ordering,
)
from api.serializers import (
    ArticleDetail,
    ArticlePage,
    CaptureDetail,
    CapturePage,
    SourceItem,
    SourcePage,
)

ARTICLE_ORDERINGS = orderings("-created_at", "created_at", "-id", "id")
SOURCE_ORDERINGS = orderings("-created_at", "created_at", "-id", "id")
CAPTURE_ORDERINGS = orderings("-queued_at", "queued_at", "-id", "id")

VISIBILITY = (
    " The desk sees all; anonymous callers and consumer tokens see only what stands behind a "
    "published claim."
)


class ArticleList(APIView):
    @extend_schema(
        operation_id="articles_list",
        summary="List articles",
        description="Imported articles with the number of their claims you may see." + VISIBILITY,
        parameters=[*list_parameters(ARTICLE_ORDERINGS, "-created_at"), *ETAG_ONLY],
        responses={200: ArticlePage, **NOT_MODIFIED, **errors(400)},
    )
    def get(self, request: Any) -> Any:
        reject_unknown_parameters(request, LIST_PARAMETERS)
        ordering = pick_ordering(request, ARTICLE_ORDERINGS, "-created_at")
        articles = selectors.articles_visible_to(request.user).defer("body", "dismissed_spans")
        rows, next_link = paginate(request, articles, ordering)
        body = {"next": next_link, "results": [rep.article_item(a) for a in rows]}
        return body_etag(request, json_response(body))


class ArticleDetailView(APIView):
    @extend_schema(
        operation_id="articles_retrieve",
        summary="An article, with its body",
        description=VISIBILITY.strip(),
        parameters=ETAG_ONLY,
        responses={200: ArticleDetail, **NOT_MODIFIED, **errors(404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        article = get_or_404(selectors.articles_visible_to(request.user), pk, "article")
        return body_etag(request, json_response(rep.article_item(article, with_body=True)))


class SourceList(APIView):
    @extend_schema(
        operation_id="sources_list",
        summary="List sources",
        description="Cited documents with their latest capture." + VISIBILITY,
        parameters=[*list_parameters(SOURCE_ORDERINGS, "-created_at"), *ETAG_ONLY],
        responses={200: SourcePage, **NOT_MODIFIED, **errors(400)},
    )
    def get(self, request: Any) -> Any:
        reject_unknown_parameters(request, LIST_PARAMETERS | set(SourceFilter.base_filters))
        ordering = pick_ordering(request, SOURCE_ORDERINGS, "-created_at")
        sources = apply_filters(SourceFilter, request, selectors.sources_visible_to(request.user))
        rows, next_link = paginate(request, sources, ordering)
        captures = selectors.captures_by_id([s.latest_capture_id for s in rows])
        results = [rep.source_item(s, captures.get(s.latest_capture_id)) for s in rows]
        return body_etag(request, json_response({"next": next_link, "results": results}))


SourceList.filterset_class = SourceFilter


class SourceDetailView(APIView):
    @extend_schema(
        operation_id="sources_retrieve",
        summary="A source, with its latest capture",
        description=VISIBILITY.strip(),
        parameters=ETAG_ONLY,
        responses={200: SourceItem, **NOT_MODIFIED, **errors(404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        source = get_or_404(selectors.sources_visible_to(request.user), pk, "source")
        captures = selectors.captures_by_id([source.latest_capture_id])
        body = rep.source_item(source, captures.get(source.latest_capture_id))
        return body_etag(request, json_response(body))


class CaptureList(APIView):
    @extend_schema(
        operation_id="captures_list",
        summary="List captures",
        description="Fetches of sources: state, HTTP facts, SHA-256 of the payload."
        + VISIBILITY
        + " (Consumers see archived captures only.)",
        parameters=[*list_parameters(CAPTURE_ORDERINGS, "-queued_at"), *ETAG_ONLY],
        responses={200: CapturePage, **NOT_MODIFIED, **errors(400)},
    )
    def get(self, request: Any) -> Any:
        reject_unknown_parameters(request, LIST_PARAMETERS | set(CaptureFilter.base_filters))
        ordering = pick_ordering(request, CAPTURE_ORDERINGS, "-queued_at")
        captures = apply_filters(
            CaptureFilter, request, selectors.captures_visible_to(request.user)
        )
        rows, next_link = paginate(request, captures, ordering)
        body = {"next": next_link, "results": [rep.capture_item(c) for c in rows]}
        return body_etag(request, json_response(body))


CaptureList.filterset_class = CaptureFilter


class CaptureDetailView(APIView):
    @extend_schema(
        operation_id="captures_retrieve",
        summary="A capture, with its extracted text",
        description=VISIBILITY.strip(),
        parameters=ETAG_ONLY,
        responses={200: CaptureDetail, **NOT_MODIFIED, **errors(404)},
    )
    def get(self, request: Any, pk: int) -> Any:
        capture = get_or_404(
            selectors.captures_visible_to(request.user, with_text=True), pk, "capture"
        )
        return body_etag(request, json_response(rep.capture_item(capture, with_text=True)))
