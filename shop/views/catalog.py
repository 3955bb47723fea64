"""Catalog pages: thin views over shop.selectors.catalog; list pages answer htmx with just their grid partial."""

from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shop.hooks import product_panels
from shop.images import VARIANTS, category_placeholder_ensure
from shop.models import Category, Product, Store
from shop.selectors import catalog as selectors
from shop.views.reviews import review_section_context

PAGE_SIZE = 24
SORT_LABELS = {
    selectors.SORT_POPULAR: _("인기순"),
    selectors.SORT_NEW: _("신상품순"),
    selectors.SORT_PRICE_ASC: _("낮은 가격순"),
    selectors.SORT_PRICE_DESC: _("높은 가격순"),
}
SEARCH_SORT_LABELS = {selectors.SORT_RELEVANCE: _("정확도순"), **SORT_LABELS}


def _page(request: HttpRequest, qs) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Full page, or only its product grid partial for htmx sort/filter/page requests."""
    context.setdefault("querystring", _query_without_page(request))
    if request.htmx and not request.htmx.boosted:
        response = render(request, f"{template}#product-grid", context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/home.html", {"sections": selectors.home_sections()})


@require_safe
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/categories.html", {"tree": selectors.category_tree()})


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        obj = selectors.category_get(slug=slug)
    except Category.DoesNotExist:
        raise Http404 from None
    filters = selectors.ProductFilters.from_query(request.GET)
    page = _page(request, selectors.category_products(category=obj, filters=filters))
    context = {
        "category": obj,
        "filters": filters,
        "page_obj": page,
        "sort_labels": SORT_LABELS,
        "stores": selectors.store_choices(),
        "kinds": Category.Kind.choices if obj.kids else [],
    }
    return _list_response(request, "shop/category.html", context)


@require_safe
def product(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        obj = selectors.product_get(pk=pk)
    except Product.DoesNotExist:
        raise Http404 from None
    context = {"product": obj, "panels": product_panels(request, obj)}
    context.update(review_section_context(request=request, product=obj))  # the #reviews section (shop.views.reviews)
    return render(request, "shop/product.html", context)


@require_safe
def store(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        obj = selectors.store_get(slug=slug)
    except Store.DoesNotExist:
        raise Http404 from None
    filters = selectors.ProductFilters.from_query(request.GET)
    page = _page(request, selectors.store_products(store=obj, filters=filters))
    context = {"store": obj, "filters": filters, "page_obj": page, "sort_labels": SORT_LABELS}
    return _list_response(request, "shop/store.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    filters = selectors.ProductFilters.from_query(request.GET, default_sort=selectors.SORT_RELEVANCE)
    page = _page(request, selectors.product_search(query=query, filters=filters)) if query else None
    context = {"q": query, "filters": filters, "page_obj": page, "sort_labels": SEARCH_SORT_LABELS}
    return _list_response(request, "shop/search.html", context)


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
