import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shop.models import Order, OrderStatus, PaymentMethod, PaymentStatus, Product
from shop.payments import ChargeOutcome, ChargeRequest, ChargeResult
from shop.payments.demo import DEMO_DECLINE, DemoPaymentProvider
from shop.services.orders import EXPIRED_NOTE, orders_expire_unpaid
from shop.services.payments import payment_result_record
from shop.tasks import orders_expire_unpaid_task
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


class BrokenProvider:
    """Stands in for a PG company that times out (the one thing that leaves the process)."""

    code = "broken"
    uses_widget = False

    def charge(self, request):
        raise TimeoutError("PG did not answer")

    def refund(self, *, provider_ref, amount, reason="", partial=False):
        raise TimeoutError("PG did not answer")

    def lookup(self, *, provider_ref="", order_number=""):
        raise TimeoutError("PG did not answer")


def test_demo_provider_approves_declines_and_opens_virtual_account():
    provider = DemoPaymentProvider()

    def charge(method, outcome=""):
        return provider.charge(
            ChargeRequest(
                order_number="20261123-000001", amount=1000, method=method, buyer_name="김", demo_outcome=outcome
            )
        )

    assert charge(PaymentMethod.CARD).outcome == ChargeOutcome.APPROVED
    assert charge(PaymentMethod.CARD, DEMO_DECLINE).outcome == ChargeOutcome.DECLINED
    bank = charge(PaymentMethod.BANK_TRANSFER)
    assert bank.outcome == ChargeOutcome.AWAITING_DEPOSIT
    assert bank.account_number == charge(PaymentMethod.BANK_TRANSFER).account_number
    assert bank.deposit_deadline > timezone.now() + timedelta(days=2)


def test_provider_failure_leaves_order_pending_with_stock_reserved_then_expiry_returns_it(settings):
    settings.SHOP_PAYMENT_PROVIDER = "tests.shop.test_payments.BrokenProvider"
    product = ProductFactory(stock=4)

    order = order_via_checkout(items=[(product, 3)])

    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment.status == PaymentStatus.REQUESTED
    product.refresh_from_db()
    assert product.stock == 1

    assert orders_expire_unpaid() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert orders_expire_unpaid_task() == 1
        assert orders_expire_unpaid() == 0

    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.last().note_code == EXPIRED_NOTE
    assert product.stock == 4


def test_bank_transfer_past_deadline_is_cancelled_and_stock_returned():
    product = ProductFactory(stock=2)
    order = order_via_checkout(items=[(product, 2)], method=PaymentMethod.BANK_TRANSFER)

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert orders_expire_unpaid() == 0
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1), tick=False):
        assert orders_expire_unpaid() == 1

    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payment.status == PaymentStatus.CANCELLED
    assert product.stock == 2


def test_late_approval_for_an_expired_order_is_refunded_not_revived(settings):
    settings.SHOP_PAYMENT_PROVIDER = "tests.shop.test_payments.BrokenProvider"
    order = order_via_checkout()
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        orders_expire_unpaid()

    payment_result_record(order_id=order.pk, result=ChargeResult(outcome=ChargeOutcome.APPROVED, provider_ref="late-1"))

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payment.status == PaymentStatus.REFUND_REQUESTED


def test_recording_the_same_result_twice_changes_nothing():
    product = ProductFactory(stock=3)
    order = order_via_checkout(items=[(product, 1)])
    events = order.events.count()

    payment_result_record(order_id=order.pk, result=ChargeResult(outcome=ChargeOutcome.DECLINED))

    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.events.count() == events
    assert product.stock == 2


def test_checkout_page_with_failing_provider_shows_we_are_checking(client, settings):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory
    from tests.shop.checkout_factories import CartLineFactory

    settings.SHOP_PAYMENT_PROVIDER = "tests.shop.test_payments.BrokenProvider"
    user = UserFactory()
    client.force_login(user)
    CartLineFactory(cart__user=user, product=ProductFactory(price=10000, list_price=None))
    seen = f"{Product.objects.get().pk}:10000:1"

    response = client.post(
        reverse("shop:checkout"),
        {
            "address_choice": "new",
            "recipient_name": "김하늘",
            "phone": "010-1234-5678",
            "postal_code": "04524",
            "address1": "서울특별시 중구 세종대로 110",
            "payment_method": "card",
            "idempotency_key": str(uuid.uuid4()),
            "seen": seen,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "결제를 확인하고 있어요" in response.content.decode()
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
