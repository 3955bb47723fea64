"""The 정기배송 page and sign-up from a product page."""

import pytest
from django.urls import reverse

from shop.models import Subscription
from shop.services.subscriptions import subscription_create
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _subscription(user, **product_fields):
    return subscription_create(
        user=user,
        product=ProductFactory(is_subscribable=True, **product_fields),
        interval_weeks=4,
        address=AddressFactory(user=user, is_default=False),
    )


def test_subscribe_form_creates_subscription(client):
    user = UserFactory()
    address = AddressFactory(user=user)
    product = ProductFactory(is_subscribable=True)
    client.force_login(user)

    response = client.post(
        reverse("shop:subscription_subscribe"),
        {"product": product.pk, "interval_weeks": "2", "quantity": "2", "address": address.pk},
    )

    assert response.status_code == 302
    subscription = Subscription.objects.get(user=user)
    assert (subscription.product, subscription.interval_weeks, subscription.quantity) == (product, 2, 2)


def test_subscribe_with_someone_elses_address_is_refused(client):
    user = UserFactory()
    product = ProductFactory(is_subscribable=True)
    client.force_login(user)

    client.post(
        reverse("shop:subscription_subscribe"),
        {"product": product.pk, "interval_weeks": "4", "quantity": "1", "address": AddressFactory().pk},
    )

    assert not Subscription.objects.exists()


def test_subscriptions_page_actions_skip_pause_resume_interval_cancel(client):
    user = UserFactory()
    subscription = _subscription(user, name="동네 세탁세제")
    first_date = subscription.next_due_date
    client.force_login(user)
    page = client.get(reverse("shop:subscriptions"))
    assert "동네 세탁세제" in page.content.decode()

    for action, data in [("skip", {}), ("pause", {}), ("resume", {}), ("interval", {"interval_weeks": "8"})]:
        response = client.post(reverse("shop:subscription_action", args=[subscription.pk, action]), data)
        assert response.status_code == 302

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.interval_weeks == 8
    assert subscription.next_due_date > first_date
    client.post(reverse("shop:subscription_action", args=[subscription.pk, "cancel"]))
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED


def test_subscription_action_on_another_customers_subscription_is_404(client):
    subscription = _subscription(UserFactory())
    client.force_login(UserFactory())

    response = client.post(reverse("shop:subscription_action", args=[subscription.pk, "cancel"]))

    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_subscriptions_page_query_count_is_constant(client, assert_constant_queries):
    """Guards the selector's select_related + runs prefetch: no query per subscription."""
    user = UserFactory()
    client.force_login(user)

    def grow_by(count):
        for _index in range(count):
            _subscription(user)

    grow_by(2)
    assert_constant_queries(lambda: client.get(reverse("shop:subscriptions")), lambda: grow_by(10))
