"""Catalog reads shaped for the pages and the API: every list here costs a fixed number of queries.

Product cards need the product, its shop and category (select_related) and the path of its first image, which is
annotated with a correlated subquery instead of prefetching every image of every card.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from shop.models import Category, Product, ProductImage, Store

MD_LEAD_ROLE = "md_lead"  # crm.TeamMember.Role.MD_LEAD; shop does not import crm (see DESIGN.md)
HOME_SECTION_SIZE = 8

SORT_POPULAR = "popular"
SORT_NEW = "new"
SORT_PRICE_ASC = "price_asc"
SORT_PRICE_DESC = "price_desc"
SORT_RELEVANCE = "relevance"  # search only: similarity first, then popularity
SORT_ORDERINGS: dict[str, tuple[str, ...]] = {
    SORT_RELEVANCE: ("-sold_count", "-pk"),
    SORT_POPULAR: ("-sold_count", "-pk"),
    SORT_NEW: ("-created_at", "-pk"),
    SORT_PRICE_ASC: ("price", "pk"),
    SORT_PRICE_DESC: ("-price", "-pk"),
}


@dataclass(frozen=True)
class ProductFilters:
    """What a shopper picked on a list page; built from the query string, never trusted beyond parsing."""

    sort: str = SORT_POPULAR
    price_min: int | None = None
    price_max: int | None = None
    kind: str = ""
    in_stock: bool = False
    store: str = ""

    @classmethod
    def from_query(cls, params: Any, *, default_sort: str = SORT_POPULAR) -> "ProductFilters":
        def whole_won(name: str) -> int | None:
            raw = str(params.get(name, "")).replace(",", "").strip()
            return int(raw) if raw.isdigit() else None

        sort = params.get("sort", "")
        kind = params.get("kind", "")
        return cls(
            sort=sort if sort in SORT_ORDERINGS else default_sort,
            price_min=whole_won("price_min"),
            price_max=whole_won("price_max"),
            kind=kind if kind in Category.Kind.values else "",
            in_stock=params.get("in_stock") in {"1", "on", "true"},
            store=str(params.get("store", ""))[:60],
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.price_min or self.price_max or self.kind or self.in_stock or self.store)

    def apply(self, qs: QuerySet[Product]) -> QuerySet[Product]:
        if self.price_min is not None:
            qs = qs.filter(price__gte=self.price_min)
        if self.price_max is not None:
            qs = qs.filter(price__lte=self.price_max)
        if self.kind:
            qs = qs.filter(category__kind=self.kind)
        if self.in_stock:
            qs = qs.filter(stock__gt=0)
        if self.store:
            qs = qs.filter(store__slug=self.store)
        return qs

    def ordering(self) -> tuple[str, ...]:
        return SORT_ORDERINGS[self.sort]

    def querystring(self, *, default_sort: str = SORT_POPULAR, **extra: str) -> str:
        """The filters as a normalised query string (no page), used in links and as part of cache keys."""
        params = {
            **{k: v for k, v in extra.items() if v},
            "sort": self.sort if self.sort != default_sort else "",
            "price_min": "" if self.price_min is None else str(self.price_min),
            "price_max": "" if self.price_max is None else str(self.price_max),
            "kind": self.kind,
            "in_stock": "1" if self.in_stock else "",
            "store": self.store,
        }
        return urlencode({k: v for k, v in params.items() if v})


def _first_image_path() -> Subquery:
    images = ProductImage.objects.filter(product=OuterRef("pk")).order_by("sort_order", "pk").values("image")[:1]
    return Subquery(images)


def product_cards() -> QuerySet[Product]:
    """Active products of active shops, ready for a product card (shop, category, first image)."""
    return (
        Product.objects.filter(is_active=True, store__is_active=True)
        .select_related("store", "category")
        .defer("description")
        .annotate(primary_image=_first_image_path())
    )


def category_tree() -> list[Category]:
    """Top-level categories with their active children prefetched (two queries)."""
    children = Prefetch(
        "children", queryset=Category.objects.filter(is_active=True).order_by("sort_order", "name"), to_attr="kids"
    )
    return list(Category.objects.filter(parent__isnull=True, is_active=True).prefetch_related(children))


def categories_by_ids(*, ids: list[int]) -> dict[int, Category]:
    """Categories by primary key (missing ids are simply absent). One query."""
    return Category.objects.in_bulk(ids)


def category_get(*, slug: str) -> Category:
    """The category with its parent and its active children (`kids`); raises Category.DoesNotExist."""
    category = Category.objects.select_related("parent").get(slug=slug, is_active=True)
    category.kids = list(category.children.filter(is_active=True).order_by("sort_order", "name"))  # type: ignore[attr-defined]
    return category


def category_products(*, category: Category, filters: ProductFilters) -> QuerySet[Product]:
    """Cards of a category and its children (the tree is two levels deep), filtered and sorted."""
    ids = [category.pk, *(child.pk for child in getattr(category, "kids", []))]
    qs = product_cards().filter(category_id__in=ids) if len(ids) > 1 else product_cards().filter(category=category)
    return filters.apply(qs).order_by(*filters.ordering())


def store_choices(*, category: Category | None = None) -> list[Store]:
    """Active shops for the shop filter (one query)."""
    qs = Store.objects.filter(is_active=True).only("pk", "name", "slug")
    return list(qs)


@dataclass
class HomeSections:
    stores: list[Store]
    popular: list[Product]
    new: list[Product]
    categories: list[Category] = field(default_factory=list)


def _team_members() -> QuerySet:
    return apps.get_model("crm", "TeamMember").objects.all()


def _stores_with_team() -> QuerySet[Store]:
    members = Prefetch(
        "team__members",
        queryset=_team_members().select_related("user").order_by("sort_order", "pk"),
    )
    return Store.objects.filter(is_active=True).select_related("team").prefetch_related(members)


def home_sections() -> HomeSections:
    """Shops (with their teams), the most sold and the newest products, and the top-level categories."""
    return HomeSections(
        stores=list(_stores_with_team()),
        popular=list(product_cards().order_by("-sold_count", "-pk")[:HOME_SECTION_SIZE]),
        new=list(product_cards().order_by("-created_at", "-pk")[:HOME_SECTION_SIZE]),
        categories=category_tree(),
    )


def store_get(*, slug: str) -> Store:
    """A shop with its team and the team's members (user loaded) in display order; raises Store.DoesNotExist."""
    store = _stores_with_team().get(slug=slug)
    store.md_lead = next((m for m in store.team.members.all() if m.role == MD_LEAD_ROLE), None)  # type: ignore[attr-defined]
    return store


