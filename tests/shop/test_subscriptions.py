"""Essentials subscriptions: sign-up rules, skip/pause/resume/interval/cancel, the idempotent due-date run."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from config.errors import DomainError
from shop import signals
from shop.models import Order, OrderStatus, Subscription, SubscriptionRun
from shop.services import subscriptions as subscription_services
from shop.services.subscriptions import (
    subscription_cancel,
    subscription_change,
    subscription_create,
    subscription_order_for_due_date,
    subscription_pause,
    subscription_resume,
    subscription_skip_next,
)
from shop.tasks import subscriptions_remind_task, subscriptions_run_due_task
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory, CartLineFactory
from tests.shop.factories import PreferenceCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _subscribe(*, interval=4, quantity=2, stock=50, price=8900, user=None):
    user = user or UserFactory()
    address = AddressFactory(user=user)
    product = ProductFactory(is_subscribable=True, price=price, list_price=None, stock=stock)
    return subscription_create(user=user, product=product, interval_weeks=interval, address=address, quantity=quantity)


def _day(offset_days):
    """Noon in Seoul, `offset_days` from today (tasks read the Seoul date)."""
    day = timezone.localdate() + timedelta(days=offset_days)
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def test_subscription_create_starts_tomorrow_by_default():
    subscription = _subscribe()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.next_due_date == timezone.localdate() + timedelta(days=1)


def test_subscription_of_non_subscribable_product_is_refused():
    user = UserFactory()
    with pytest.raises(DomainError) as excinfo:
        subscription_create(
            user=user,
            product=ProductFactory(is_subscribable=False),
            interval_weeks=4,
            address=AddressFactory(user=user),
        )
    assert excinfo.value.message == subscription_services.SUBSCRIPTION_PRODUCT_NOT_SUBSCRIBABLE


def test_subscription_of_preference_good_is_refused():
    user = UserFactory()
    product = ProductFactory(is_subscribable=True, category=PreferenceCategoryFactory())
    with pytest.raises(DomainError):
        subscription_create(user=user, product=product, interval_weeks=4, address=AddressFactory(user=user))


def test_subscription_with_unknown_interval_or_foreign_address_is_refused():
    user = UserFactory()
    product = ProductFactory(is_subscribable=True)
    with pytest.raises(DomainError) as interval:
        subscription_create(user=user, product=product, interval_weeks=3, address=AddressFactory(user=user))
    with pytest.raises(DomainError) as address:
        subscription_create(user=user, product=product, interval_weeks=4, address=AddressFactory())
    assert interval.value.message == subscription_services.SUBSCRIPTION_INTERVAL_INVALID
    assert address.value.message == subscription_services.SUBSCRIPTION_ADDRESS_INVALID


def test_second_live_subscription_to_same_product_is_refused():
    subscription = _subscribe()
    with pytest.raises(DomainError) as excinfo:
        subscription_create(
            user=subscription.user, product=subscription.product, interval_weeks=2, address=subscription.address
        )
    assert excinfo.value.message == subscription_services.SUBSCRIPTION_ALREADY_EXISTS


def test_skip_next_moves_date_one_interval_and_records_skip():
    subscription = _subscribe(interval=2)
    first = subscription.next_due_date

    skipped = subscription_skip_next(subscription=subscription)

    assert skipped.next_due_date == first + timedelta(weeks=2)
    assert SubscriptionRun.objects.get(subscription=subscription, due_date=first).outcome == "skipped"


def test_pause_then_resume_after_missed_date_moves_to_next_future_date():
    subscription = _subscribe(interval=2)
    first = subscription.next_due_date
    subscription_pause(subscription=subscription)

    with time_machine.travel(_day(20), tick=False):
        resumed = subscription_resume(subscription=subscription)

    assert resumed.status == Subscription.Status.ACTIVE
    assert resumed.next_due_date == first + timedelta(weeks=4)


def test_resume_of_active_subscription_is_refused():
    subscription = _subscribe()
    with pytest.raises(DomainError) as excinfo:
        subscription_resume(subscription=subscription)
    assert excinfo.value.message == subscription_services.SUBSCRIPTION_NOT_PAUSED


def test_change_interval_keeps_next_date_and_cancel_ends_it():
    subscription = _subscribe(interval=4)
    changed = subscription_change(subscription=subscription, interval_weeks=8)
    assert (changed.interval_weeks, changed.next_due_date) == (8, subscription.next_due_date)

    cancelled = subscription_cancel(subscription=subscription)

    assert cancelled.status == Subscription.Status.CANCELLED
    with pytest.raises(DomainError):
        subscription_skip_next(subscription=subscription)


def test_due_subscription_produces_exactly_one_order_when_beat_task_runs_twice():
    subscription = _subscribe(interval=4, quantity=2, price=8900)
    due = subscription.next_due_date
    CartLineFactory(cart__user=subscription.user)  # the customer's own cart stays as it was

    with time_machine.travel(_day(1), tick=False):
        first = subscriptions_run_due_task.apply().get()
        second = subscriptions_run_due_task.apply().get()

    assert (first, second) == (1, 0)
    order = Order.objects.get(user=subscription.user)
    assert order.status == OrderStatus.PAID
    assert order.subtotal == 17800
    assert order.attribution_source == f"subscription:{subscription.pk}"
    run = SubscriptionRun.objects.get(subscription=subscription)
    assert (run.due_date, run.outcome, run.order_id) == (due, "ordered", order.pk)
    subscription.refresh_from_db()
    assert subscription.next_due_date == due + timedelta(weeks=4)
    assert subscription.user.cart.lines.count() == 1


def test_due_run_called_again_for_same_date_returns_the_first_run():
    subscription = _subscribe()
    due = subscription.next_due_date
    with time_machine.travel(_day(1), tick=False):
        first = subscription_order_for_due_date(subscription=subscription, due_date=due)
        again = subscription_order_for_due_date(subscription=subscription, due_date=due)

    assert first.pk == again.pk
    assert Order.objects.filter(user=subscription.user).count() == 1


def test_due_subscription_out_of_stock_records_failed_run_and_moves_on():
    subscription = _subscribe(quantity=3, stock=1)
    due = subscription.next_due_date

    with time_machine.travel(_day(1), tick=False):
        placed = subscriptions_run_due_task.apply().get()

    assert placed == 0
    run = SubscriptionRun.objects.get(subscription=subscription)
    assert run.outcome == "failed"
    assert run.message
    assert not Order.objects.filter(user=subscription.user).exists()
    subscription.refresh_from_db()
    assert subscription.next_due_date == due + timedelta(weeks=4)


def test_paused_subscription_is_not_ordered():
    subscription = _subscribe()
    subscription_pause(subscription=subscription)
    with time_machine.travel(_day(1), tick=False):
        assert subscriptions_run_due_task.apply().get() == 0
    assert not Order.objects.exists()


def test_reminder_signal_is_sent_once_the_day_before(django_capture_on_commit_callbacks):
    subscription = _subscribe()
    received = []

    def receiver(sender, subscription, **kwargs):
        received.append(subscription.pk)

    signals.subscription_reminder_due.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = subscriptions_remind_task.apply().get()
            second = subscriptions_remind_task.apply().get()
    finally:
        signals.subscription_reminder_due.disconnect(receiver)

    assert (first, second) == (1, 0)
    assert received == [subscription.pk]
