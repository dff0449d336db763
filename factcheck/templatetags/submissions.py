"""``{% csrf_token %}`` that also renders the form's one-time submission token.

Loaded as a template builtin after Django's (settings.TEMPLATES), so this tag replaces the
built-in one in every template: each POST form carries a token without anyone adding it.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from factcheck.submissions import FIELD, new_token

register = template.Library()


class CsrfAndSubmissionTokenNode(template.Node):
    def __init__(self) -> None:
        self.csrf = CsrfTokenNode()

    def render(self, context: template.Context) -> str:
        csrf = self.csrf.render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.tag
def csrf_token(parser: template.base.Parser, token: template.base.Token) -> template.Node:
    return CsrfAndSubmissionTokenNode()
