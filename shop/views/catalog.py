"""Catalog pages: thin views over shop.selectors.catalog.

List pages answer htmx requests with only their product-grid partial (and always send Vary: HX-Request). The grid
HTML holds nothing personal, so it is cached across visitors under the catalog version (shop.services.catalog):
a cache hit costs no product query at all.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from config.templatetags.won import won
from shop.hooks import home_sections, live_visitor_panels, product_panels, visitor_panel_stamp_keys, visitor_panels
from shop.images import VARIANTS, category_placeholder_ensure
from shop.models import Category, Product, Store
from shop.review_context import review_section_context
from shop.selectors import catalog as selectors
from shop.services.catalog import GRID_CACHE_SECONDS, catalog_version_get, product_page_stamps_get

logger = logging.getLogger(__name__)
PAGE_SIZE = 24
CSRF_MARK = "csrf-token-of-this-visitor"
NEAR_CACHE_SECONDS = 30  # a grid in process memory may lag the shared copy by this much (stock badges)
# A product page copy can never be stale (its key holds every stamp that its content follows), so it is kept as long
# as a product's long tail goes unvisited in a day; the shared cache evicts the least used ones first when full.
PRODUCT_COPY_SECONDS = 24 * 3600
SORT_LABELS = {
    selectors.SORT_POPULAR: _("인기순"),
    selectors.SORT_NEW: _("신상품순"),
    selectors.SORT_PRICE_ASC: _("낮은 가격순"),
    selectors.SORT_PRICE_DESC: _("높은 가격순"),
}
SEARCH_SORT_LABELS = {selectors.SORT_RELEVANCE: _("정확도순"), **SORT_LABELS}


def _page(request: HttpRequest, qs) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _near_or_shared(cache_key: str, render: Callable[[], Any], *, seconds: int = GRID_CACHE_SECONDS) -> Any:
    """This process's copy (NEAR_CACHE_SECONDS), else the copy shared by all processes (kept `seconds`), else
    render and share."""
    near = caches["local"]
    value = near.get(cache_key)
    if value is not None:
        return value
    try:
        value = cache.get(cache_key)
    except Exception:  # the shared cache is down: render, and keep this process's copy for a moment
        logger.warning("shared cache unavailable for %s", cache_key, exc_info=True)
        value = render()
    if value is None:
        value = render()
        try:
            cache.set(cache_key, value, seconds)
        except Exception:
            logger.warning("shared cache unavailable for %s", cache_key, exc_info=True)
    near.set(cache_key, value, NEAR_CACHE_SECONDS)
    return value


def _cached_fragment(
    request: HttpRequest, template: str, key: tuple[Any, ...], build: Callable[[], dict]
) -> SafeString:
    """Render `template` (a partial) with build()'s context, or reuse the copy cached for this catalog version."""
    raw = "|".join(str(part) for part in (catalog_version_get(), get_language(), template, *key))
    cache_key = "catalog:fragment:" + hashlib.sha256(raw.encode()).hexdigest()
    html = _near_or_shared(cache_key, lambda: render_to_string(template, build()))  # no request: no processors
    return mark_safe(html)  # noqa: S308 (our own rendered, auto-escaped template output)


