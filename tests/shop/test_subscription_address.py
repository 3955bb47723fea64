"""Changing where a 정기배송 goes: a saved address or a new one, only for the subscriber, never for a cancelled one."""

import pytest
from django.urls import reverse

from config.errors import DomainError
from shop.models import Address, Subscription
from shop.services.checkout import ShippingAddress
from shop.services.subscriptions import (
    SUBSCRIPTION_ADDRESS_INVALID,
    subscription_address_change,
    subscription_cancel,
    subscription_create,
)
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

NEW_OFFICE = ShippingAddress(
    recipient_name="김민지",
    phone="010-2222-3333",
    postal_code="04524",
    address1="서울 중구 세종대로 110",
    address2="3층",
)


def _subscription(user) -> Subscription:
    return subscription_create(
        user=user,
        product=ProductFactory(is_subscribable=True),
        interval_weeks=4,
        address=AddressFactory(user=user, is_default=True, label="집"),
    )


def test_subscription_address_change_to_another_saved_address():
    user = UserFactory()
    subscription = _subscription(user)
    office = AddressFactory(user=user, is_default=False, label="회사")

    changed = subscription_address_change(subscription=subscription, address=office)

    assert changed.address == office
    subscription.refresh_from_db()
    assert subscription.address_id == office.pk


def test_subscription_address_change_to_a_new_address_saves_it_to_the_book():
    user = UserFactory()
    subscription = _subscription(user)

    changed = subscription_address_change(subscription=subscription, new_address=NEW_OFFICE)

    assert changed.address.address1 == "서울 중구 세종대로 110"
    assert Address.objects.filter(user=user).count() == 2


def test_subscription_address_change_to_someone_elses_address_is_refused():
    subscription = _subscription(UserFactory())
    strangers = AddressFactory(user=UserFactory())

    with pytest.raises(DomainError) as caught:
        subscription_address_change(subscription=subscription, address=strangers)

    assert caught.value.message == SUBSCRIPTION_ADDRESS_INVALID
    subscription.refresh_from_db()
    assert subscription.address_id != strangers.pk


def test_subscription_address_change_of_a_cancelled_subscription_is_refused():
    user = UserFactory()
    subscription = subscription_cancel(subscription=_subscription(user))

    with pytest.raises(DomainError) as caught:
        subscription_address_change(subscription=subscription, address=AddressFactory(user=user, is_default=False))

    assert caught.value.code == "subscription_state"


def test_address_page_lists_saved_addresses_and_switches_to_the_chosen_one(client):
    user = UserFactory()
    subscription = _subscription(user)
    office = AddressFactory(user=user, is_default=False, label="회사")
    client.force_login(user)
    url = reverse("shop:subscription_address", args=[subscription.pk])

    page = client.get(url).content.decode()
    assert "회사" in page
    assert 'data-testid="postcode-button"' in page

    response = client.post(url, {"address_choice": str(office.pk)})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.address_id == office.pk


def test_address_page_new_address_with_missing_fields_shows_errors_and_changes_nothing(client):
    user = UserFactory()
    subscription = _subscription(user)
    before = subscription.address_id
    client.force_login(user)

    response = client.post(
        reverse("shop:subscription_address", args=[subscription.pk]),
        {"address_choice": "new", "recipient_name": "김민지", "postal_code": "12"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "꼭 적어 주세요." in html
    assert "우편번호 5자리를 적어 주세요." in html
    subscription.refresh_from_db()
    assert subscription.address_id == before


def test_address_page_of_another_customers_subscription_is_404(client):
    subscription = _subscription(UserFactory())
    client.force_login(UserFactory())

    assert client.get(reverse("shop:subscription_address", args=[subscription.pk])).status_code == 404


def test_subscriptions_page_links_to_the_address_page(client):
    user = UserFactory()
    subscription = _subscription(user)
    client.force_login(user)

    html = client.get(reverse("shop:subscriptions")).content.decode()

    assert reverse("shop:subscription_address", args=[subscription.pk]) in html
