"""One search over claims, articles and archived captures, and the prior checks of a claim.

PostgreSQL: full-text search (english configuration, web-search syntax: words, "phrases", or,
-not), ranked with ts_rank and highlighted with ts_headline. Claims are matched through the
queue's expression index (claims 0006: claim_text_search_idx, whose expression is reused here);
articles and captures through the stored search_document columns and their GIN indexes (sources
0002, which says why those are columns). Prior checks draw candidates from the claims' full-text
index by the claim's least common words (PostgreSQL's own statistics say which) and rank them by
trigram similarity (pg_trgm). Elsewhere (SQLite): every word of the query as a case-insensitive
substring, a plain highlighter, and shared words for prior checks.

Snippets are escaped text with <mark> around the matched words and no other markup: the texts
searched include archived web pages, which must never reach a page as live HTML.

Who sees what: the desk (fact-checkers and editors) searches everything; anyone else, signed in
without a role or anonymous, finds published claims only - no articles, no captures.

Why one module past 400 lines: each kind of hit has a PostgreSQL and a SQLite side that must
agree (the same visibility, the same snippet rules), and keeping both sides of every kind
together is what keeps them agreeing; the expressions the indexes are built on live here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Expression, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Left
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from claims import fulltext
from claims.evidence.matching import content_words
from claims.models import Article, Claim, ClaimState
from claims.selectors import claims_visible_to
from factcheck.roles import is_fact_checker
from sources.models import Capture, CaptureState

__all__ = [
    "ARTICLE_SEARCH_CHARS",
    "CAPTURE_SEARCH_CHARS",
    "PriorCheck",
    "SearchHit",
    "SearchResults",
    "article_matches",
    "capture_matches",
    "claim_matches",
    "highlight",
    "prior_checks",
    "prior_checks_queryset",
    "search",
]

SEARCH_LIMIT = 10
MAX_QUERY_CHARS = 200
# Articles and captures are searched on their first this-many characters: a tsvector may not
# exceed 1 MB. The stored columns (sources 0002) are built with the same numbers.
ARTICLE_SEARCH_CHARS = 100_000
CAPTURE_SEARCH_CHARS = 100_000
# ts_headline re-parses what it highlights: it is given this much of a long text, starting a
# little before the first query word.
HEADLINE_CHARS = 3_000
PRIOR_LIMIT = 5
# Prior checks: an earlier claim is "much the same" from this trigram similarity up (pg_trgm's
# own default threshold), or, on SQLite, this share of shared content words (Jaccard).
PRIOR_MIN_SIMILARITY = 0.3
PRIOR_MIN_WORD_OVERLAP = 0.3
# Candidates are the claims sharing one of the claim's PRIOR_WORDS least common words, when those
# are in at most PRIOR_MAX_WORD_SHARE of claims; else those sharing its two least common words.
PRIOR_WORDS = 4
PRIOR_MAX_WORD_SHARE = 0.005
PRIOR_CANDIDATES = 500

# ts_headline marks matches with characters from Unicode's private use area, which the escaped
# text turns into <mark> afterwards: the document's own "<" can never become markup.
_START, _STOP = "\ue000", "\ue001"
_MARKED_RE = re.compile(f"{_START}(.*?){_STOP}", re.S)


# Expressions: each is the very one its GIN index was built on -------------------------------


def _query(q: str) -> Any:
    return fulltext.web_query(q)


def _claim_document() -> Any:
    return fulltext.claim_document()  # claim_text_search_idx (claims 0006)


class _StoredDocument(Expression):
    """The stored, generated search_document column of sources 0002 (not a model field), on
    the query's own table, whatever alias that table has (a subquery renames it)."""

    def __init__(self) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.alias: str | None = None

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map: dict[str, str]) -> Any:
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        table = compiler.quote_name_unless_alias(self.alias)
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def _article_document() -> Any:
    return _StoredDocument()  # claims_article.search_document: article_search_document_idx


def _capture_document() -> Any:
    return _StoredDocument()  # sources_capture.search_document: capture_search_document_idx


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _terms(q: str) -> list[str]:
    return fulltext.query_terms(q)


def _ranked(queryset: QuerySet, document: Any, q: str) -> QuerySet:
    from django.contrib.postgres.search import SearchRank

    query = _query(q)
    return (
        queryset.alias(document=document)  # filtered and ranked on, never fetched
        .filter(document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "-pk")
    )


