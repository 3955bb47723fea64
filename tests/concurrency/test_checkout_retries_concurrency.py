"""Retries tell the truth, under real concurrency on PostgreSQL (threads released together by a barrier).

Ten copies of one checkout (same idempotency key) arriving at once, through the API and through the HTML form,
and Toss's deposit webhook racing the browser's return URL: one order, one payment, and no answer that contradicts
them (never a false "재고가 1개 남아서 2개를 주문할 수 없어요" for an order that was placed).
"""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shop.models import Order, OrderStatus, OrderStatusEvent, Payment, PaymentStatus, Product
from shop.selectors.cart import cart_info
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.checkout import CHECKOUT_IN_PROGRESS, seen_lines_encode
from tests.accounts.factories import UserFactory
from tests.concurrency.runner import run_concurrently
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import fake_toss

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADDRESS = {"recipient_name": "김하늘", "phone": "010-1234-5678", "postal_code": "04524", "address1": "세종대로 110"}


def _cart_with(user, product, quantity):
    cart = cart_get_or_create(user=user)
    cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    return cart


def test_ten_simultaneous_api_checkouts_with_one_key_answer_with_the_one_order_never_out_of_stock():
    product = ProductFactory(stock=3, price=7_000, list_price=None)
    user = UserFactory()
    _cart_with(user, product, 2)
    body = {"idempotency_key": str(uuid.uuid4()), "address": ADDRESS, "payment_method": "card"}

    def post(_):
        api = APIClient()
        api.force_authenticate(user)
        return api.post(reverse("api-checkout"), body, format="json")

    responses, errors = run_concurrently(10, post, workers=10)

    assert errors == []
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1
    for response in responses:
        data = response.json()
        if response.status_code in (200, 201):
            assert data["number"] == order.number
        else:
            assert response.status_code == 409, data
            assert data["code"] == "checkout_in_progress"
            assert data["detail"] == str(CHECKOUT_IN_PROGRESS)
            assert data["order"] == order.number
            assert int(response["Retry-After"]) > 0
    assert Product.objects.get(pk=product.pk).stock == 1
    assert Payment.objects.count() == 1


def test_double_submitted_checkout_form_lands_on_the_one_order_never_out_of_stock():
    product = ProductFactory(stock=3, price=7_000, list_price=None)
    user = UserFactory()
    cart = _cart_with(user, product, 2)
    form = {
        "idempotency_key": str(uuid.uuid4()),
        "seen": seen_lines_encode(cart_info(cart=cart)),
        "address_choice": "new",
        "payment_method": "card",
        "demo_outcome": "approve",
        **ADDRESS,
    }

    def submit(_):
        browser = Client()
        browser.force_login(user)
        return browser.post(reverse("shop:checkout"), form)

    responses, errors = run_concurrently(10, submit, workers=10)

    assert errors == []
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert {(r.status_code, r.url) for r in responses} == {(302, reverse("shop:order_complete", args=[order.number]))}
    assert Product.objects.get(pk=product.pk).stock == 1


def test_deposit_webhook_twice_at_the_same_time_as_the_return_url_makes_one_paid_order(settings):
    user = UserFactory()
    with fake_toss(settings) as toss:
        toss.virtual_account = True
        product = ProductFactory(stock=5, price=15_000, list_price=None)
        order = order_via_checkout(user=user, items=[(product, 1)])
        payment_key = "tgen_20261130150000wXyZ9"
        # The shopper deposits at once: Toss's answer to the confirm and its deposit callback cross each other.
        toss.approve_at_toss(order_id=order.number, payment_key=payment_key, amount=order.total)
        callback = toss.deposit(order.number)

        def arrive(job):
            browser = Client()
            if job == 0:
                browser.force_login(user)
                query = {"paymentKey": payment_key, "orderId": order.number, "amount": order.total}
                return browser.get(reverse("shop:toss_success"), query)
            return browser.post(reverse("shop:toss_webhook"), callback, content_type="application/json")

        responses, errors = run_concurrently(3, arrive, workers=3)

    assert errors == []
    assert [r.status_code for r in responses if r.status_code != 302] == [200, 200]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Payment.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).status == PaymentStatus.APPROVED
    assert OrderStatusEvent.objects.filter(order=order, current=OrderStatus.PAID).count() == 1
    assert Order.objects.filter(user=user).count() == 1
