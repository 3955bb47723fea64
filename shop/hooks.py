"""Product-page panels and home-page sections that higher apps contribute (social proof, house tours, ...).

shop must not import feed or crm, so those apps register a panel provider in their AppConfig.ready():
`fn(request, product) -> SafeString` (or "" to show nothing). The product page renders the panels in
registration order. A provider that raises is logged and skipped: a broken panel never takes the page down.
A panel whose visitor view only changes when its app says so registers a stamp key, so visitors without an
account share one rendered copy of it (register_product_panel).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from shop.models import Product

logger = logging.getLogger(__name__)

ProductPanel = Callable[[HttpRequest, "Product"], SafeString | str]
VisitorStampKey = Callable[[int], str]


@dataclass(frozen=True)
class _PanelProvider:
    render: ProductPanel
    visitor_stamp_key: VisitorStampKey | None


_panels: list[_PanelProvider] = []


def register_product_panel(fn: ProductPanel, *, visitor_stamp_key: VisitorStampKey | None = None) -> ProductPanel:
    """Register a panel provider once; re-registering the same function is a no-op.

    `visitor_stamp_key(product_id)` names a shared-cache key whose value the providing app replaces whenever what a
    visitor without an account sees in the panel changes. Such a panel is rendered once into the product page copy
    that every visitor without an account shares (see shop.views.catalog); its template must then hold nothing of
    the visitor: the {% csrf_token %} and the user are filled in safely, but a path or cookie of the request is not.
    Without a key the panel is rendered on every request (live figures such as social proof)."""
    if all(panel.render is not fn for panel in _panels):
        _panels.append(_PanelProvider(render=fn, visitor_stamp_key=visitor_stamp_key))
    return fn


def unregister_product_panel(fn: ProductPanel) -> None:
    _panels[:] = [panel for panel in _panels if panel.render is not fn]


def _render_panel(panel: _PanelProvider, request: HttpRequest, product: "Product") -> str:
    try:
        return panel.render(request, product) or ""
    except Exception:
        logger.exception("product panel %s failed", getattr(panel.render, "__qualname__", panel.render))
        return ""


def product_panels(request: HttpRequest, product: "Product") -> list[str]:
    """The non-empty HTML snippets of every registered provider, in registration order."""
    return [html for panel in list(_panels) if (html := _render_panel(panel, request, product))]


def visitor_panel_stamp_keys(product_id: int) -> list[str]:
    """The stamp keys of the panels shared by visitors without an account, in registration order."""
    return [panel.visitor_stamp_key(product_id) for panel in list(_panels) if panel.visitor_stamp_key is not None]


def visitor_panels(request: HttpRequest, product: "Product", *, live_mark: Callable[[int], str]) -> list[str]:
    """The panels of the visitors' shared copy, in registration order: each stamped panel rendered, and for each
    live panel `live_mark(n)`, its place for live_visitor_panels()' n-th snippet."""
    snippets: list[str] = []
    live = 0
    for panel in list(_panels):
        if panel.visitor_stamp_key is None:
            snippets.append(live_mark(live))
            live += 1
        elif html := _render_panel(panel, request, product):
            snippets.append(html)
    return snippets


def live_visitor_panels(request: HttpRequest, product: "Product") -> list[str]:
    """The live panels (no stamp key) rendered for this request, in registration order, "" where one has nothing."""
    return [_render_panel(panel, request, product) for panel in list(_panels) if panel.visitor_stamp_key is None]


# Home-page sections that higher apps contribute (community's popular house tours, the shopper's neighbourhood
# board, ...): `fn(request) -> SafeString` (or "" to show nothing), rendered below the catalog sections in
# registration order. Same rules as the product panels: a provider that raises is logged and skipped.
HomeSection = Callable[[HttpRequest], SafeString | str]
_home_sections: list[HomeSection] = []


def register_home_section(fn: HomeSection) -> HomeSection:
    """Register a home-section provider once (usable as a decorator); re-registering is a no-op."""
    if fn not in _home_sections:
        _home_sections.append(fn)
    return fn


def unregister_home_section(fn: HomeSection) -> None:
    if fn in _home_sections:
        _home_sections.remove(fn)


def home_sections(request: HttpRequest) -> list[str]:
    """The non-empty HTML snippets of every registered home-section provider, in registration order."""
    snippets: list[str] = []
    for fn in list(_home_sections):
        try:
            html = fn(request)
        except Exception:
            logger.exception("home section %s failed", getattr(fn, "__qualname__", fn))
            continue
        if html:
            snippets.append(html)
    return snippets
