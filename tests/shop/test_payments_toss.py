"""Toss Payments end to end against a local fake Toss (tests/shop/fake_toss.py): the widget's return URLs, the
server's confirm, declines, tampered amounts, timeouts and 5xx, the deposit webhook and the reconcile beat job."""

import base64
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shop.models import Cart, CartLine, Order, OrderStatus, OrderStatusEvent, Payment, PaymentStatus, Product
from shop.services.cart import cart_attribution_set, cart_get_or_create
from shop.services.orders import order_cancel, orders_expire_unpaid
from shop.services.payments import payment_refund_account_provide
from shop.services.payments_gateway import CONFIRM_DELAYED, payment_refund_partial
from shop.tasks import payments_reconcile_task
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import CLIENT_KEY, SECRET_KEY, fake_toss

pytestmark = pytest.mark.django_db

PAYMENT_KEY = "tgen_20261130130000aBcD1"


@pytest.fixture
def toss(settings):
    with fake_toss(settings) as server:
        yield server


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _placed(user, *, stock=5, quantity=2, price=12_900):
    """An order placed through checkout with the Toss provider: pending, stock reserved, waiting for the widget."""
    product = ProductFactory(stock=stock, price=price, list_price=None)
    order = order_via_checkout(user=user, items=[(product, quantity)])
    return order, product


def _success(client, order, *, amount=None, key=PAYMENT_KEY):
    query = {"paymentKey": key, "orderId": order.number, "amount": order.total if amount is None else amount}
    return client.get(reverse("shop:toss_success"), query)


def _stock(product):
    return Product.objects.get(pk=product.pk).stock


def test_placing_an_order_with_toss_reserves_stock_and_waits_for_the_widget(toss, shopper):
    order, product = _placed(shopper)

    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment.provider == "toss"
    assert order.payment.status == PaymentStatus.REQUESTED
    assert _stock(product) == 3
    assert toss.confirms == []


