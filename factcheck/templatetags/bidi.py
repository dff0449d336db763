"""Template filters that isolate untrusted text (factcheck.bidi); built into every template.

{{ source.title|bdi }}            HTML text: <bdi>…</bdi>, its controls balanced
<title>{{ claim.text|bidi_plain }}  no markup allowed: between FSI and PDI
"""

from __future__ import annotations

from django import template

from factcheck.bidi import isolate_html, isolate_plain

register = template.Library()
register.filter("bdi", isolate_html)
register.filter("bidi_plain", isolate_plain)
