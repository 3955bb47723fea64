"""Toss's PAYMENT_STATUS_CHANGED webhook: the body only names a payment; its state is read back from Toss and
decided under the order's row lock. A cancel made in Toss's console refunds the order here, an aborted or expired
payment lets a pending order go; replays, forgeries and our own cancels' echoes change nothing more."""

import pytest
from django.urls import reverse

from shop.models import Order, OrderStatus, OrderStatusEvent, Payment, PaymentStatus, Product
from shop.payments.toss import TossPaymentProvider
from shop.services.orders import order_transition
from shop.services.payments_gateway import payment_refund_partial
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import fake_toss

pytestmark = pytest.mark.django_db

PAYMENT_KEY = "tgen_20261130150000StAt1"


@pytest.fixture
def toss(settings):
    with fake_toss(settings) as server:
        yield server


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _placed(user):
    product = ProductFactory(stock=5, price=10_000, list_price=None)
    return order_via_checkout(user=user, items=[(product, 2)]), product


def _returned(client, order):
    query = {"paymentKey": PAYMENT_KEY, "orderId": order.number, "amount": order.total}
    client.get(reverse("shop:toss_success"), query)
    return Order.objects.get(pk=order.pk)


def _webhook(client, body):
    return client.post(reverse("shop:toss_webhook"), body, content_type="application/json")


def _payment(order):
    return Payment.objects.get(order=order)


def test_cancel_in_tosss_console_cancels_the_paid_order_puts_stock_back_and_asks_no_refund(toss, client, shopper):
    order, product = _placed(shopper)
    order = _returned(client, order)
    assert order.status == OrderStatus.PAID

    response = _webhook(client, toss.cancel_at_console(order.number))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert _payment(order).status == PaymentStatus.REFUNDED
    assert _payment(order).refunded_amount == order.total
    assert Product.objects.get(pk=product.pk).stock == 5
    assert toss.cancels(PAYMENT_KEY) == []  # Toss already gave the money back: nothing sent


def test_status_webhook_replayed_changes_nothing_more(toss, client, shopper):
    order, _ = _placed(shopper)
    _returned(client, order)
    body = toss.cancel_at_console(order.number)

    for _attempt in range(3):
        assert _webhook(client, body).status_code == 200

    assert OrderStatusEvent.objects.filter(order=order, current=OrderStatus.CANCELLED).count() == 1
    assert toss.cancels(PAYMENT_KEY) == []


def test_cancel_in_the_console_after_delivery_marks_the_order_refunded(toss, client, shopper):
    order, _ = _placed(shopper)
    _returned(client, order)
    for target in (OrderStatus.PREPARING, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order_transition(order=Order.objects.get(pk=order.pk), target=target)

    _webhook(client, toss.cancel_at_console(order.number))

    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED
    assert _payment(order).status == PaymentStatus.REFUNDED


def test_partial_cancel_in_the_console_records_the_amount_and_keeps_the_order(toss, client, shopper):
    order, _ = _placed(shopper)
    _returned(client, order)

    _webhook(client, toss.cancel_at_console(order.number, amount=4_000))
    _webhook(client, toss.status_changed(order.number))  # replayed

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert _payment(order).status == PaymentStatus.APPROVED
    assert _payment(order).refunded_amount == 4_000


def test_our_own_partial_refund_and_its_echo_count_once(toss, client, shopper):
    order, _ = _placed(shopper)
    _returned(client, order)

    payment_refund_partial(order=order, amount=3_000, reason="한 개 파손")
    _webhook(client, toss.status_changed(order.number))

    assert _payment(order).refunded_amount == 3_000


def test_echo_that_overtakes_our_own_partial_refund_counts_once(toss, client, shopper, monkeypatch):
    order, _ = _placed(shopper)
    _returned(client, order)
    refund = TossPaymentProvider.refund

    def refund_then_echo_first(provider, **kwargs):
        answer = refund(provider, **kwargs)
        _webhook(client, toss.status_changed(order.number))  # Toss's webhook is handled before its answer is
        return answer

    monkeypatch.setattr(TossPaymentProvider, "refund", refund_then_echo_first)
    payment_refund_partial(order=order, amount=3_000, reason="한 개 파손")

    assert _payment(order).refunded_amount == 3_000


@pytest.mark.parametrize("toss_status", ["ABORTED", "EXPIRED"])
def test_aborted_or_expired_payment_lets_the_pending_order_go(toss, client, shopper, toss_status):
    toss.virtual_account = True
    order, product = _placed(shopper)
    order = _returned(client, order)
    assert _payment(order).status == PaymentStatus.AWAITING_DEPOSIT

    response = _webhook(client, toss.set_status(order.number, toss_status))

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=product.pk).stock == 5
    assert _webhook(client, toss.status_changed(order.number)).status_code == 200
    assert OrderStatusEvent.objects.filter(order=order, current=OrderStatus.CANCELLED).count() == 1


def test_forged_status_webhook_cannot_cancel_a_paid_order(toss, client, shopper):
    order, _ = _placed(shopper)
    _returned(client, order)
    forged = {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": order.number, "status": "CANCELED"}}

    assert _webhook(client, forged).status_code == 200

    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID  # Toss says DONE: nothing changes


def test_status_webhook_for_an_order_toss_never_saw_or_that_is_not_ours_is_ignored(toss, client, shopper):
    order, _ = _placed(shopper)  # the shopper is still in the widget: Toss holds nothing yet
    event = {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": order.number, "status": "ABORTED"}}

    assert _webhook(client, event).json() == {"detail": "ignored"}
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    stranger = {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": "20990101-000000", "status": "DONE"}}
    assert _webhook(client, stranger).json() == {"detail": "ignored"}


def test_status_webhook_while_toss_is_down_is_503_so_toss_sends_it_again(toss, client, shopper):
    order, _ = _placed(shopper)
    _returned(client, order)
    body = toss.cancel_at_console(order.number)
    toss.server.routes[("GET", f"/v1/payments/{PAYMENT_KEY}")] = (500, {"code": "FAILED_INTERNAL_SYSTEM_PROCESSING"})

    assert _webhook(client, body).status_code == 503
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