def store_products(*, store: Store, filters: ProductFilters) -> QuerySet[Product]:
    return filters.apply(product_cards().filter(store=store)).order_by(*filters.ordering())


def product_get(*, pk: int) -> Product:
    """An active product for its page: shop, team, category (with parent), ordered images and the MD lead."""
    members = Prefetch(
        "store__team__members",
        queryset=_team_members().filter(role=MD_LEAD_ROLE).select_related("user").order_by("sort_order", "pk"),
        to_attr="leads",
    )
    product = (
        Product.objects.filter(is_active=True, store__is_active=True)
        .select_related("store", "store__team", "category", "category__parent")
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("sort_order", "pk")), members)
        .get(pk=pk)
    )
    product.md_lead = product.store.team.leads[0] if product.store.team.leads else None  # type: ignore[attr-defined]
    return product


PRODUCT_LIVE_FIELDS = ("price", "list_price", "stock", "review_count", "rating_average")


def product_live_fields(*, pk: int) -> dict[str, Any] | None:
    """What may change without a catalog edit (checkout stock, review ratings), read fresh; None when not for sale."""
    return Product.objects.filter(pk=pk, is_active=True, store__is_active=True).values(*PRODUCT_LIVE_FIELDS).first()


def product_search(*, query: str, filters: ProductFilters) -> QuerySet[Product]:
    """Products matching `query` in name or description, best match first.

    Substring matching of every word first, so Korean partial words match ('세탁' finds '세탁세제'); Hangul has no case, so an
    uncased query uses a case-sensitive LIKE (PostgreSQL serves it from the trigram GIN index, where UPPER() on
    every row would cost a scan). Relevance: the whole phrase in the name, then every word in the name, then description-only
    matches; popularity breaks ties.
    When nothing contains the query, PostgreSQL falls back to pg_trgm word similarity on the name (typos such as
    '예가채프' still find '예가체프'), ranked by similarity. That costs one extra `exists()` query, the same for any
    result size. SQLite has no pg_trgm: substring matching only.
    """
    query = " ".join(query.split())[:60]
    if not query:
        return product_cards().none()
    lookup = "contains" if query.lower() == query.upper() and settings.USING_POSTGRES else "icontains"
    terms = query.split(" ")[:5]
    in_name, everywhere = Q(), Q()
    for term in terms:  # every word must appear, in the name or the description
        in_name &= Q(**{f"name__{lookup}": term})
        everywhere &= Q(**{f"name__{lookup}": term}) | Q(**{f"description__{lookup}": term})
    qs = filters.apply(product_cards())
    matches = qs.filter(everywhere)
    if settings.USING_POSTGRES and not matches.exists():
        from django.contrib.postgres.search import TrigramWordSimilarity

        similar = qs.filter(name__trigram_word_similar=query).annotate(rank=TrigramWordSimilarity(query, "name"))
        if filters.sort == SORT_RELEVANCE:
            return similar.order_by(F("rank").desc(), "-sold_count", "-pk")
        return similar.order_by(*filters.ordering())
    if filters.sort != SORT_RELEVANCE:
        return matches.order_by(*filters.ordering())
    name_first = Case(
        When(Q(**{f"name__{lookup}": query}), then=Value(2)),  # the whole phrase in the name
        When(in_name, then=Value(1)),  # every word in the name
        default=Value(0),  # found through the description
        output_field=IntegerField(),
    )
    return matches.annotate(rank=name_first).order_by(F("rank").desc(), "-sold_count", "-pk")


