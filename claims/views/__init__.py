"""The desk's pages, one module a page: dashboard, queue, claim (its forms in claim_forms),
article, verdict (public). Routes are in claims.urls and claims.home_urls."""
