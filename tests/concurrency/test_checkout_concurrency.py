"""Checkout guarantees under real concurrency: PostgreSQL, real threads released together by a barrier
(tests/concurrency/runner.py). 100 checkouts run on WORKERS threads, so they fit in the server's connections and
every checkout still races the others for the same product rows.
"""

import uuid
from functools import partial

import pytest

from config.errors import DomainError
from shop.models import Order, OrderStatus, PaymentMethod, PaymentStatus, Product
from shop.payments.demo import DEMO_DECLINE
from shop.selectors.cart import cart_info
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.checkout import (
    CheckoutInProgress,
    CheckoutResult,
    checkout_complete,
    seen_lines_decode,
    seen_lines_encode,
)
from shop.services.orders import ALREADY_CANCELLED, order_cancel
from tests.accounts.factories import UserFactory
from tests.concurrency.runner import run_concurrently as run_threads
from tests.shop.checkout_factories import SHIPPING, order_via_checkout
from tests.shop.factories import ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 20


# Domain refusals ("sold out", "already cancelled") are answers the tests count, so they come back as results.
run_concurrently = partial(run_threads, workers=WORKERS, exceptions_as_results=(DomainError,))


def _ready_cart(user, product, quantity=1):
    cart = cart_get_or_create(user=user)
    cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    return cart, seen_lines_decode(seen_lines_encode(cart_info(cart=cart)))


def _checkout(user, cart, seen, *, key=None, demo_outcome=""):
    return checkout_complete(
        user=user,
        cart=cart,
        idempotency_key=key or uuid.uuid4(),
        address=SHIPPING,
        seen_lines=seen,
        payment_method=PaymentMethod.CARD,
        demo_outcome=demo_outcome,
    )


def test_hundred_concurrent_checkouts_for_stock_ten_make_exactly_ten_paid_orders():
    product = ProductFactory(stock=10, price=5000, list_price=None)
    shoppers = [UserFactory() for _ in range(100)]
    carts = [_ready_cart(user, product) for user in shoppers]

    results, errors = run_concurrently(100, lambda i: _checkout(shoppers[i], *carts[i]))

    assert errors == []
    assert len(results) == 100
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.filter(status=OrderStatus.PAID).count() == 10
    assert Order.objects.count() == 10
    assert Product.objects.get(pk=product.pk).sold_count == 10
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 90
    assert {r.code for r in refused} == {"cart_changed"}


def test_same_idempotency_key_submitted_concurrently_makes_one_order():
    product = ProductFactory(stock=50)
    user = UserFactory()
    cart, seen = _ready_cart(user, product, quantity=2)
    key = uuid.uuid4()

    results, errors = run_concurrently(8, lambda i: _checkout(user, cart, seen, key=key), workers=8)

    assert errors == []
    assert Order.objects.count() == 1
    order = Order.objects.get()
    # Each answer names the one order: the result, or "already being processed" while it is being charged.
    assert {r.order.pk for r in results} == {order.pk}
    assert sum(1 for r in results if isinstance(r, CheckoutResult) and r.created) == 1
    assert all(isinstance(r, CheckoutResult | CheckoutInProgress) for r in results)
    product.refresh_from_db()
    assert product.stock == 48


def test_concurrent_declined_payments_give_all_stock_back():
    product = ProductFactory(stock=5)
    shoppers = [UserFactory() for _ in range(12)]
    carts = [_ready_cart(user, product) for user in shoppers]

    results, errors = run_concurrently(12, lambda i: _checkout(shoppers[i], *carts[i], demo_outcome=DEMO_DECLINE))

    assert errors == []
    assert len(results) == 12
    product.refresh_from_db()
    assert product.stock == 5
    assert not Order.objects.filter(status=OrderStatus.PAID).exists()
    assert all(order.stock_released for order in Order.objects.all())
    assert set(Order.objects.values_list("payment__status", flat=True)) <= {PaymentStatus.DECLINED}


def test_cancellation_called_concurrently_returns_stock_exactly_once():
    product = ProductFactory(stock=5)
    order = order_via_checkout(items=[(product, 2)])
    product.refresh_from_db()
    assert product.stock == 3

    results, errors = run_concurrently(8, lambda i: order_cancel(order=order), workers=8)

    assert errors == []
    cancelled = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(cancelled) == 1
    assert {r.message for r in refused} == {str(ALREADY_CANCELLED)}
    product.refresh_from_db()
    assert product.stock == 5
    assert order.events.filter(current=OrderStatus.CANCELLED).count() == 1
