"""Refunds Toss refuses (a 4xx): terminal with Toss's code and message instead of retried every 5 minutes, shown
to staff (list filter, flag, order page), retried by staff once the cause is fixed, and a virtual account's refund
sent with the refund account the shopper (or staff) gives. Against the local fake Toss (tests/shop/fake_toss.py)."""

import pytest
from django.urls import reverse

from shop.models import Order, OrderStatus, Payment, PaymentStatus
from shop.services.orders import order_cancel
from shop.tasks import payments_reconcile_task
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import fake_toss

pytestmark = pytest.mark.django_db

PAYMENT_KEY = "tgen_20261130140000RfNd1"


@pytest.fixture
def toss(settings):
    with fake_toss(settings) as server:
        yield server


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _paid(client, user, *, virtual_account=False, toss):
    """An order paid through Toss: by card, or into a virtual account whose deposit Toss then reported."""
    toss.virtual_account = virtual_account
    order = order_via_checkout(user=user, items=[(ProductFactory(stock=5, price=12_900, list_price=None), 1)])
    query = {"paymentKey": PAYMENT_KEY, "orderId": order.number, "amount": order.total}
    client.get(reverse("shop:toss_success"), query)
    if virtual_account:
        client.post(reverse("shop:toss_webhook"), toss.deposit(order.number), content_type="application/json")
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.PAID
    return order


def _payment(order):
    return Payment.objects.get(order=order)


def _refused_virtual_account_refund(client, shopper, toss):
    order = _paid(client, shopper, virtual_account=True, toss=toss)
    client.post(reverse("shop:order_cancel", args=[order.number]))
    return order


def test_refund_toss_refuses_is_terminal_with_its_code_and_the_beat_job_leaves_it(toss, client, shopper):
    order = _refused_virtual_account_refund(client, shopper, toss)

    payment = _payment(order)
    assert payment.status == PaymentStatus.REFUND_FAILED
    assert payment.refund_error_code == "INVALID_REFUND_ACCOUNT_INFO"
    assert payment.message == "환불 계좌 정보가 필요합니다. 환불 받을 계좌를 입력해주세요."
    assert payments_reconcile_task()["refunded"] == 0
    assert payments_reconcile_task()["refunded"] == 0
    assert len(toss.cancels(PAYMENT_KEY)) == 1  # never sent again by itself


def test_shopper_sees_the_refund_account_form_and_the_refund_goes_to_that_account(toss, client, shopper):
    order = _refused_virtual_account_refund(client, shopper, toss)
    page = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()
    assert 'data-testid="refund-account-form"' in page

    response = client.post(
        reverse("shop:order_refund_account", args=[order.number]),
        {"bank_code": "88", "account_number": "110-123-456789", "holder_name": "김하늘"},
    )

    assert response.status_code == 302
    payment = _payment(order)
    assert payment.status == PaymentStatus.REFUNDED
    assert (payment.refund_bank_code, payment.refund_account_number) == ("88", "110123456789")
    first, second = toss.cancels(PAYMENT_KEY)
    assert "refundReceiveAccount" not in first.json()
    assert second.json()["refundReceiveAccount"] == {
        "bank": "88",
        "accountNumber": "110123456789",
        "holderName": "김하늘",
    }
    # A new request, not a replay of the refused one (Toss would answer a repeated key with the refusal).
    assert first.headers["idempotency-key"] != second.headers["idempotency-key"]
    page = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()
    assert 'data-testid="refund-account-form"' not in page


@pytest.mark.parametrize(
    "entered",
    [
        {"bank_code": "88", "account_number": "12-34", "holder_name": "김하늘"},
        {"bank_code": "88", "account_number": "1101234567890abc", "holder_name": "김하늘"},
        {"bank_code": "99", "account_number": "110123456789", "holder_name": "김하늘"},
        {"bank_code": "88", "account_number": "110123456789", "holder_name": "  "},
    ],
)
def test_a_malformed_refund_account_is_a_form_error_and_sends_nothing(toss, client, shopper, entered):
    order = _refused_virtual_account_refund(client, shopper, toss)

    response = client.post(reverse("shop:order_refund_account", args=[order.number]), entered)

    assert response.status_code == 400
    assert 'data-testid="refund-account-form"' in response.content.decode()
    assert _payment(order).status == PaymentStatus.REFUND_FAILED
    assert _payment(order).refund_account_number == ""
    assert len(toss.cancels(PAYMENT_KEY)) == 1


