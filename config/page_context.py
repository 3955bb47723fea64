"""Context every page's shell needs (greeting strip, cart badge, unread feed badge).

Config must not import the apps, so each app registers a provider in its AppConfig.ready():
a function (request) -> dict merged into the template context. Providers must be cheap and
must fail soft: a provider that raises is logged and skipped, so a broken cache never takes a
page down.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

logger = logging.getLogger(__name__)

PageContextProvider = Callable[[HttpRequest], dict[str, Any]]
_providers: list[PageContextProvider] = []


def register(provider: PageContextProvider) -> PageContextProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def collect(request: HttpRequest) -> dict[str, Any]:
    # A page that renders several templates with the request (product panels, partials) runs the context
    # processors once per template; on GET/HEAD nothing changes in between, so compute the shell context once.
    memo = getattr(request, "_page_context_memo", None)
    if memo is not None and request.method in ("GET", "HEAD"):
        return memo
    context: dict[str, Any] = {}
    for provider in _providers:
        try:
            context.update(provider(request))
        except Exception:
            logger.exception("page context provider %s failed", getattr(provider, "__qualname__", provider))
    if request.method in ("GET", "HEAD"):
        request._page_context_memo = context
    return context


def collect_none(request: HttpRequest) -> None:
    """This request's pages show none of the shop shell's parts (the back office): collect() returns nothing and
    runs no provider (they would cost queries for badges nobody sees)."""
    request._page_context_memo = {}  # type: ignore[attr-defined]
