"""List pages keep a constant number of queries however many products they show (3 vs 30)."""

import uuid

import pytest
from django.urls import reverse

from tests.crm.factories import TeamMemberFactory
from tests.shop.factories import CategoryFactory, ProductFactory, ProductImageFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _returning_visitor(client):
    """The worst path is a returning visitor's (a first-time one asks nothing about itself): give it a cookie."""
    client.cookies["dg_vid"] = str(uuid.uuid4())


def _grow(category, store, n=27):
    def grow():
        for product in ProductFactory.create_batch(n, category=category, store=store, name="세탁세제 대용량"):
            ProductImageFactory(product=product)
            ProductImageFactory(product=product, sort_order=1)
        TeamMemberFactory.create_batch(3, team=store.team, role="cs")
        StoreFactory.create_batch(3)

    return grow


@pytest.fixture
def catalog():
    parent = CategoryFactory(slug="laundry")
    category = CategoryFactory(slug="detergent", parent=parent)
    store = StoreFactory(slug="golmok")
    TeamMemberFactory(team=store.team)
    for product in ProductFactory.create_batch(3, category=category, store=store, name="세탁세제"):
        ProductImageFactory(product=product)
    return category, store


@pytest.mark.parametrize(
    ("url_name", "kwargs", "params"),
    [
        ("shop:home", {}, {}),
        ("shop:category", {"slug": "laundry"}, {}),
        ("shop:category", {"slug": "detergent"}, {"sort": "price_asc", "in_stock": "1"}),
        ("shop:store", {"slug": "golmok"}, {}),
        ("shop:search", {}, {"q": "세탁"}),
        ("shop:categories", {}, {}),
    ],
)
def test_list_page_query_count_is_constant(client, assert_constant_queries, catalog, url_name, kwargs, params):
    category, store = catalog
    url = reverse(url_name, kwargs=kwargs)

    def render():
        response = client.get(url, params)
        assert response.status_code == 200

    assert_constant_queries(render, _grow(category, store))


def test_product_page_query_count_does_not_grow_with_images_or_team(client, assert_constant_queries, catalog):
    category, store = catalog
    product = ProductFactory(category=category, store=store)
    url = reverse("shop:product", kwargs={"pk": product.pk})

    def grow():
        for i in range(10):
            ProductImageFactory(product=product, sort_order=i)
        TeamMemberFactory.create_batch(4, team=store.team, role="cs")

    assert_constant_queries(lambda: client.get(url), grow)
