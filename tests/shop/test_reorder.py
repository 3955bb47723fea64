"""다시 담기 and 자주 사는 상품."""

import pytest
from django.urls import reverse

from config.errors import DomainError
from shop.models import CartLine
from shop.services.cart import cart_get_or_create
from shop.services.reorder import order_reorder
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.shop.factories import PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _order_with(user, *items):
    order = PlacedOrderFactory(user=user, status="delivered")
    for product, quantity in items:
        PlacedOrderLineFactory(order=order, product=product, quantity=quantity)
    return order


def test_reorder_adds_available_lines_and_reports_gone_and_short():
    user = UserFactory()
    plenty = ProductFactory(name="생수", stock=50)
    low = ProductFactory(name="휴지", stock=1)
    gone = ProductFactory(name="단종 세제", stock=10)
    order = _order_with(user, (plenty, 2), (low, 3), (gone, 1))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    cart = cart_get_or_create(user=user)

    result = order_reorder(order=order, user=user, cart=cart)

    assert dict(CartLine.objects.filter(cart=cart).values_list("product__name", "quantity")) == {"생수": 2, "휴지": 1}
    assert result.added == ["생수", "휴지"]
    assert result.gone == ["단종 세제"]
    assert result.short == ["휴지: 재고가 1개 남아서 1개만 담았어요."]


def test_reorder_of_someone_elses_order_is_refused():
    order = _order_with(UserFactory(), (ProductFactory(), 1))
    intruder = UserFactory()
    with pytest.raises(DomainError):
        order_reorder(order=order, user=intruder, cart=cart_get_or_create(user=intruder))


def test_reorder_view_fills_cart_and_goes_to_cart(client):
    user = UserFactory()
    order = _order_with(user, (ProductFactory(stock=5), 2))
    client.force_login(user)

    response = client.post(reverse("shop:order_reorder", args=[order.number]))

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:cart")
    assert CartLine.objects.filter(cart__user=user).get().quantity == 2


def test_reorder_view_of_another_customers_order_is_404(client):
    order = _order_with(UserFactory(), (ProductFactory(), 1))
    client.force_login(UserFactory())
    assert client.post(reverse("shop:order_reorder", args=[order.number])).status_code == 404


def test_frequent_page_shows_household_products(client):
    household = HouseholdFactory(name="하늘네 집")
    me, partner = UserFactory(household=household), UserFactory(household=household)
    water = ProductFactory(name="동네 생수 2L")
    _order_with(me, (water, 1))
    _order_with(partner, (water, 2))
    client.force_login(me)

    response = client.get(reverse("shop:frequent"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "동네 생수 2L" in html
    assert "2번 주문" in html
    assert "하늘네 집" in html


def test_frequent_page_query_count_is_constant(client, assert_constant_queries):
    """Guards the grouped purchase query plus one product_cards() query, whatever the history size."""
    user = UserFactory(household=HouseholdFactory())
    client.force_login(user)

    def grow_by(count):
        for _index in range(count):
            _order_with(user, (ProductFactory(), 1), (ProductFactory(), 2))

    grow_by(2)
    assert_constant_queries(lambda: client.get(reverse("shop:frequent")), lambda: grow_by(12))
