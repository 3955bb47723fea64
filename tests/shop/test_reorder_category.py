"""다시 담기 for an essential category: the feed reminder's one tap."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from config.errors import DomainError
from shop.models import Cart, CartLine, Order
from shop.services.cart import cart_get_or_create
from shop.services.reorder import category_reorder
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.shop.factories import CategoryFactory, PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _bought(user, product, *, days_ago, quantity=1, status=Order.Status.DELIVERED):
    order = PlacedOrderFactory(user=user, status=status, placed_at=timezone.now() - timedelta(days=days_ago))
    return PlacedOrderLineFactory(order=order, product=product, quantity=quantity)


def _cart_lines(user):
    return dict(CartLine.objects.filter(cart__user=user).values_list("product__name", "quantity"))


@pytest.fixture
def detergent():
    return CategoryFactory(name="세탁세제")


def test_category_reorder_adds_the_households_last_bought_product(detergent):
    household = HouseholdFactory()
    me, partner = UserFactory(household=household), UserFactory(household=household)
    _bought(me, ProductFactory(category=detergent, name="라벤더 세제"), days_ago=60)
    _bought(partner, ProductFactory(category=detergent, name="무향 세제"), days_ago=10, quantity=2)
    _bought(me, ProductFactory(name="다른 카테고리 휴지"), days_ago=1)
    _bought(me, ProductFactory(category=detergent, name="취소한 세제"), days_ago=2, status=Order.Status.CANCELLED)

    result = category_reorder(user=me, cart=cart_get_or_create(user=me), category_id=detergent.pk)

    assert result.added == ["무향 세제"]
    assert _cart_lines(me) == {"무향 세제": 2}
    assert result.messages == ["1개 상품을 장바구니에 담았어요."]


def test_category_reorder_skips_a_sold_out_latest_product(detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent, name="라벤더 세제"), days_ago=60)
    _bought(user, ProductFactory(category=detergent, name="품절 세제", stock=0), days_ago=10)

    result = category_reorder(user=user, cart=cart_get_or_create(user=user), category_id=detergent.pk)

    assert result.added == ["라벤더 세제"]
    assert _cart_lines(user) == {"라벤더 세제": 1}


def test_category_reorder_with_everything_gone_adds_nothing_and_says_so(detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent, name="단종 세제", is_active=False), days_ago=10)

    result = category_reorder(user=user, cart=cart_get_or_create(user=user), category_id=detergent.pk)

    assert result.added == []
    assert result.gone == ["단종 세제"]
    assert _cart_lines(user) == {}


def test_category_reorder_of_a_category_never_bought_is_refused(detergent):
    user = UserFactory()
    _bought(UserFactory(), ProductFactory(category=detergent), days_ago=3)  # someone else's household

    with pytest.raises(DomainError) as caught:
        category_reorder(user=user, cart=cart_get_or_create(user=user), category_id=detergent.pk)

    assert caught.value.http_status == 404


def test_category_reorder_get_when_not_logged_in_never_adds_to_cart(client, detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent), days_ago=30)
    url = reverse("shop:category_reorder", kwargs={"category_id": detergent.pk})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not CartLine.objects.exists()
    assert not Cart.objects.exists()


def test_category_reorder_get_shows_the_product_and_a_post_button_without_adding(client, detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent, name="무향 세제"), days_ago=30)
    client.force_login(user)
    url = reverse("shop:category_reorder", kwargs={"category_id": detergent.pk})

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "무향 세제" in html
    assert f'<form method="post" action="{url}"' in html
    assert not CartLine.objects.exists()


def test_category_reorder_post_adds_and_goes_to_the_cart(client, detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent, name="무향 세제"), days_ago=30)
    client.force_login(user)

    response = client.post(reverse("shop:category_reorder", kwargs={"category_id": detergent.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:cart")
    assert _cart_lines(user) == {"무향 세제": 1}


def test_category_reorder_post_of_a_category_never_bought_goes_back_to_frequent(client, detergent):
    client.force_login(UserFactory())

    response = client.post(reverse("shop:category_reorder", kwargs={"category_id": detergent.pk}))

    assert response["Location"] == reverse("shop:frequent")
    assert not CartLine.objects.exists()


def test_category_reorder_page_of_an_unknown_category_is_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("shop:category_reorder", kwargs={"category_id": 999_999})).status_code == 404
