"""찜: toggling the heart (htmx and plain), the wishlist page with constant queries."""

import pytest
from django.urls import reverse

from config.errors import DomainError
from shop.models import WishlistItem
from shop.services.wishlist import wishlist_toggle
from tests.accounts.factories import UserFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_wishlist_toggle_adds_then_removes():
    user, product = UserFactory(), ProductFactory()

    assert wishlist_toggle(user=user, product_id=product.pk) is True
    assert WishlistItem.objects.filter(user=user, product=product).count() == 1
    assert wishlist_toggle(user=user, product_id=product.pk) is False
    assert not WishlistItem.objects.filter(user=user).exists()


def test_wishlist_toggle_of_missing_product_is_refused():
    with pytest.raises(DomainError):
        wishlist_toggle(user=UserFactory(), product_id=987654)


def test_heart_toggle_by_htmx_returns_filled_heart(client):
    user, product = UserFactory(), ProductFactory()
    client.force_login(user)

    response = client.post(reverse("shop:wishlist_toggle", args=[product.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-pressed="true"' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_heart_toggle_for_visitor_asks_to_log_in(client):
    response = client.post(reverse("shop:wishlist_toggle", args=[ProductFactory().pk]))
    assert response.status_code == 302
    assert not WishlistItem.objects.exists()


def test_wishlist_page_lists_newest_first(client):
    user = UserFactory()
    first, second = ProductFactory(name="먼저 찜한 세제"), ProductFactory(name="나중에 찜한 휴지")
    wishlist_toggle(user=user, product_id=first.pk)
    wishlist_toggle(user=user, product_id=second.pk)
    wishlist_toggle(user=UserFactory(), product_id=ProductFactory(name="남의 찜").pk)
    client.force_login(user)

    response = client.get(reverse("shop:wishlist"))

    assert [product.name for product in response.context["products"]] == ["나중에 찜한 휴지", "먼저 찜한 세제"]
    assert "남의 찜" not in response.content.decode()


def test_wishlist_page_query_count_is_constant(client, assert_constant_queries):
    """Guards product_cards() (shop, category, first image in one query) on the wishlist page."""
    user = UserFactory()
    client.force_login(user)

    def grow_by(count):
        for _index in range(count):
            wishlist_toggle(user=user, product_id=ProductFactory().pk)

    grow_by(3)
    assert_constant_queries(lambda: client.get(reverse("shop:wishlist")), lambda: grow_by(27))
