"""Points ledger: earn on delivery, spend, refund exactly once, FIFO expiry."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.errors import DomainError
from shop.models import PointEntry
from shop.selectors.points import point_balance, point_history, point_summary
from shop.services import points as point_services
from shop.services.points import (
    point_adjust,
    point_earn_for_order,
    point_expire_for_user,
    point_refund_for_order,
    point_spend,
)
from tests.accounts.factories import UserFactory
from tests.shop.factories import PlacedOrderFactory

pytestmark = pytest.mark.django_db


def test_point_earn_for_order_credits_configured_rate_of_paid_total(settings):
    settings.POINTS_EARN_RATE_PERCENT = 2
    order = PlacedOrderFactory(subtotal=45000)

    entry = point_earn_for_order(order=order)

    assert entry.amount == 900
    assert entry.kind == PointEntry.Kind.EARN
    assert point_balance(user=order.user) == 900


def test_point_earn_for_order_twice_credits_once():
    order = PlacedOrderFactory(subtotal=30000)

    first = point_earn_for_order(order=order)
    second = point_earn_for_order(order=order)

    assert first.pk == second.pk
    assert PointEntry.objects.filter(order=order, kind="earn").count() == 1
    assert point_balance(user=order.user) == 300


def test_point_earn_expires_after_configured_days(settings):
    settings.POINTS_EXPIRY_DAYS = 90
    order = PlacedOrderFactory(subtotal=10000)

    entry = point_earn_for_order(order=order)

    assert entry.expires_at == entry.created_at + timedelta(days=90)


def test_point_spend_more_than_balance_is_rejected_and_writes_nothing():
    user = UserFactory()
    point_adjust(user=user, amount=1000, note="가입 축하")

    with pytest.raises(DomainError) as excinfo:
        point_spend(user=user, amount=1001)

    assert excinfo.value.message == point_services.POINTS_NOT_ENOUGH.format(balance="1,000원")
    assert point_balance(user=user) == 1000
    assert not PointEntry.objects.filter(user=user, kind="spend").exists()


@pytest.mark.parametrize("amount", [0, -5])
def test_point_spend_of_non_positive_amount_is_rejected(amount):
    user = UserFactory()
    point_adjust(user=user, amount=1000, note="가입 축하")
    with pytest.raises(DomainError) as excinfo:
        point_spend(user=user, amount=amount)
    assert excinfo.value.message == point_services.POINTS_AMOUNT_INVALID


def test_point_refund_for_order_returns_spent_points_once():
    user = UserFactory()
    point_adjust(user=user, amount=5000, note="이벤트")
    order = PlacedOrderFactory(user=user, subtotal=30000, points_used=2000)
    point_spend(user=user, amount=2000, order=order)
    assert point_balance(user=user) == 3000

    first = point_refund_for_order(order=order)
    second = point_refund_for_order(order=order)

    assert first.pk == second.pk
    assert first.amount == 2000
    assert point_balance(user=user) == 5000


def test_point_refund_for_order_without_spend_does_nothing():
    order = PlacedOrderFactory()
    assert point_refund_for_order(order=order) is None
    assert not PointEntry.objects.filter(order=order).exists()


def test_point_adjust_below_zero_is_rejected():
    user = UserFactory()
    point_adjust(user=user, amount=100, note="보상")
    with pytest.raises(DomainError) as excinfo:
        point_adjust(user=user, amount=-200, note="회수")
    assert excinfo.value.message == point_services.POINTS_ADJUST_BELOW_ZERO


def test_point_expire_writes_unspent_part_of_expired_earn_once(settings):
    settings.POINTS_EXPIRY_DAYS = 30
    start = timezone.now()
    user = UserFactory()
    with time_machine.travel(start, tick=False):
        point_earn_for_order(order=PlacedOrderFactory(user=user, subtotal=100000))  # 1,000 points
    with time_machine.travel(start + timedelta(days=10), tick=False):
        point_spend(user=user, amount=300)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        point_earn_for_order(order=PlacedOrderFactory(user=user, subtotal=50000))  # 500 points, later expiry

    with time_machine.travel(start + timedelta(days=31), tick=False):
        expired = point_expire_for_user(user=user)
        again = point_expire_for_user(user=user)

    assert expired.amount == -700
    assert again is None
    assert point_balance(user=user) == 500
    assert PointEntry.objects.filter(user=user, kind="expire").count() == 1


def test_point_spend_after_expiry_cannot_use_expired_points(settings):
    settings.POINTS_EXPIRY_DAYS = 30
    start = timezone.now()
    user = UserFactory()
    with time_machine.travel(start, tick=False):
        point_earn_for_order(order=PlacedOrderFactory(user=user, subtotal=100000))

    with time_machine.travel(start + timedelta(days=31), tick=False):
        with pytest.raises(DomainError):
            point_spend(user=user, amount=500)
        assert point_balance(user=user) == 0


def test_point_summary_reports_points_expiring_within_thirty_days(settings):
    settings.POINTS_EXPIRY_DAYS = 20
    user = UserFactory()
    point_earn_for_order(order=PlacedOrderFactory(user=user, subtotal=100000))
    point_adjust(user=user, amount=500, note="이벤트", expires_at=timezone.now() + timedelta(days=200))

    summary = point_summary(user=user)

    assert summary.balance == 1500
    assert summary.expiring_soon == 1000


def test_point_history_lists_newest_first_with_orders():
    user = UserFactory()
    order = PlacedOrderFactory(user=user)
    point_adjust(user=user, amount=1000, note="가입 축하")
    point_spend(user=user, amount=400, order=order)

    kinds = [entry.kind for entry in point_history(user=user)]

    assert kinds == ["spend", "adjust"]


def test_points_expire_task_expires_only_due_customers_and_is_idempotent(settings):
    from shop.tasks import points_expire_task

    settings.POINTS_EXPIRY_DAYS = 10
    start = timezone.now()
    due, spent_all, fresh = UserFactory(), UserFactory(), UserFactory()
    with time_machine.travel(start, tick=False):
        point_earn_for_order(order=PlacedOrderFactory(user=due, subtotal=100000))
        point_earn_for_order(order=PlacedOrderFactory(user=spent_all, subtotal=100000))
        point_spend(user=spent_all, amount=1000)
    with time_machine.travel(start + timedelta(days=5), tick=False):
        point_earn_for_order(order=PlacedOrderFactory(user=fresh, subtotal=100000))

    with time_machine.travel(start + timedelta(days=11), tick=False):
        first = points_expire_task.apply().get()
        second = points_expire_task.apply().get()

    assert (first, second) == (1, 0)
    assert list(PointEntry.objects.filter(kind="expire").values_list("user_id", "amount")) == [(due.pk, -1000)]
