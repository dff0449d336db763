"""Where a page goes after a POST: a `next` the request names, only if it stays on this site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str, *args: object, **kwargs: object) -> str:
    """The request's `next` (POST, then GET) if it is a URL on this site, else `default`.

    `default` is a URL or a URL name (with its arguments), as for django.shortcuts.redirect.
    A `next` on another host, another scheme (`javascript:`), protocol-relative (`//evil`) or
    with a backslash trick (`/\\evil`) is ignored: url_has_allowed_host_and_scheme decides.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default, *args, **kwargs)


def redirect_next(
    request: HttpRequest, default: str, *args: object, **kwargs: object
) -> HttpResponseRedirect:
    """A 302 to safe_next(request, default, ...)."""
    return redirect(safe_next(request, default, *args, **kwargs))
