"""Catalog pages under load: a returning visitor's page view is served from caches, and edits still show at once."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from feed.models import FeedItem
from feed.services import feed_item_create
from shop.services.orders import order_cancel
from tests.config.helpers import DEAD_REDIS_CACHES
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import CategoryFactory, ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    category = CategoryFactory(slug="detergent", name="세제")
    store = StoreFactory(slug="golmok")
    ProductFactory.create_batch(3, category=category, store=store, name="세탁세제")
    return category


def test_a_returning_visitor_views_a_category_page_without_any_query(client, count_queries, shelf):
    assert client.get("/c/detergent/").status_code == 200  # first view: renders, fills the caches, sets cookies

    assert count_queries(lambda: client.get("/c/detergent/")) == 0
    page = client.get("/c/detergent/").content.decode()
    assert page.count("세탁세제") >= 3
    assert 'id="greeting-slot"' in page


def test_a_product_edit_shows_on_the_next_category_view(client, shelf):
    product = ProductFactory(category=shelf, name="무향 세탁세제")
    assert "무향 세탁세제" in client.get("/c/detergent/").content.decode()

    product.name = "라벤더 세탁세제"
    product.save()

    page = client.get("/c/detergent/").content.decode()
    assert "라벤더 세탁세제" in page
    assert "무향 세탁세제" not in page


def test_a_new_feed_item_shows_in_the_badge_on_the_next_page(client, shelf):
    client.get("/c/detergent/")
    visitor_id = client.cookies["dg_vid"].value
    assert client.get("/c/detergent/").context["feed_unread_count"] == 0

    feed_item_create(kind=FeedItem.Kind.MD_MESSAGE, title="새 세제가 들어왔어요", visitor_id=visitor_id)

    assert client.get("/c/detergent/").context["feed_unread_count"] == 1


def test_with_redis_down_category_pages_still_render(client, shelf):
    with override_settings(CACHES=DEAD_REDIS_CACHES):
        caches._settings = None
        try:
            response = client.get("/c/detergent/")
            assert response.status_code == 200
            assert response.content.decode().count("세탁세제") >= 3
        finally:
            caches._settings = None


def test_a_sale_and_its_cancellation_show_on_the_cached_product_page_at_once(
    client, shelf, django_capture_on_commit_callbacks
):
    product = ProductFactory(category=shelf, name="무향 세탁세제", stock=12)
    assert "넉넉해요" in client.get(f"/p/{product.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # checkout takes stock with an UPDATE: no catalog edit
        order = order_via_checkout(items=[(product, 3)])
    assert "9개 남았어요" in client.get(f"/p/{product.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)
    assert "넉넉해요" in client.get(f"/p/{product.pk}/").content.decode()


def test_a_product_switched_off_is_gone_from_its_page_at_once(client, shelf):
    product = ProductFactory(category=shelf)
    assert client.get(f"/p/{product.pk}/").status_code == 200

    product.is_active = False
    product.save(update_fields=["is_active"])

    assert client.get(f"/p/{product.pk}/").status_code == 404
