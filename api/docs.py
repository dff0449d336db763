"""The API's docs page: Swagger UI from drf-spectacular-sidecar's static files.

The site's CSP is script-src 'self' and style-src 'self'. Swagger UI's bundle comes from our own
static files (the sidecar package), its start-up script from a second request to the same view
(SpectacularSwaggerSplitView's ?script), and the little page style from a static CSS file instead
of drf-spectacular's inline <style>. So the page works without relaxing the CSP at all.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "Fact-checking desk API"