def page_tracking_ids(*, url_name: str, kwargs: dict[str, Any]) -> dict[str, int | str]:
    """Category, product and shop ids behind a catalog URL, for the tracking script on every page.

    Cached under the catalog version (and kept in process memory), so a page view normally costs no query or
    cache round trip for them.
    """
    from config import local_memo
    from shop.services.catalog import catalog_version_get

    lookup = {"category": "slug", "product": "pk", "store": "slug"}.get(url_name)
    if lookup is None or lookup not in kwargs:
        return _no_tracking_ids()
    cache_key = f"catalog:track:{catalog_version_get()}:{url_name}:{kwargs[lookup]}"
    return local_memo.get(cache_key, lambda: _tracking_ids_load(cache_key, url_name, kwargs), seconds=60)


def _no_tracking_ids() -> dict[str, int | str]:
    return {"category": "", "product": "", "store": ""}


def _tracking_ids_load(cache_key: str, url_name: str, kwargs: dict[str, Any]) -> dict[str, int | str]:
    from django.core.cache import cache

    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    ids = _no_tracking_ids()
    if url_name == "category":
        ids["category"] = Category.objects.filter(slug=kwargs["slug"]).values_list("pk", flat=True).first() or ""
    elif url_name == "product":
        row = Product.objects.filter(pk=kwargs["pk"]).values_list("pk", "category_id", "store_id").first()
        if row:
            ids["product"], ids["category"], ids["store"] = row
    else:
        ids["store"] = Store.objects.filter(slug=kwargs["slug"]).values_list("pk", flat=True).first() or ""
    cache.set(cache_key, ids, 3600)
    return ids
