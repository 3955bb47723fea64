import random
import statistics
from itertools import pairwise

import pytest

from shop.demo import orders as demo_orders
from shop.models import ORDER_TRANSITIONS, Address, Category, Order, OrderLine, OrderStatus
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.shop.factories import CategoryFactory, PreferenceCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mall():
    water = CategoryFactory(name="생수", replenishment_days=14)
    soap = CategoryFactory(name="세제", replenishment_days=30)
    treat = PreferenceCategoryFactory(name="캔들")
    for category in (water, soap, treat):
        for _ in range(2):
            ProductFactory(category=category, stock=50)
    customers = [UserFactory() for _ in range(4)]
    StaffUserFactory()
    return {"water": water, "soap": soap, "customers": customers}


def _seed():
    return demo_orders.seed(rng=random.Random(7), scale=1, log=lambda _msg: None)


def test_demo_history_covers_six_months_for_every_customer_and_not_staff(demo_mall):
    _seed()

    for customer in demo_mall["customers"]:
        orders = Order.objects.filter(user=customer)
        assert orders.count() >= 6
        span = orders.latest("placed_at").placed_at - orders.earliest("placed_at").placed_at
        assert span.days >= 120
        assert Address.objects.filter(user=customer, is_default=True).count() == 1
    assert not Order.objects.filter(user__is_staff=True).exists()


def test_demo_history_follows_allowed_transitions_and_snapshots(demo_mall):
    _seed()

    for order in Order.objects.prefetch_related("events", "lines"):
        steps = [event.current for event in order.events.all()]
        assert steps[0] == OrderStatus.PENDING_PAYMENT
        assert steps[-1] == order.status
        for previous, current in pairwise(steps):
            assert current in ORDER_TRANSITIONS[previous]
        times = [event.created_at for event in order.events.all()]
        assert times == sorted(times)
        assert order.subtotal == sum(line.line_total for line in order.lines.all())
        assert order.payment.amount == order.total
    statuses = set(Order.objects.values_list("status", flat=True))
    assert OrderStatus.DELIVERED in statuses


def test_demo_water_is_rebought_about_every_two_weeks(demo_mall):
    _seed()

    gaps = []
    for customer in demo_mall["customers"]:
        days = sorted(
            OrderLine.objects.filter(order__user=customer, product__category=demo_mall["water"])
            .values_list("order__placed_at", flat=True)
            .distinct()
        )
        gaps += [(b - a).days for a, b in pairwise(days)]
    if gaps:
        assert 9 <= statistics.median(gaps) <= 20


def test_demo_history_is_idempotent_and_does_not_touch_stock(demo_mall):
    stock_before = sorted(Category.objects.values_list("products__stock", flat=True))
    _seed()
    count = Order.objects.count()

    _seed()

    assert Order.objects.count() == count
    assert sorted(Category.objects.values_list("products__stock", flat=True)) == stock_before


def test_demo_history_without_customers_does_nothing():
    assert _seed() == []
    assert not Order.objects.exists()
