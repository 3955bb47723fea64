"""정기배송 with Toss 자동결제 against the local fake Toss: the shopper registers a card once (billing auth -> the
server issues and keeps the billing key, encrypted, never shown), each due delivery is charged with it under one
Idempotency-Key per delivery; a decline fails the run and tells the shopper, a timeout is settled without charging
twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from shop.models import (
    BillingKey,
    NotificationEvent,
    NotificationLog,
    Order,
    OrderStatus,
    PaymentStatus,
    Product,
    SubscriptionRun,
)
from shop.notifications.messages import ALIMTALK_TEMPLATES
from shop.services.billing import customer_key_for
from shop.services.notifications import notice_for_subscription
from shop.services.payments_gateway import payments_reconcile
from shop.services.subscriptions import subscription_create, subscription_order_for_due_date
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import fake_toss

pytestmark = pytest.mark.django_db

AUTH_KEY = "bln_Gq4a1XvTzPmd"


@pytest.fixture
def toss(settings):
    with fake_toss(settings) as server:
        yield server


@pytest.fixture
def shopper(client):
    user = UserFactory(email="haneul@example.com")
    client.force_login(user)
    return user


def _register(client, user, *, auth_key=AUTH_KEY, customer_key=None):
    query = {"authKey": auth_key, "customerKey": customer_key or customer_key_for(user)}
    return client.get(reverse("shop:toss_billing_success"), query, follow=True)


def _subscription(user, *, price=8_900, quantity=2):
    product = ProductFactory(is_subscribable=True, price=price, list_price=None, stock=10)
    return subscription_create(
        user=user, product=product, interval_weeks=4, address=AddressFactory(user=user), quantity=quantity
    )


def _run(subscription):
    return subscription_order_for_due_date(subscription=subscription, due_date=subscription.next_due_date)


def test_registering_a_card_issues_the_billing_key_and_keeps_it_encrypted_and_unseen(toss, client, shopper):
    response = _register(client, shopper)

    [issue] = toss.server.calls("POST", "/v1/billing/authorizations/issue")
    assert issue.json() == {"authKey": AUTH_KEY, "customerKey": customer_key_for(shopper)}
    card = BillingKey.objects.get(user=shopper)
    [billing_key] = toss.billing_keys
    assert billing_key not in card.encrypted_key
    assert card.card_label == "신한카드 43301234****123*"
    page = response.content.decode()
    assert "신한카드 43301234****123*" in page
    assert billing_key not in page


def test_a_card_registration_for_someone_elses_customer_key_or_a_refused_auth_key_stores_nothing(toss, client, shopper):
    other = UserFactory()

    foreign = _register(client, shopper, customer_key=customer_key_for(other))
    refused = _register(client, shopper, auth_key="forged")

    assert "카드 등록 정보가 맞지 않아요" in foreign.content.decode()
    assert "유효하지 않은 인증 키 입니다." in refused.content.decode()
    assert len(toss.server.calls("POST", "/v1/billing/authorizations/issue")) == 1  # only the second asked Toss
    assert not BillingKey.objects.exists()


def test_with_the_demo_provider_there_is_no_card_to_register(client, shopper, settings):
    settings.SHOP_PAYMENT_PROVIDER = "demo"

    response = _register(client, shopper)

    assert "카드 등록 정보가 맞지 않아요" in response.content.decode()
    assert 'data-testid="billing-card"' not in response.content.decode()
    assert not BillingKey.objects.exists()


def test_subscriptions_page_offers_card_registration_with_the_keys_the_sdk_needs(toss, client, shopper):
    page = client.get(reverse("shop:subscriptions")).content.decode()

    assert 'data-testid="billing-card"' in page
    assert f'data-customer-key="{customer_key_for(shopper)}"' in page
    assert reverse("shop:toss_billing_success") in page
    assert "js/toss-billing.js" in page


def test_due_delivery_is_charged_to_the_registered_card_once(toss, client, shopper):
    _register(client, shopper)
    subscription = _subscription(shopper)

    run = _run(subscription)
    again = _run(subscription)

    assert again.pk == run.pk
    assert run.outcome == SubscriptionRun.Outcome.ORDERED
    order = Order.objects.get(pk=run.order_id)
    assert order.status == OrderStatus.PAID
    assert order.payment.status == PaymentStatus.APPROVED
    [charge] = toss.billing_charges()
    assert charge.json() == {
        "customerKey": customer_key_for(shopper),
        "amount": order.total,
        "orderId": order.number,
        "orderName": subscription.product.name,
    }
    assert charge.headers["idempotency-key"]


def test_declined_delivery_fails_the_run_puts_stock_back_and_tells_the_shopper(
    toss, client, shopper, django_capture_on_commit_callbacks
):
    _register(client, shopper)
    toss.decline_billing = True
    subscription = _subscription(shopper, quantity=2)
    due = subscription.next_due_date

    with django_capture_on_commit_callbacks(execute=True):
        run = _run(subscription)

    assert run.outcome == SubscriptionRun.Outcome.FAILED
    assert run.message == "카드사에서 결제를 거절했습니다. 잔액을 확인해 주세요."
    assert Order.objects.get(pk=run.order_id).status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=subscription.product_id).stock == 10
    notice = NotificationLog.objects.get(subscription=subscription, event="subscription_payfail")
    assert notice.due_date == due
    [email] = [message for message in mail.outbox if "결제가 되지 않았어요" in message.subject]
    assert email.to == ["haneul@example.com"]
    assert "카드 한도나 유효기간을 확인" in email.body
    alimtalk = ALIMTALK_TEMPLATES[NotificationEvent.SUBSCRIPTION_PAYMENT_FAILED].render(
        notice_for_subscription(
            subscription=subscription, due_date=due, event=NotificationEvent.SUBSCRIPTION_PAYMENT_FAILED
        ).variables
    )
    assert "#{" not in alimtalk
    subscription.refresh_from_db()
    assert subscription.next_due_date == due + timedelta(weeks=4)  # the next delivery tries again


def test_delivery_without_a_registered_card_fails_and_asks_for_one(toss, client, shopper):
    subscription = _subscription(shopper)

    run = _run(subscription)

    assert run.outcome == SubscriptionRun.Outcome.FAILED
    assert "카드를 등록해 주세요" in run.message
    assert toss.billing_charges() == []


def test_a_charge_timed_out_once_is_retried_with_the_same_key_and_charged_once(toss, client, shopper):
    _register(client, shopper)
    toss.slow_billing = 1
    subscription = _subscription(shopper)

    run = _run(subscription)

    first, second = toss.billing_charges()
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert Order.objects.get(pk=run.order_id).status == OrderStatus.PAID
    assert len(toss.payments) == 1


def test_a_charge_never_answered_stays_pending_and_the_reconcile_job_settles_it_without_charging_again(
    toss, client, shopper
):
    _register(client, shopper)
    toss.slow_billing = 3  # every attempt times out, though Toss charged the card on the first
    subscription = _subscription(shopper)

    run = _run(subscription)

    order = Order.objects.get(pk=run.order_id)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment.needs_reconciling
    report = payments_reconcile(now=order.payment.updated_at + timedelta(minutes=5))
    assert report.settled == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert len(toss.payments) == 1
    assert _run(subscription).pk == run.pk  # the delivery is not charged a second time
    assert len(toss.billing_charges()) == 3
