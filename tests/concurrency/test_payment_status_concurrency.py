"""A cancel made in Toss's console, reported twice by PAYMENT_STATUS_CHANGED, racing the shopper's own cancel of
the same paid order, under real concurrency on PostgreSQL: the order is cancelled once, its stock comes back once,
and the payment ends refunded whichever arrives first."""

import pytest
from django.test import Client
from django.urls import reverse

from shop.models import Order, OrderStatus, OrderStatusEvent, Payment, PaymentStatus, Product
from tests.accounts.factories import UserFactory
from tests.concurrency.test_checkout_concurrency import run_concurrently
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import fake_toss

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_console_cancel_webhooks_racing_the_shoppers_cancel_cancel_once_and_refund(settings):
    user = UserFactory()
    with fake_toss(settings) as toss:
        product = ProductFactory(stock=5, price=15_000, list_price=None)
        order = order_via_checkout(user=user, items=[(product, 2)])
        payment_key = "tgen_20261130170000rAcE1"
        browser = Client()
        browser.force_login(user)
        query = {"paymentKey": payment_key, "orderId": order.number, "amount": order.total}
        browser.get(reverse("shop:toss_success"), query)
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        webhook = toss.cancel_at_console(order.number)

        def arrive(job):
            client = Client()
            if job == 0:
                client.force_login(user)
                return client.post(reverse("shop:order_cancel", args=[order.number]))
            return client.post(reverse("shop:toss_webhook"), webhook, content_type="application/json")

        responses, errors = run_concurrently(3, arrive, workers=3)

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 200, 302]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert OrderStatusEvent.objects.filter(order=order, current=OrderStatus.CANCELLED).count() == 1
    assert Product.objects.get(pk=product.pk).stock == 5
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED
