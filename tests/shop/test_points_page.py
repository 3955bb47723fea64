"""The points page (shop:points): balance, expiring soon, history with constant queries."""

import pytest
from django.urls import reverse

from shop.services.points import point_adjust, point_earn_for_order, point_spend
from tests.accounts.factories import UserFactory
from tests.shop.factories import PlacedOrderFactory

pytestmark = pytest.mark.django_db


def test_points_page_shows_balance_and_history(client, settings):
    settings.POINTS_EXPIRY_DAYS = 20
    user = UserFactory()
    order = PlacedOrderFactory(user=user, subtotal=120000)
    point_earn_for_order(order=order)
    point_spend(user=user, amount=200)
    client.force_login(user)

    response = client.get(reverse("shop:points"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["summary"].balance == 1000
    assert "1,000원" in html
    assert order.number in html
    assert "사라져요" in html


def test_points_page_query_count_is_constant(client, assert_constant_queries):
    """Guards the history's select_related("order"): orders are not fetched per entry."""
    user = UserFactory()
    client.force_login(user)

    def grow_by(count):
        for _index in range(count):
            order = PlacedOrderFactory(user=user)
            point_adjust(user=user, amount=500, note="이벤트")
            point_spend(user=user, amount=100, order=order)

    grow_by(2)
    assert_constant_queries(lambda: client.get(reverse("shop:points")), lambda: grow_by(8))