def _list_page(
    request: HttpRequest,
    template: str,
    *,
    key: tuple[Any, ...],
    querystring: str,
    load: Callable[[], tuple[str, dict, Callable[[], Any] | None]],
) -> HttpResponse:
    """A list page whose body is the same for every visitor: rendered once per catalog version and reused.

    `load()` returns (page title, context, products queryset factory or None) and raises Http404; it only runs
    on a cache miss, so a hit costs no catalog query. htmx sort/filter/page requests get only the product grid.
    Either way the response varies on HX-Request.
    """
    page_param = request.GET.get("page", "1")[:8]
    partial = "product-grid" if request.htmx and not request.htmx.boosted else "page-content"
    raw = "|".join(
        str(part) for part in (catalog_version_get(), get_language(), template, partial, *key, querystring, page_param)
    )
    cache_key = "catalog:page:" + hashlib.sha256(raw.encode()).hexdigest()

    def render_shared() -> dict[str, str]:
        title, context, products = load()
        context = {**context, "querystring": querystring}
        if products is not None:
            context["page_obj"] = _page(request, products())
        # Rendered without the request: the fragment is shared by every visitor, so no context processors run.
        # A page's share card (head meta, outside the fragment) is cached with it: plain strings from load().
        html = render_to_string(f"{template}#{partial}", context)
        return {"title": str(title), "html": html, "share_meta": context.get("share_meta")}

    cached = _near_or_shared(cache_key, render_shared)
    html = mark_safe(cached["html"])  # noqa: S308 (our own rendered, auto-escaped template output)
    if partial == "product-grid":
        response = HttpResponse(html)
    else:
        response = render(
            request,
            template,
            {"page_title": cached["title"], "content_html": html, "share_meta": cached.get("share_meta")},
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    sections = _cached_fragment(
        request, "shop/home.html#home-sections", ("home",), lambda: {"sections": selectors.home_sections()}
    )
    return render(request, "shop/home.html", {"sections_html": sections, "extra_sections": home_sections(request)})


@require_safe
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/categories.html", {"tree": selectors.category_tree()})


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    filters = selectors.ProductFilters.from_query(request.GET)

    def load() -> tuple[str, dict, Callable[[], Any]]:
        try:
            obj = selectors.category_get(slug=slug)
        except Category.DoesNotExist:
            raise Http404 from None
        context = {
            "category": obj,
            "filters": filters,
            "sort_labels": SORT_LABELS,
            "stores": selectors.store_choices(),
            "kinds": Category.Kind.choices if obj.kids else [],
        }
        return obj.name, context, lambda: selectors.category_products(category=obj, filters=filters)

    return _list_page(
        request, "shop/category.html", key=("category", slug), querystring=filters.querystring(), load=load
    )


@require_safe
def product(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _visitor_product_page(request, pk)
    obj = _product_for_page(pk)
    context = {"product": obj, "panels": product_panels(request, obj), "share": _share_card(obj)}
    context.update(review_section_context(user=request.user, product=obj))  # their votes and reply boxes: their own
    return render(request, "shop/product.html", context)


def _visitor_product_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The product page without an account: one copy shared by every such visitor, rendered once per change of
    anything it shows (catalog version, the product page stamp that stock and reviews renew, the panels' stamps).
    Reading the stamps is one cache round trip and no query; the live panels (social proof) and this visitor's
    CSRF token are put in per request. With the shared cache down, the page is rendered for the request."""
    stamps = product_page_stamps_get(product_id=pk, extra_keys=visitor_panel_stamp_keys(pk))
    if stamps is None:
        copy = _visitor_copy_render(request, pk)
    else:
        raw = "|".join((catalog_version_get(), get_language(), "product", str(pk), stamps))
        cache_key = "catalog:product-copy:" + hashlib.sha256(raw.encode()).hexdigest()
        copy = _near_or_shared(cache_key, lambda: _visitor_copy_render(request, pk), seconds=PRODUCT_COPY_SECONDS)
    body = copy["body"]
    for n, html in enumerate(live_visitor_panels(request, copy["product"])):
        body = body.replace(_live_panel_mark(n), html)
    body = body.replace('<div class="product-panels"></div>', "").replace(CSRF_MARK, get_token(request))
    context = {"share": copy["share"], "product_body": mark_safe(body)}  # noqa: S308 (our own auto-escaped output)
    return render(request, "shop/product.html", context)


def _live_panel_mark(n: int) -> SafeString:
    return mark_safe(f"<!--live-product-panel-{n}-->")  # noqa: S308 (a constant comment)


def _visitor_copy_render(request: HttpRequest, pk: int) -> dict[str, Any]:
    """What every visitor without an account sees of the product: the page body (with a mark for each live panel
    and for the CSRF token), its share card, and the bare product that live panels are given."""
    try:
        obj = selectors.product_get(pk=pk)
    except Product.DoesNotExist:
        raise Http404 from None
    request.csrf_token_placeholder = CSRF_MARK  # type: ignore[attr-defined]  (shop.context_processors)
    try:
        panels = visitor_panels(request, obj, live_mark=_live_panel_mark)
    finally:
        del request.csrf_token_placeholder  # type: ignore[attr-defined]
    context = {"product": obj, "panels": panels, "csrf_token": CSRF_MARK}
    context.update(review_section_context(user=request.user, product=obj))  # nothing of the visitor in it
    return {
        "body": render_to_string("shop/product.html#product-body", context),
        "share": _share_card(obj),
        "product": Product(pk=obj.pk, store_id=obj.store_id, category_id=obj.category_id, name=obj.name),
    }


def _share_card(obj: Product) -> dict[str, Any]:
    """The product's share card (title, description, picture, price, path) as plain values."""
    first = next(iter(obj.gallery), None)
    about = Truncator(strip_tags(obj.description)).chars(100)
    return {
        "title": obj.name,
        "description": _("%(store)s · %(price)s · %(about)s")
        % {"store": obj.store.name, "price": won(obj.price), "about": about},
        "image": first.image.url if first is not None else obj.category.share_picture_url,
        "price": obj.price,
        "url": obj.get_absolute_url(),
    }


def _product_for_page(pk: int) -> Product:
    """The product with its shop, team, category and images, cached under the catalog version (every edit of those
    rows bumps it), with stock, prices and rating read fresh in one query, so a sale or a review shows at once."""
    live = selectors.product_live_fields(pk=pk)
    if live is None:
        raise Http404
    raw = f"{catalog_version_get()}|product|{pk}"
    try:
        obj = _near_or_shared(
            "catalog:product:" + hashlib.sha256(raw.encode()).hexdigest(), lambda: selectors.product_get(pk=pk)
        )
    except Product.DoesNotExist:  # switched off between the two reads
        raise Http404 from None
    for field, value in live.items():
        setattr(obj, field, value)
    return obj


@require_safe
def store(request: HttpRequest, slug: str) -> HttpResponse:
    filters = selectors.ProductFilters.from_query(request.GET)

    def load() -> tuple[str, dict, Callable[[], Any]]:
        try:
            obj = selectors.store_get(slug=slug)
        except Store.DoesNotExist:
            raise Http404 from None
        context = {"store": obj, "filters": filters, "sort_labels": SORT_LABELS}
        context["share_meta"] = {
            "title": obj.name,
            "description": obj.tagline or _("%(store)s의 생활용품을 동네가게에서 만나 보세요.") % {"store": obj.name},
            "url": obj.get_absolute_url(),
        }
        return obj.name, context, lambda: selectors.store_products(store=obj, filters=filters)

    return _list_page(request, "shop/store.html", key=("store", slug), querystring=filters.querystring(), load=load)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:60]
    filters = selectors.ProductFilters.from_query(request.GET, default_sort=selectors.SORT_RELEVANCE)

    def load() -> tuple[str, dict, Callable[[], Any] | None]:
        context = {"q": query, "filters": filters, "sort_labels": SEARCH_SORT_LABELS}
        title = _("'%(q)s' 검색 결과") % {"q": query} if query else _("검색")
        products = (lambda: selectors.product_search(query=query, filters=filters)) if query else None
        return title, context, products

    querystring = filters.querystring(default_sort=selectors.SORT_RELEVANCE, q=query)
    return _list_page(request, "shop/search.html", key=("search",), querystring=querystring, load=load)


@require_safe
def category_placeholder(request: HttpRequest, slug: str) -> HttpResponse:
    """The generated picture of a category (drawn once, then read from storage); browsers may keep it a day."""
    category = Category.objects.filter(slug=slug).only("slug", "name").first()
    if category is None:
        raise Http404
    raw_variant = request.GET.get("v", "0")
    variant = int(raw_variant) % VARIANTS if raw_variant.isdigit() else 0
    path = category_placeholder_ensure(slug=category.slug, name=category.name, variant=variant)
    with default_storage.open(path, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="image/png")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response