def test_card_orders_take_no_refund_account(toss, client, shopper):
    order = _paid(client, shopper, toss=toss)

    response = client.post(
        reverse("shop:order_refund_account", args=[order.number]),
        {"bank_code": "88", "account_number": "110123456789", "holder_name": "김하늘"},
    )

    assert response.status_code == 400
    assert "환불 계좌가 필요한 결제가 아니에요." in response.content.decode()
    assert _payment(order).refund_account_number == ""


def test_someone_elses_order_takes_no_refund_account(toss, client, shopper):
    other = UserFactory()
    order = order_via_checkout(user=other, items=[(ProductFactory(stock=5), 1)])

    response = client.post(
        reverse("shop:order_refund_account", args=[order.number]),
        {"bank_code": "88", "account_number": "110123456789", "holder_name": "김하늘"},
    )

    assert response.status_code == 404


def test_admin_flags_and_filters_refused_refunds_then_retries_one_after_the_cause_is_fixed(
    toss, client, shopper, admin_client
):
    refused = _paid(client, shopper, toss=toss)
    toss.refuse_cancels = True
    order_cancel(order=refused, actor=shopper)
    assert _payment(refused).refund_error_code == "NOT_CANCELABLE_PAYMENT"
    fine = order_via_checkout(items=[(ProductFactory(stock=5), 1)])
    changelist = reverse("admin:shop_order_changelist")

    listed = admin_client.get(changelist, {"refund_problem": "refund_failed"}).content.decode()

    assert refused.number in listed
    assert fine.number not in listed
    assert "환불 실패 · NOT_CANCELABLE_PAYMENT" in listed
    page = admin_client.get(reverse("admin:shop_order_change", args=[refused.pk])).content.decode()
    assert "NOT_CANCELABLE_PAYMENT" in page
    assert "취소 할 수 없는 결제 입니다." in page

    response = admin_client.post(changelist, {"action": "retry_refunds", "_selected_action": [refused.pk]}, follow=True)
    assert "환불이 거절됐어요 (NOT_CANCELABLE_PAYMENT" in response.content.decode()
    assert _payment(refused).status == PaymentStatus.REFUND_FAILED

    toss.refuse_cancels = False
    admin_client.post(changelist, {"action": "retry_refunds", "_selected_action": [refused.pk, fine.pk]})

    assert _payment(refused).status == PaymentStatus.REFUNDED
    assert _payment(refused).refund_retry_round == 2
    assert len(toss.cancels(PAYMENT_KEY)) == 3
    assert _payment(fine).status == PaymentStatus.REQUESTED  # not a refused refund: untouched


def _admin_order_form(order, payment, **refund_account):
    form = {
        "recipient_name": order.recipient_name,
        "phone": order.phone,
        "postal_code": order.postal_code,
        "address1": order.address1,
        "address2": order.address2,
        "memo": order.memo,
        "carrier": "",
        "tracking_number": "",
        "payment-0-id": payment.pk,
        "payment-0-order": order.pk,
        **{f"payment-0-{name}": value for name, value in refund_account.items()},
    }
    for prefix in ("lines", "payment", "events", "notifications"):
        total = "1" if prefix == "payment" else "0"
        for suffix, value in (("TOTAL_FORMS", total), ("INITIAL_FORMS", total), ("MIN_NUM_FORMS", "0")):
            form[f"{prefix}-{suffix}"] = value
        form[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return form


def test_staff_enter_the_refund_account_on_the_order_page_and_retry(toss, client, shopper, admin_client):
    order = _refused_virtual_account_refund(client, shopper, toss)
    url = reverse("admin:shop_order_change", args=[order.pk])

    bad = admin_client.post(
        url,
        _admin_order_form(
            order, _payment(order), refund_bank_code="20", refund_account_number="12", refund_account_holder="김하늘"
        ),
    )
    assert bad.status_code == 200
    assert _payment(order).refund_account_number == ""

    saved = admin_client.post(
        url,
        _admin_order_form(
            order,
            _payment(order),
            refund_bank_code="20",
            refund_account_number="1002-345-678901",
            refund_account_holder="김하늘",
        ),
    )
    assert saved.status_code == 302
    assert _payment(order).status == PaymentStatus.REFUND_FAILED  # saving the account sends nothing by itself
    admin_client.post(
        reverse("admin:shop_order_changelist"), {"action": "retry_refunds", "_selected_action": [order.pk]}
    )

    assert _payment(order).status == PaymentStatus.REFUNDED
    assert toss.cancels(PAYMENT_KEY)[-1].json()["refundReceiveAccount"]["accountNumber"] == "1002345678901"
