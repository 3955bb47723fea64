"""Read-only catalog API: filters, detail with ordered images, constant query counts, schema."""

import pytest

from tests.shop.factories import CategoryFactory, ProductFactory, ProductImageFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    parent = CategoryFactory(slug="food", name="식품")
    water = CategoryFactory(slug="water", name="생수", parent=parent)
    other = CategoryFactory(slug="detergent", name="세제")
    mine = StoreFactory(slug="haessal")
    ProductFactory(name="제주 생수", category=water, store=mine, price=9900, list_price=None)
    ProductFactory(name="탄산수 레몬", category=water, price=14900, list_price=None)
    ProductFactory(name="라벤더 세탁세제", category=other, price=12900, list_price=15900)
    ProductFactory(name="숨긴 상품", category=water, is_active=False)
    return water


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


def test_products_api_lists_active_products_with_card_fields(client, catalog):
    data = client.get("/api/products/").json()
    assert data["count"] == 3
    detergent = next(item for item in data["results"] if item["name"] == "라벤더 세탁세제")
    assert detergent["discount_rate"] == 18
    assert detergent["image"] == "http://testserver/static/img/placeholders/bottle.svg"  # its category's drawing
    assert detergent["store"]["slug"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "food"}, ["제주 생수", "탄산수 레몬"]),
        ({"category": "water", "store": "haessal"}, ["제주 생수"]),
        ({"price_min": 10000, "price_max": 14000}, ["라벤더 세탁세제"]),
        ({"q": "세탁"}, ["라벤더 세탁세제"]),
    ],
)
def test_products_api_filters(client, catalog, params, expected):
    assert _names(client.get("/api/products/", params)) == expected


def test_product_detail_api_has_description_and_ordered_images(client, catalog):
    product = ProductFactory(description="부드러운 향이에요")
    second = ProductImageFactory(product=product, sort_order=2)
    first = ProductImageFactory(product=product, sort_order=1)
    data = client.get(f"/api/products/{product.pk}/").json()
    assert data["description"] == "부드러운 향이에요"
    assert [img["url"] for img in data["images"]] == [
        f"http://testserver{first.image.url}",
        f"http://testserver{second.image.url}",
    ]


def test_catalog_api_is_read_only(client, catalog):
    assert client.post("/api/products/", {"name": "x"}).status_code == 405
    assert client.delete("/api/stores/haessal/").status_code == 405


def test_categories_and_stores_api(client, catalog):
    categories = client.get("/api/categories/", {"parent": catalog.parent_id}).json()
    assert [c["slug"] for c in categories["results"]] == ["water"]
    assert "haessal" in [s["slug"] for s in client.get("/api/stores/").json()["results"]]


@pytest.mark.parametrize(
    "url", ["/api/products/", "/api/products/?category=food&q=생수", "/api/categories/", "/api/stores/"]
)
def test_catalog_list_api_query_count_is_constant(client, assert_constant_queries, catalog, url):
    def grow():
        for product in ProductFactory.create_batch(27, category=catalog, name="생수 묶음"):
            ProductImageFactory(product=product)
        CategoryFactory.create_batch(27)
        StoreFactory.create_batch(27)

    assert_constant_queries(lambda: client.get(url), grow)


def test_openapi_schema_describes_catalog_endpoints_without_warnings():
    """Only the catalog routes, so another area's schema warning cannot hide (or fake) ours."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.routers import SimpleRouter

    from shop.api import catalog as catalog_api

    router = SimpleRouter()
    router.register("categories", catalog_api.CategoryViewSet, basename="api-category")
    router.register("products", catalog_api.ProductViewSet, basename="api-product")
    router.register("stores", catalog_api.StoreViewSet, basename="api-store")
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/", include(router.urls))]).get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache
    assert not GENERATOR_STATS._error_cache
    assert {"/api/products/", "/api/products/{id}/", "/api/categories/", "/api/stores/"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/products/"]["get"]["parameters"]}
    assert {"category", "store", "price_min", "price_max", "q"} <= params
