"""The one full-text expression over claims, and the one query parser, for every search of them:
the queue (claims.selectors.claim_queue, through claims.filters.ClaimFilter), the API's `q` (the
same filter), and the desk's search page and prior checks (claims.search).

PostgreSQL: the claim's text as SearchVector("text", config="english"), which compiles to exactly
the expression of the GIN index claim_text_search_idx (claims 0006), matched by a web-search
query (words, "a phrase", or, -excluded). Elsewhere (SQLite) every word of the query must appear
in the text, case-insensitively.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

CONFIG = "english"
MAX_TERMS = 8
TERM_RE = re.compile(r"\w[\w'\u2019-]*")


def claim_document() -> SearchVector:
    """The claim's text as a tsvector: the indexed expression (claim_text_search_idx)."""
    return SearchVector("text", config=CONFIG)


def web_query(q: str) -> SearchQuery:
    """A query in web-search syntax, in the configuration every document is indexed with."""
    return SearchQuery(q, search_type="websearch", config=CONFIG)


def query_terms(q: str) -> list[str]:
    """The words of a query for the substring fallback and highlighters: web-search operators
    dropped, and the words the query excludes ("-word") left out."""
    words = []
    for token in q.lower().split():
        if not token.startswith("-"):
            words += [w for w in TERM_RE.findall(token) if w != "or" and len(w) > 1]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def claims_matching(claims: QuerySet, q: str) -> QuerySet:
    """The claims whose text matches the query (no ranking; a blank query filters nothing)."""
    q = q.strip()
    if not q:
        return claims
    if connection.vendor == "postgresql":
        return claims.alias(text_document=claim_document()).filter(text_document=web_query(q))
    terms = query_terms(q)
    if not terms:
        return claims.none()
    every = Q()
    for term in terms:
        every &= Q(text__icontains=term)
    return claims.filter(every)
