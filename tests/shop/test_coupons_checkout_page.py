"""The coupon and points block on the checkout page: apply shows the new total, pay charges it, refusals say why."""

import re

import pytest
from django.urls import reverse

from shop.checkout_discounts import DISCOUNTS_RECALCULATED
from shop.models import IssuedCoupon, Order
from shop.selectors.points import point_balance
from shop.services.coupons import coupon_issue
from shop.services.points import point_adjust
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory, CartLineFactory
from tests.shop.factories import CouponRuleFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _hidden(body: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', body) or re.search(rf'value="([^"]*)" name="{name}"', body)
    assert match, f"hidden field {name} missing"
    return match.group(1)


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    address = AddressFactory(user=user)
    CartLineFactory(cart__user=user, product=ProductFactory(price=20000, list_price=None), quantity=2)
    return user, address


def _form(client, address, **extra):
    body = client.get(reverse("shop:checkout")).content.decode()
    data = {
        "idempotency_key": _hidden(body, "idempotency_key"),
        "seen": _hidden(body, "seen"),
        "applied_discounts": _hidden(body, "applied_discounts"),
        "address_choice": str(address.pk),
        "payment_method": "card",
        "demo_outcome": "approve",
    }
    data.update(extra)
    return data


def test_checkout_page_lists_usable_coupons_and_refused_ones_with_reason(client, shopper):
    user, _address = shopper
    good = coupon_issue(rule=CouponRuleFactory(name="3천원 쿠폰"), user=user, source=IssuedCoupon.Source.ADMIN)
    big = coupon_issue(
        rule=CouponRuleFactory(name="큰 주문 쿠폰", min_order_amount=100000),
        user=user,
        source=IssuedCoupon.Source.ADMIN,
    )

    response = client.get(reverse("shop:checkout"))

    options = {option.coupon.pk: option for option in response.context["coupon_options"]}
    assert options[good.pk].usable
    assert options[good.pk].discount == 3000
    assert options[big.pk].refusal == "쿠폰은 100,000원 이상 주문할 때 쓸 수 있어요."
    assert "쿠폰은 100,000원 이상 주문할 때 쓸 수 있어요." in response.content.decode()


def test_apply_shows_discounted_total_without_placing_an_order(client, shopper):
    user, address = shopper
    point_adjust(user=user, amount=5000, note="이벤트")
    coupon = coupon_issue(rule=CouponRuleFactory(discount_value=3000), user=user, source=IssuedCoupon.Source.ADMIN)

    response = client.post(
        reverse("shop:checkout"),
        _form(client, address, coupon=str(coupon.pk), points="2,000", apply_discounts="1"),
    )

    assert response.status_code == 200
    assert response.context["info"].total == 35000
    assert 'data-testid="summary-total">35,000원' in response.content.decode()
    assert not Order.objects.exists()


def test_pay_after_apply_charges_the_discounted_total(client, shopper):
    user, address = shopper
    point_adjust(user=user, amount=5000, note="이벤트")
    coupon = coupon_issue(rule=CouponRuleFactory(discount_value=3000), user=user, source=IssuedCoupon.Source.ADMIN)
    applied = client.post(
        reverse("shop:checkout"), _form(client, address, coupon=str(coupon.pk), points="2000", apply_discounts="1")
    ).content.decode()

    data = {
        "idempotency_key": _hidden(applied, "idempotency_key"),
        "seen": _hidden(applied, "seen"),
        "applied_discounts": _hidden(applied, "applied_discounts"),
        "address_choice": str(address.pk),
        "payment_method": "card",
        "demo_outcome": "approve",
        "coupon": str(coupon.pk),
        "points": "2000",
    }
    response = client.post(reverse("shop:checkout"), data)

    assert response.status_code == 302
    order = Order.objects.get(user=user)
    assert (order.coupon_discount, order.points_used, order.total) == (3000, 2000, 35000)
    assert point_balance(user=user) == 3000


def test_pay_with_choices_not_yet_applied_shows_the_new_total_first(client, shopper):
    user, address = shopper
    coupon = coupon_issue(rule=CouponRuleFactory(discount_value=3000), user=user, source=IssuedCoupon.Source.ADMIN)

    response = client.post(reverse("shop:checkout"), _form(client, address, coupon=str(coupon.pk)))

    assert response.status_code == 200
    assert response.context["discount_error"] == DISCOUNTS_RECALCULATED
    assert response.context["info"].total == 37000
    assert not Order.objects.exists()


def test_too_many_points_are_refused_with_a_message_and_nothing_is_paid(client, shopper):
    user, address = shopper
    point_adjust(user=user, amount=1000, note="이벤트")

    response = client.post(reverse("shop:checkout"), _form(client, address, points="5000"))

    assert response.status_code == 400
    assert "보유한 적립금(1,000원)보다 많이 쓸 수 없어요." in response.content.decode()
    assert not Order.objects.exists()