def test_success_return_confirms_with_secret_key_and_idempotency_key_then_order_is_paid(toss, client, shopper):
    order, product = _placed(shopper)

    response = _success(client, order)

    assert response.status_code == 302
    assert response.url == reverse("shop:order_complete", args=[order.number])
    [confirm] = toss.confirms
    assert confirm.json() == {"paymentKey": PAYMENT_KEY, "orderId": order.number, "amount": order.total}
    assert confirm.headers["authorization"] == "Basic " + base64.b64encode(f"{SECRET_KEY}:".encode()).decode()
    assert confirm.headers["idempotency-key"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payment.status == PaymentStatus.APPROVED
    assert order.payment.provider_ref == PAYMENT_KEY
    assert not CartLine.objects.filter(cart__user=shopper, product=product).exists()


def test_success_return_twice_pays_once_and_confirms_once(toss, client, shopper):
    order, _ = _placed(shopper)

    _success(client, order)
    second = _success(client, order)

    assert second.url == reverse("shop:order_complete", args=[order.number])
    assert len(toss.confirms) == 1
    assert OrderStatusEvent.objects.filter(order=order, current=OrderStatus.PAID).count() == 1


def test_declined_confirm_cancels_the_order_and_gives_the_stock_back(toss, client, shopper):
    toss.decline = True
    order, product = _placed(shopper)

    response = _success(client, order)

    assert response.url == reverse("shop:checkout")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payment.status == PaymentStatus.DECLINED
    assert order.payment.message == "한도초과 혹은 잔액부족으로 결제에 실패했습니다."
    assert _stock(product) == 5
    assert CartLine.objects.filter(cart__user=shopper, product=product).exists()  # ready for another try


def test_tampered_amount_is_never_confirmed_and_cancels_the_order(toss, client, shopper):
    order, product = _placed(shopper)

    response = _success(client, order, amount=100)

    assert response.url == reverse("shop:cart")
    assert toss.confirms == []
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert _stock(product) == 5
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert "결제 금액이 주문 금액과 달라서" in message


def test_gateway_timeout_then_retried_confirm_uses_the_same_idempotency_key_and_pays_once(toss, client, shopper):
    toss.slow_confirms = 1  # Toss approves, but its first answer comes too late
    order, _ = _placed(shopper)

    response = _success(client, order)

    assert response.url == reverse("shop:order_complete", args=[order.number])
    first, retry = toss.confirms
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not order.payment.needs_reconciling


def test_gateway_5xx_every_time_says_so_in_korean_and_leaves_the_payment_for_the_beat_job(toss, client, shopper):
    toss.failing_confirms = 3
    order, _ = _placed(shopper)

    response = _success(client, order)

    assert response.url == reverse("shop:order_complete", args=[order.number])
    assert [str(m) for m in response.wsgi_request._messages] == [str(CONFIRM_DELAYED)]
    assert len({r.headers["idempotency-key"] for r in toss.confirms}) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment.needs_reconciling
    # Not expired blind while its fate is unknown, however long the gateway stays down.
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        assert orders_expire_unpaid() == 0


def test_reconcile_job_settles_a_confirmed_payment_whose_order_step_never_happened(toss, client, shopper):
    toss.slow_confirms = 3  # Toss approved; every answer was lost on the way back
    order, _ = _placed(shopper)
    _success(client, order)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        assert payments_reconcile_task() == {"settled": 1, "refunded": 0, "still_unknown": 0}
        assert payments_reconcile_task() == {"settled": 0, "refunded": 0, "still_unknown": 0}

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payment.status == PaymentStatus.APPROVED


def test_reconcile_job_refunds_a_payment_approved_for_an_order_cancelled_meanwhile(toss, client, shopper):
    toss.failing_confirms = 3
    order, product = _placed(shopper)
    _success(client, order)
    order_cancel(order=order, actor=shopper)
    toss.approve_at_toss(order_id=order.number, payment_key=PAYMENT_KEY, amount=order.total)

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        report = payments_reconcile_task()

    assert report == {"settled": 1, "refunded": 1, "still_unknown": 0}
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED  # never revived
    assert order.payment.status == PaymentStatus.REFUNDED
    [cancel] = toss.cancels(PAYMENT_KEY)
    assert cancel.json() == {"cancelReason": "주문 취소"}
    assert cancel.headers["idempotency-key"]
    assert _stock(product) == 5


def test_cancelling_a_paid_order_cancels_the_payment_at_toss(toss, client, shopper):
    order, _ = _placed(shopper)
    _success(client, order)

    order_cancel(order=Order.objects.get(pk=order.pk), actor=shopper)

    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED
    assert len(toss.cancels(PAYMENT_KEY)) == 1


def test_cancel_while_toss_is_down_keeps_the_refund_for_the_beat_job(toss, client, shopper):
    order, _ = _placed(shopper)
    _success(client, order)
    cancel_route = ("POST", f"/v1/payments/{PAYMENT_KEY}/cancel")
    working = toss.server.routes[cancel_route]
    toss.server.routes[cancel_route] = (503, {"code": "PROVIDER_ERROR", "message": "일시적인 오류가 발생했습니다."})

    response = client.post(reverse("shop:order_cancel", args=[order.number]))

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUND_REQUESTED
    toss.server.routes[cancel_route] = working
    assert payments_reconcile_task()["refunded"] == 1
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED


def test_partial_cancel_sends_cancel_amount_and_never_refunds_more_than_was_paid(toss, client, shopper):
    order, _ = _placed(shopper)
    _success(client, order)

    payment = payment_refund_partial(order=order, amount=5_000, reason="한 개 파손")

    assert payment.refunded_amount == 5_000
    assert toss.cancels(PAYMENT_KEY)[0].json() == {"cancelReason": "한 개 파손", "cancelAmount": 5_000}
    with pytest.raises(Exception, match="환불할 수 있는 금액보다 커요"):
        payment_refund_partial(order=order, amount=order.total, reason="전체")


def test_a_confirmed_widget_payment_takes_the_tour_attribution_off_the_cart(toss, client, shopper):
    cart_attribution_set(cart=cart_get_or_create(user=shopper), source="tour:7")
    order, _ = _placed(shopper)

    _success(client, order)

    assert Order.objects.get(pk=order.pk).attribution_source == "tour:7"
    assert Cart.objects.get(user=shopper).attribution_source == ""


def test_fail_return_cancels_the_waiting_order_and_keeps_the_cart(toss, client, shopper):
    order, product = _placed(shopper)

    response = client.get(
        reverse("shop:toss_fail"), {"code": "PAY_PROCESS_CANCELED", "message": "취소", "orderId": order.number}
    )

    assert response.url == reverse("shop:cart")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert _stock(product) == 5
    assert CartLine.objects.filter(cart__user=shopper, product=product).exists()


def test_return_url_of_someone_elses_order_changes_nothing(toss, client, shopper):
    order, _ = _placed(UserFactory())

    response = _success(client, order)

    assert response.url == reverse("shop:order_list")
    assert toss.confirms == []
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


# --- virtual account (가상계좌) and the deposit webhook ------------------------------------------------------
def _webhook(client, body):
    return client.post(reverse("shop:toss_webhook"), body, content_type="application/json")


def test_virtual_account_waits_then_deposit_webhook_pays_once_even_when_replayed(toss, client, shopper):
    toss.virtual_account = True
    order, _ = _placed(shopper)
    _success(client, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment.status == PaymentStatus.AWAITING_DEPOSIT
    assert order.payment.bank_name == "우리은행"
    assert order.payment.account_number == "X6505636518308"

    callback = toss.deposit(order.number)
    first, replay = _webhook(client, callback), _webhook(client, callback)

    assert (first.status_code, replay.status_code) == (200, 200)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert OrderStatusEvent.objects.filter(order=order, current=OrderStatus.PAID).count() == 1


def test_deposit_webhook_with_a_wrong_secret_is_refused(toss, client, shopper):
    toss.virtual_account = True
    order, _ = _placed(shopper)
    _success(client, order)
    callback = {**toss.deposit(order.number), "secret": "forged"}

    response = _webhook(client, callback)

    assert response.status_code == 403
    assert response.json()["detail"]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_forged_deposit_webhook_for_an_order_toss_never_saw_is_refused(toss, client, shopper):
    order, _ = _placed(shopper)

    response = _webhook(client, {"secret": "guess", "status": "DONE", "orderId": order.number})

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_deposit_webhook_that_overtakes_the_return_url_pays_and_the_late_return_changes_nothing(toss, client, shopper):
    toss.virtual_account = True
    order, _ = _placed(shopper)
    toss.approve_at_toss(order_id=order.number, payment_key=PAYMENT_KEY, amount=order.total)
    callback = toss.deposit(order.number)

    assert _webhook(client, callback).status_code == 200
    late = _success(client, order)

    assert late.url == reverse("shop:order_complete", args=[order.number])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert toss.confirms == []


def test_deposit_webhook_for_a_cancelled_order_refunds_instead_of_reviving_it(toss, client, shopper):
    toss.virtual_account = True
    order, _ = _placed(shopper)
    _success(client, order)
    order_cancel(order=Order.objects.get(pk=order.pk), actor=shopper)

    assert _webhook(client, toss.deposit(order.number)).status_code == 200

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    # Deposited money goes back to a bank account: Toss refuses the cancel until it has one.
    assert order.payment.status == PaymentStatus.REFUND_FAILED
    assert order.payment.refund_error_code == "INVALID_REFUND_ACCOUNT_INFO"
    payment = payment_refund_account_provide(
        order=order, bank_code="88", account_number="110-123-456789", holder_name="김하늘"
    )
    assert payment.status == PaymentStatus.REFUNDED


def test_webhook_bad_json_is_400_and_other_events_are_acknowledged(toss, client):
    assert client.post(reverse("shop:toss_webhook"), "{", content_type="application/json").status_code == 400
    other = _webhook(client, {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": "x"}})
    assert other.status_code == 200


# --- the checkout page with the widget ---------------------------------------------------------------------
def test_checkout_page_draws_the_widget_area_with_key_and_script_only_with_toss(toss, client, shopper, settings):
    product = ProductFactory(stock=5)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 1})

    page = client.get(reverse("shop:checkout")).content.decode()

    assert 'data-testid="toss-widget"' in page
    assert CLIENT_KEY in page
    assert "js/toss-checkout.js" in page
    assert settings.TOSS_WIDGET_SCRIPT_URL in page
    settings.SHOP_PAYMENT_PROVIDER = "demo"
    demo_page = client.get(reverse("shop:checkout")).content.decode()
    assert "toss-checkout.js" not in demo_page
    assert "demo-pay" in demo_page


def test_widget_checkout_post_answers_the_order_to_pay_as_json_and_plain_post_is_refused(toss, client, shopper):
    product = ProductFactory(stock=5, price=9_900, list_price=None)
    client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 2})
    page = client.get(reverse("shop:checkout"))
    form = page.context["form"]
    body = {
        "idempotency_key": str(form.initial["idempotency_key"]),
        "seen": form.initial["seen"],
        "address_choice": "new",
        "recipient_name": "김하늘",
        "phone": "010-1234-5678",
        "postal_code": "04524",
        "address1": "서울특별시 중구 세종대로 110",
        "payment_method": "card",
    }

    plain = client.post(reverse("shop:checkout"), body)
    answer = client.post(reverse("shop:checkout"), body, HTTP_ACCEPT="application/json")
    again = client.post(reverse("shop:checkout"), body, HTTP_ACCEPT="application/json")

    assert plain.status_code == 400
    assert answer.status_code == 200
    payment = answer.json()["payment"]
    order = Order.objects.get(user=shopper)
    assert payment["orderId"] == order.number
    assert payment["amount"] == order.total
    assert payment["successUrl"].endswith(reverse("shop:toss_success"))
    assert again.json()["payment"]["orderId"] == order.number
    assert Order.objects.filter(user=shopper).count() == 1


def test_demo_outcome_is_refused_with_a_real_provider_on_page_and_api(toss, client, shopper):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(shopper)
    product = ProductFactory(stock=5)
    api.post(reverse("api-cart"), {"product_id": product.pk, "quantity": 1}, format="json")
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "address": {
            "recipient_name": "김하늘",
            "phone": "010-1234-5678",
            "postal_code": "04524",
            "address1": "세종대로",
        },
        "payment_method": "card",
        "demo_outcome": "approve",
    }

    response = api.post(reverse("api-checkout"), body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "demo_outcome_not_allowed"
    assert not Order.objects.filter(user=shopper).exists()
