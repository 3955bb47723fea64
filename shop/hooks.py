"""Product-page panels and home-page sections that higher apps contribute (social proof, house tours, ...).

shop must not import feed or crm, so those apps register a panel provider in their AppConfig.ready():
`fn(request, product) -> SafeString` (or "" to show nothing). The product page renders the panels in
registration order. A provider that raises is logged and skipped: a broken panel never takes the page down.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from shop.models import Product

logger = logging.getLogger(__name__)

ProductPanel = Callable[[HttpRequest, "Product"], SafeString | str]
_panels: list[ProductPanel] = []


def register_product_panel(fn: ProductPanel) -> ProductPanel:
    """Register a panel provider once (usable as a decorator); re-registering the same function is a no-op."""
    if fn not in _panels:
        _panels.append(fn)
    return fn


def unregister_product_panel(fn: ProductPanel) -> None:
    if fn in _panels:
        _panels.remove(fn)


def product_panels(request: HttpRequest, product: "Product") -> list[str]:
    """The non-empty HTML snippets of every registered provider, in registration order."""
    snippets: list[str] = []
    for fn in list(_panels):
        try:
            html = fn(request, product)
        except Exception:
            logger.exception("product panel %s failed", getattr(fn, "__qualname__", fn))
            continue
        if html:
            snippets.append(html)
    return snippets


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
