import re
import uuid

import pytest
from django.urls import reverse

from shop.models import Address, CartLine, Order, OrderStatus, PaymentStatus, Product
from shop.payments.demo import DEMO_DECLINE
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory, CartLineFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "address_choice": "new",
    "recipient_name": "박지민",
    "phone": "010-2222-3333",
    "postal_code": "06236",
    "address1": "서울특별시 강남구 테헤란로 152",
    "address2": "12층",
    "memo": "경비실에 맡겨 주세요",
    "save_address": "on",
    "payment_method": "card",
    "demo_outcome": "approve",
}


def _hidden(body: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', body) or re.search(rf'value="([^"]*)" name="{name}"', body)
    assert match, f"hidden field {name} missing"
    return match.group(1)


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _checkout_page(client):
    response = client.get(reverse("shop:checkout"))
    body = response.content.decode()
    return response, {"idempotency_key": _hidden(body, "idempotency_key"), "seen": _hidden(body, "seen")}


def test_checkout_requires_login(client):
    response = client.get(reverse("shop:checkout"))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_checkout_with_empty_cart_goes_back_to_cart(client, shopper):
    response = client.get(reverse("shop:checkout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:cart")


def test_checkout_page_renders_key_snapshot_and_total(client, shopper):
    CartLineFactory(cart__user=shopper, product=ProductFactory(price=12000, list_price=None), quantity=2)

    response, hidden = _checkout_page(client)

    assert response.status_code == 200
    uuid.UUID(hidden["idempotency_key"])
    assert hidden["seen"].endswith(":12000:2")
    assert "27,000원 결제하기" in response.content.decode()


def test_checkout_post_places_paid_order_saves_address_and_shows_confirmation(client, shopper):
    product = ProductFactory(price=12000, list_price=None, stock=5)
    CartLineFactory(cart__user=shopper, product=product, quantity=2)
    _, hidden = _checkout_page(client)

    response = client.post(reverse("shop:checkout"), {**NEW_ADDRESS, **hidden}, follow=True)

    order = Order.objects.get(user=shopper)
    assert response.redirect_chain[-1][0] == reverse("shop:order_complete", args=[order.number])
    body = response.content.decode()
    assert "주문이 완료되었어요." in body
    assert order.number in body
    assert order.status == OrderStatus.PAID
    assert (order.recipient_name, order.memo) == ("박지민", "경비실에 맡겨 주세요")
    assert Address.objects.get(user=shopper).is_default
    assert not CartLine.objects.filter(cart__user=shopper).exists()


def test_double_submit_of_the_same_form_makes_one_order(client, shopper):
    CartLineFactory(cart__user=shopper, product=ProductFactory(stock=5))
    _, hidden = _checkout_page(client)
    data = {**NEW_ADDRESS, **hidden}

    first = client.post(reverse("shop:checkout"), data)
    second = client.post(reverse("shop:checkout"), data)

    order = Order.objects.get(user=shopper)
    assert first["Location"] == second["Location"] == reverse("shop:order_complete", args=[order.number])


def test_saved_default_address_is_preselected_and_used(client, shopper):
    address = AddressFactory(user=shopper, recipient_name="이서연", address1="부산광역시 해운대구 우동 1")
    CartLineFactory(cart__user=shopper)
    response, hidden = _checkout_page(client)
    assert f'value="{address.pk}" checked' in response.content.decode()

    client.post(
        reverse("shop:checkout"),
        {"address_choice": str(address.pk), "payment_method": "card", "memo": "", **hidden},
    )

    order = Order.objects.get(user=shopper)
    assert (order.recipient_name, order.address1) == ("이서연", "부산광역시 해운대구 우동 1")


def test_someone_elses_address_id_is_a_form_error(client, shopper):
    CartLineFactory(cart__user=shopper)
    other = AddressFactory()
    _, hidden = _checkout_page(client)

    response = client.post(
        reverse("shop:checkout"), {"address_choice": str(other.pk), "payment_method": "card", **hidden}
    )

    assert response.status_code == 400
    assert "배송지를 다시 골라 주세요." in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "휴대폰 번호를 010-1234-5678처럼 적어 주세요."),
        ("postal_code", "abc", "우편번호 5자리를 적어 주세요."),
        ("recipient_name", "", "꼭 적어 주세요."),
        ("payment_method", "bitcoin", "bitcoin"),
        ("idempotency_key", "not-a-uuid", "UUID"),
    ],
)
def test_bad_checkout_input_is_a_form_error_and_keeps_the_cart(client, shopper, field, value, message):
    CartLineFactory(cart__user=shopper)
    _, hidden = _checkout_page(client)

    response = client.post(reverse("shop:checkout"), {**NEW_ADDRESS, **hidden, field: value})

    assert response.status_code == 400
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart__user=shopper).exists()
    assert 'value="박지민"' in response.content.decode() or field == "recipient_name"


def test_price_change_is_shown_before_payment_and_second_confirm_pays_new_price(client, shopper):
    product = ProductFactory(price=10000, list_price=None, stock=5, name="국산 콩 두부")
    CartLineFactory(cart__user=shopper, product=product)
    _, hidden = _checkout_page(client)
    Product.objects.filter(pk=product.pk).update(price=11000)

    refused = client.post(reverse("shop:checkout"), {**NEW_ADDRESS, **hidden})

    body = refused.content.decode()
    assert refused.status_code == 409
    assert "국산 콩 두부: 가격이 10,000원에서 11,000원(으)로 바뀌었어요." in body
    assert not Order.objects.exists()
    fresh_seen = _hidden(body, "seen")
    assert fresh_seen.endswith(":11000:1")

    client.post(reverse("shop:checkout"), {**NEW_ADDRESS, **hidden, "seen": fresh_seen})

    order = Order.objects.get()
    assert order.lines.get().unit_price == 11000


def test_declined_card_returns_to_checkout_with_message_and_keeps_cart(client, shopper):
    product = ProductFactory(stock=3)
    CartLineFactory(cart__user=shopper, product=product, quantity=2)
    _, hidden = _checkout_page(client)

    response = client.post(
        reverse("shop:checkout"), {**NEW_ADDRESS, **hidden, "demo_outcome": DEMO_DECLINE}, follow=True
    )

    assert "카드사에서 결제를 승인하지 않았어요" in response.content.decode()
    assert Order.objects.get().status == OrderStatus.CANCELLED
    product.refresh_from_db()
    assert product.stock == 3
    assert CartLine.objects.filter(cart__user=shopper, quantity=2).exists()


def test_bank_transfer_confirmation_shows_virtual_account(client, shopper):
    CartLineFactory(cart__user=shopper)
    _, hidden = _checkout_page(client)

    response = client.post(
        reverse("shop:checkout"), {**NEW_ADDRESS, **hidden, "payment_method": "bank_transfer"}, follow=True
    )

    order = Order.objects.get()
    assert order.payment.status == PaymentStatus.AWAITING_DEPOSIT
    body = response.content.decode()
    assert "입금을 기다리고 있어요" in body
    assert order.payment.account_number in body


def test_checkout_page_with_a_sold_out_line_sends_shopper_back_to_cart(client, shopper):
    line = CartLineFactory(cart__user=shopper, product=ProductFactory(stock=5), quantity=2)
    Product.objects.filter(pk=line.product_id).update(stock=1)

    response = client.get(reverse("shop:checkout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("shop:cart")
    assert "재고가 부족한 상품이 있어요" in response.content.decode()
