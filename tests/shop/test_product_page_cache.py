"""The product page for a visitor without an account is served from a cached body, and price, stock, reviews and
replies still show on the next request; a first-time visitor without cookies costs no more than a returning one."""

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shop import hooks
from shop.models import ReviewReply
from shop.services.reviews import review_create
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.config.helpers import DEAD_REDIS_CACHES
from tests.shop.factories import CategoryFactory, PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(category=CategoryFactory(slug="detergent"), name="무향 세탁세제", price=12900, stock=50)


def _page(client, product) -> str:
    response = client.get(f"/p/{product.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_price_edit_shows_on_the_next_view(client, product):
    assert "12,900" in _page(client, product)

    product.price = 9900
    product.save(update_fields=["price"])  # the admin's and the back office's edits save the row

    page = _page(client, product)
    assert "9,900" in page
    assert "12,900" not in page


def test_a_new_review_and_its_reply_show_on_the_next_view(client, product, django_capture_on_commit_callbacks):
    line = PlacedOrderLineFactory(order=PlacedOrderFactory(user=UserFactory(), status="delivered"), product=product)
    assert "향이 은은해서 좋아요" not in _page(client, product)
    with django_capture_on_commit_callbacks(execute=True):  # the stamps are renewed once the review is committed
        review = review_create(user=line.order.user, order_line=line, rating=5, body="향이 은은해서 좋아요. 또 살게요.")
    page = _page(client, product)
    assert "향이 은은해서 좋아요" in page
    assert "리뷰 1개" in page

    with django_capture_on_commit_callbacks(execute=True):  # the shop team's answer (review_reply saves this row)
        ReviewReply.objects.create(review=review, author=StaffUserFactory(), body="고맙습니다! 다음에도 찾아 주세요.")

    assert "고맙습니다! 다음에도 찾아 주세요." in _page(client, product)


def test_each_visitor_gets_its_own_csrf_token_in_the_cached_body(product):
    first, second = Client(), Client()
    tokens = []
    for visitor in (first, second):
        page = _page(visitor, product)
        assert "csrf-token-of-this-visitor" not in page
        assert "<!--product-panels-->" not in page
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
        visitor.get(f"/p/{product.pk}/")  # the cookie the page set

    added = first.post("/cart/add/", {"product_id": product.pk, "quantity": 1, "csrfmiddlewaretoken": tokens[0]})
    assert added.status_code in (200, 302)


def test_a_signed_in_shopper_still_gets_a_page_rendered_for_them(client, product):
    client.force_login(UserFactory())
    page = _page(client, product)
    assert "무향 세탁세제" in page
    assert "csrf-token-of-this-visitor" not in page


def test_a_first_time_visitor_costs_no_feed_query(count_queries, product):
    Client().get(f"/p/{product.pk}/")  # caches filled by someone before
    returning = Client()
    returning.get(f"/p/{product.pk}/")

    with_cookies = count_queries(lambda: returning.get(f"/p/{product.pk}/"))
    without_cookies = count_queries(lambda: Client().get(f"/p/{product.pk}/"))

    assert without_cookies <= with_cookies


def test_a_visitor_page_view_from_the_shared_copy_costs_no_query(count_queries, product):
    Client().get(f"/p/{product.pk}/")  # the first visitor renders the copy
    returning = Client()
    returning.get(f"/p/{product.pk}/")

    assert count_queries(lambda: returning.get(f"/p/{product.pk}/")) == 0
    assert count_queries(lambda: Client().get(f"/p/{product.pk}/")) == 0


def test_stamped_panels_render_once_for_all_visitors_and_live_ones_on_every_request(product):
    calls = {"shared": 0, "live": 0}

    def shared_panel(request, product):
        calls["shared"] += 1
        return mark_safe('<p class="shared-panel">이 상품을 고른 MD의 한마디</p>')

    def live_panel(request, product):
        calls["live"] += 1
        return format_html('<p class="live-panel">지금 {}번째로 보고 있어요</p>', calls["live"])

    hooks.register_product_panel(shared_panel, visitor_stamp_key=lambda product_id: f"test:panel:{product_id}")
    hooks.register_product_panel(live_panel)
    try:
        pages = [_page(Client(), product) for _ in range(3)]
    finally:
        hooks.unregister_product_panel(shared_panel)
        hooks.unregister_product_panel(live_panel)

    assert calls == {"shared": 1, "live": 3}
    assert all("이 상품을 고른 MD의 한마디" in page for page in pages)
    assert [page.count("번째로 보고 있어요") for page in pages] == [1, 1, 1]
    assert "지금 3번째로 보고 있어요" in pages[2]
    assert pages[0].index("shared-panel") < pages[0].index("live-panel")  # registration order


def test_with_the_shared_cache_down_the_product_page_still_renders(client, product):
    with override_settings(CACHES=DEAD_REDIS_CACHES):
        caches._settings = None
        try:
            page = _page(client, product)
        finally:
            caches._settings = None
    assert "무향 세탁세제" in page
    assert "csrf-token-of-this-visitor" not in page