def _substring(queryset: QuerySet, fields: tuple[str, ...], q: str) -> QuerySet:
    terms = _terms(q)
    if not terms:
        return queryset.none()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(any_field)
    return queryset.annotate(rank=Value(0.0)).order_by("-pk")


def claim_matches(q: str, claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims matching the query, most relevant first (each annotated with `rank`)."""
    claims = Claim.objects.all() if claims is None else claims
    if _postgres():
        return _ranked(claims, _claim_document(), q)
    return _substring(claims, ("text",), q)


def article_matches(q: str) -> QuerySet[Article]:
    articles = Article.objects.all()
    if _postgres():
        return _ranked(articles, _article_document(), q)
    return _substring(articles, ("title", "body"), q)


def capture_matches(q: str) -> QuerySet[Capture]:
    """Archived captures whose text matches (on its first CAPTURE_SEARCH_CHARS characters)."""
    captures = Capture.objects.filter(state=CaptureState.ARCHIVED)
    if _postgres():
        return _ranked(captures, _capture_document(), q)
    return _substring(captures, ("text", "title"), q)


# Highlighting ----------------------------------------------------------------------------------


def _marked(text: str) -> SafeString:
    """ts_headline's output, escaped, with its match markers turned into <mark>."""
    html = _MARKED_RE.sub(r"<mark>\1</mark>", str(escape(text)))
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 - escaped above


def highlight(text: str, q: str, *, width: int = 240) -> SafeString:
    """A window of the text around the first query word, escaped, the words in <mark>."""
    terms = _terms(q)
    if not terms:
        return escape(text[:width])
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?:{words})\w*", re.I)  # the whole word: "container" -> "containers"
    first = pattern.search(text)
    start = 0 if first is None else max(0, first.start() - width // 3)
    if start:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    window = text[start:end]
    pieces = ["\u2026 " if start else ""]
    position = 0
    for match in pattern.finditer(window):
        pieces.append(escape(window[position : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group(0)))
        position = match.end()
    pieces.append(escape(window[position:]))
    pieces.append(" \u2026" if end < len(text) else "")
    return mark_safe("".join(str(p) for p in pieces))  # noqa: S308 - every piece is escaped


def _anchor_terms(q: str) -> list[str]:
    """Lower-case forms of the query's words to find in a text (plurals and -ed/-ing cut off,
    so that "containers" finds "container"); words the query excludes are left out."""
    out = []
    for token in q.split():
        if token.startswith("-"):
            continue
        for word in fulltext.TERM_RE.findall(token.lower()):
            if word == "or" or len(word) < 3:
                continue
            for suffix in ("ing", "ed", "es", "s"):
                if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                    word = word[: -len(suffix)]
                    break
            out.append(word)
    return list(dict.fromkeys(out))[:3]


def _window(field_name: str, q: str, searched_chars: int) -> Any:
    """The stretch of a long text around the first query word, for ts_headline to work on:
    parsing a whole 100 KB capture per result would cost more than the search itself."""
    from django.db.models.functions import Greatest, Least, Lower, NullIf, StrIndex, Substr

    lowered = Lower(Left(field_name, searched_chars))
    found = [NullIf(StrIndex(lowered, Value(term)), Value(0)) for term in _anchor_terms(q)]
    if not found:
        return Left(field_name, HEADLINE_CHARS)
    first = found[0] if len(found) == 1 else Least(*found)
    start = Greatest(Coalesce(first, Value(1)) - Value(HEADLINE_CHARS // 4), Value(1))
    return Substr(field_name, start, HEADLINE_CHARS)


def _headline(expression: Any, q: str, **options: Any) -> Any:
    from django.contrib.postgres.search import SearchHeadline

    return SearchHeadline(
        expression, _query(q), config=fulltext.CONFIG, start_sel=_START, stop_sel=_STOP, **options
    )


def _page(ranked: QuerySet, limit: int) -> tuple[list[int], dict[int, float]]:
    """The ids and ranks of the best `limit` matches (the ranking query reads no text)."""
    rows = list(ranked.values_list("pk", "rank")[:limit])
    return [pk for pk, _rank in rows], {pk: float(rank) for pk, rank in rows}


_SNIPPET = {"max_words": 30, "min_words": 12, "max_fragments": 2, "fragment_delimiter": " … "}


# Search ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One result: escaped, highlighted title and snippet, where it leads, a line of facts."""

    kind: str
    pk: int
    title: SafeString
    snippet: SafeString
    url: str
    meta: str
    rank: float = 0.0


@dataclass
class SearchResults:
    q: str
    claims: list[SearchHit] = field(default_factory=list)
    articles: list[SearchHit] = field(default_factory=list)
    captures: list[SearchHit] = field(default_factory=list)
    # False for users outside the desk: they were shown published claims only.
    everything: bool = False

    @property
    def groups(self) -> list[tuple[str, str, list[SearchHit]]]:
        """(kind, heading, hits) for each kind searched, in page order."""
        groups = [("claims", "Claims", self.claims)]
        if self.everything:
            groups += [
                ("articles", "Articles", self.articles),
                ("captures", "Archived sources", self.captures),
            ]
        return groups

    @property
    def total(self) -> int:
        return len(self.claims) + len(self.articles) + len(self.captures)


def _claim_hits(user: Any, q: str, limit: int, desk: bool) -> list[SearchHit]:
    pks, ranks = _page(claim_matches(q, claims_visible_to(user).select_related(None)), limit)
    claims = Claim.objects.filter(pk__in=pks).select_related("rating")
    if _postgres():
        claims = claims.annotate(headline=_headline(F("text"), q, highlight_all=True))
    found = {claim.pk: claim for claim in claims}
    hits = []
    for pk in pks:
        claim = found[pk]
        if _postgres():
            title = _marked(claim.headline or claim.text)
        else:
            title = highlight(claim.text, q, width=1000)
        meta = claim.get_state_display()
        if claim.state == ClaimState.PUBLISHED and claim.rating is not None:
            meta = f"Published · rated {claim.rating.label}"
        hits.append(
            SearchHit(
                kind="claim",
                pk=pk,
                title=title,
                snippet=mark_safe(""),  # the claim's text is its title
                url=reverse("claims:detail" if desk else "claims:verdict", args=[pk]),
                meta=meta,
                rank=ranks[pk],
            )
        )
    return hits


def _article_hits(q: str, limit: int) -> list[SearchHit]:
    pks, ranks = _page(article_matches(q), limit)
    articles = Article.objects.filter(pk__in=pks)
    if _postgres():
        articles = articles.defer("body").annotate(
            title_marked=_headline(F("title"), q, highlight_all=True),
            snippet=_headline(_window("body", q, ARTICLE_SEARCH_CHARS), q, **_SNIPPET),
        )
    found = {article.pk: article for article in articles}
    hits = []
    for pk in pks:
        article = found[pk]
        if _postgres():
            title, snippet = _marked(article.title_marked), _marked(article.snippet)
        else:
            title, snippet = highlight(article.title, q), highlight(article.body, q)
        hits.append(
            SearchHit(
                kind="article",
                pk=pk,
                title=title or escape(article.title),
                snippet=snippet,
                url=reverse("claims:article", args=[pk]),
                meta=" · ".join(
                    part
                    for part in (article.publisher, str(article.published_on or "undated"))
                    if part
                ),
                rank=ranks[pk],
            )
        )
    return hits


def _capture_hits(q: str, limit: int) -> list[SearchHit]:
    pks, ranks = _page(capture_matches(q), limit)
    captures = Capture.objects.filter(pk__in=pks).select_related("source")
    if _postgres():
        captures = captures.defer("text", "headers", "redirect_chain").annotate(
            snippet=_headline(_window("text", q, CAPTURE_SEARCH_CHARS), q, **_SNIPPET)
        )
    found = {capture.pk: capture for capture in captures}
    hits = []
    for pk in pks:
        capture = found[pk]
        snippet = _marked(capture.snippet) if _postgres() else highlight(capture.text, q)
        captured = f"captured {capture.finished_at:%Y-%m-%d}" if capture.finished_at else ""
        hits.append(
            SearchHit(
                kind="capture",
                pk=pk,
                title=escape(capture.title or str(capture.source)),
                snippet=snippet,
                url=reverse("sources:capture", args=[pk]),
                meta=" · ".join(
                    p for p in (capture.source.domain or capture.source.url, captured) if p
                ),
                rank=ranks[pk],
            )
        )
    return hits


def search(user: Any, q: str, *, limit: int = SEARCH_LIMIT) -> SearchResults:
    """The search page's results, grouped by kind and checked against the user's role."""
    q = " ".join(q.split())[:MAX_QUERY_CHARS]
    desk = is_fact_checker(user)
    results = SearchResults(q=q, everything=desk)
    if not q or (not _postgres() and not _terms(q)):
        return results
    results.claims = _claim_hits(user, q, limit, desk)
    if desk:
        results.articles = _article_hits(q, limit)
        results.captures = _capture_hits(q, limit)
    return results


# Prior checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorCheck:
    """An earlier claim that says much the same, with how alike they are (0..1)."""

    claim: Claim
    similarity: float

    @property
    def published(self) -> bool:
        return self.claim.state == ClaimState.PUBLISHED

    @property
    def rating(self) -> Any:
        return self.claim.rating if self.published else None


def _earlier(claim: Claim) -> QuerySet[Claim]:
    """Claims made before this one (ids grow with time), dismissed ones left out."""
    return (
        Claim.objects.filter(pk__lt=claim.pk)
        .exclude(state=ClaimState.DISMISSED)
        .select_related("rating", "article")
    )


# Each lexeme of the text with the share of claims holding it, from the statistics ANALYZE keeps
# for the expression index (0 for a lexeme too rare to be listed, or before any ANALYZE).
_LEXEME_SHARES_SQL = """
WITH stats AS (
    SELECT most_common_elems::text::text[] AS lexemes, most_common_elem_freqs AS shares
    FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'claim_text_search_idx'
    LIMIT 1
)
SELECT lexeme, COALESCE(stats.shares[array_position(stats.lexemes, lexeme)], 0)
FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, %s))) AS lexeme
LEFT JOIN stats ON true
"""


def _candidate_query(text: str) -> str | None:
    """A tsquery for the claims sharing this text's least common words (numbers and years
    aside: a prior check of the same claim may give other figures)."""
    with connection.cursor() as cursor:
        cursor.execute(_LEXEME_SHARES_SQL, [text])
        shares = [(lexeme, float(share)) for lexeme, share in cursor.fetchall()]
    words = sorted(
        ((lexeme, share) for lexeme, share in shares if lexeme.isalpha() and len(lexeme) > 2),
        key=lambda pair: (pair[1], -len(pair[0]), pair[0]),
    )
    if not words:
        return None
    rare = [lexeme for lexeme, share in words[:PRIOR_WORDS] if share <= PRIOR_MAX_WORD_SHARE]
    if rare:
        return " | ".join(f"'{lexeme}'" for lexeme in rare)
    return " & ".join(f"'{lexeme}'" for lexeme, _share in words[:2])


def prior_checks_queryset(claim: Claim) -> QuerySet[Claim]:
    """PostgreSQL: earlier claims much like this one, most alike first (`similarity`)."""
    from django.contrib.postgres.search import SearchQuery, TrigramSimilarity

    query = _candidate_query(claim.text)
    if query is None:
        return Claim.objects.none()
    return (
        _earlier(claim)
        .alias(document=_claim_document())
        .filter(document=SearchQuery(query, search_type="raw", config="simple"))
        .annotate(similarity=TrigramSimilarity("text", Value(claim.text)))
        .filter(similarity__gte=PRIOR_MIN_SIMILARITY)
        .order_by("-similarity", "-pk")
    )


def _prior_by_words(claim: Claim, limit: int) -> list[PriorCheck]:
    wanted = content_words(claim.text)
    if not wanted:
        return []
    longest = sorted(wanted, key=len, reverse=True)[:PRIOR_WORDS]
    any_word = Q()
    for word in longest:
        any_word |= Q(text__icontains=word)
    found = []
    for other in _earlier(claim).filter(any_word).order_by("-pk")[:PRIOR_CANDIDATES]:
        words = content_words(other.text)
        share = len(wanted & words) / len(wanted | words)
        if share >= PRIOR_MIN_WORD_OVERLAP:
            found.append(PriorCheck(other, round(share, 3)))
    found.sort(key=lambda p: (-p.similarity, -p.claim.pk))
    return found[:limit]


def prior_checks(claim: Claim, limit: int = PRIOR_LIMIT, *, user: Any = None) -> list[PriorCheck]:
    """Earlier claims that say much the same as this one ("checked before"), with verdicts.

    Call it when a claim is created and on the claim page. Pass `user` to apply the visibility
    rule: outside the desk, published claims only.
    """
    if not claim.text.strip():
        return []
    public = user is not None and not is_fact_checker(user)
    if _postgres():
        claims = prior_checks_queryset(claim)
        if public:
            claims = claims.filter(state=ClaimState.PUBLISHED)
        return [PriorCheck(c, round(float(c.similarity), 3)) for c in claims[:limit]]
    found = _prior_by_words(claim, PRIOR_CANDIDATES if public else limit)
    if public:
        found = [p for p in found if p.published]
    return found[:limit]
