"""Coupons and points inside checkout: each refusal has its own Korean message; cancel gives both back once."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.errors import DomainError
from shop.models import IssuedCoupon, OrderStatus, PaymentMethod, PointEntry
from shop.selectors.cart import cart_info
from shop.selectors.points import point_balance
from shop.services import coupons as coupon_services
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.checkout import (
    DiscountRequest,
    checkout_complete,
    checkout_preview,
    seen_lines_decode,
    seen_lines_encode,
)
from shop.services.coupons import coupon_issue
from shop.services.orders import order_cancel, order_transition
from shop.services.points import point_adjust
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import SHIPPING
from tests.shop.factories import CategoryFactory, CouponRuleFactory, ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db


def _cart_with(user, *items):
    cart = cart_get_or_create(user=user)
    for product, quantity in items:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    return cart


def _checkout(user, cart, **discount):
    return checkout_complete(
        user=user,
        cart=cart,
        idempotency_key=uuid.uuid4(),
        address=SHIPPING,
        seen_lines=seen_lines_decode(seen_lines_encode(cart_info(cart=cart))),
        payment_method=PaymentMethod.CARD,
        discount_request=DiscountRequest(**discount),
    )


def _coupon(user, **rule_fields):
    return coupon_issue(rule=CouponRuleFactory(**rule_fields), user=user, source=IssuedCoupon.Source.ADMIN)


def test_checkout_with_fixed_coupon_and_points_charges_the_discounted_total():
    user = UserFactory()
    point_adjust(user=user, amount=2000, note="가입 축하")
    coupon = _coupon(user, discount_value=3000, min_order_amount=30000)
    cart = _cart_with(user, (ProductFactory(price=20000, list_price=None), 2))

    order = _checkout(user, cart, coupon_id=coupon.pk, points=1500).order

    assert order.status == OrderStatus.PAID
    assert (order.subtotal, order.shipping_fee, order.coupon_discount, order.points_used) == (40000, 0, 3000, 1500)
    assert order.total == 35500
    assert order.payment.amount == 35500
    coupon.refresh_from_db()
    assert coupon.used_at is not None
    assert coupon.order == order
    assert point_balance(user=user) == 500


def test_checkout_preview_shows_percent_coupon_capped_by_max_discount():
    user = UserFactory()
    coupon = _coupon(user, discount_kind="percent", discount_value=10, max_discount=2000)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    info = checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_id=coupon.pk))

    assert info.coupon_discount == 2000
    assert info.total == 28000


def test_coupon_expired_is_refused_with_its_own_message():
    user = UserFactory()
    coupon = _coupon(user, valid_days=3)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    with time_machine.travel(timezone.now() + timedelta(days=4)), pytest.raises(DomainError) as excinfo:
        checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_id=coupon.pk))

    assert excinfo.value.message == "쿠폰 사용 기간이 지났어요."


def test_coupon_out_of_scope_names_the_category_it_is_for():
    user = UserFactory()
    tissue = CategoryFactory(name="화장지")
    coupon = _coupon(user, scope="category", category=tissue)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None, category=CategoryFactory(name="세제")), 1))

    with pytest.raises(DomainError) as excinfo:
        checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_id=coupon.pk))

    assert excinfo.value.message == "이 쿠폰은 화장지 상품에만 쓸 수 있어요."


def test_coupon_below_minimum_states_the_minimum_in_won():
    user = UserFactory()
    coupon = _coupon(user, min_order_amount=30000)
    cart = _cart_with(user, (ProductFactory(price=12900, list_price=None), 2))

    with pytest.raises(DomainError) as excinfo:
        checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_id=coupon.pk))

    assert excinfo.value.message == "쿠폰은 30,000원 이상 주문할 때 쓸 수 있어요."


def test_coupon_minimum_counts_only_lines_in_scope():
    user = UserFactory()
    store = StoreFactory(name="골목 세제가게")
    coupon = _coupon(user, scope="store", store=store, min_order_amount=20000)
    cart = _cart_with(
        user,
        (ProductFactory(price=10000, list_price=None, store=store), 1),
        (ProductFactory(price=50000, list_price=None), 1),
    )

    with pytest.raises(DomainError) as excinfo:
        checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_id=coupon.pk))

    assert excinfo.value.message == "쿠폰은 20,000원 이상 주문할 때 쓸 수 있어요."


def test_coupon_already_used_is_refused_with_its_own_message():
    user = UserFactory()
    coupon = _coupon(user)
    product = ProductFactory(price=30000, list_price=None)
    _checkout(user, _cart_with(user, (product, 1)), coupon_id=coupon.pk)
    cart = _cart_with(user, (product, 1))

    with pytest.raises(DomainError) as excinfo:
        _checkout(user, cart, coupon_id=coupon.pk)

    assert excinfo.value.message == "이미 사용한 쿠폰이에요."


def test_coupon_of_another_customer_is_refused():
    owner, other = UserFactory(), UserFactory()
    coupon = _coupon(owner)
    cart = _cart_with(other, (ProductFactory(price=30000, list_price=None), 1))

    with pytest.raises(DomainError) as excinfo:
        _checkout(other, cart, coupon_id=coupon.pk)

    assert excinfo.value.message == coupon_services.COUPON_NOT_YOURS
    coupon.refresh_from_db()
    assert coupon.used_at is None


def test_non_stackable_coupon_with_another_coupon_is_refused():
    user = UserFactory()
    solo = _coupon(user, name="혼자 쓰는 쿠폰", is_stackable=False)
    other = _coupon(user, is_stackable=True)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    with pytest.raises(DomainError) as excinfo:
        checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_ids=(solo.pk, other.pk)))

    assert excinfo.value.message == "'혼자 쓰는 쿠폰' 쿠폰은 다른 쿠폰과 함께 쓸 수 없어요."


def test_two_stackable_coupons_both_apply():
    user = UserFactory()
    first = _coupon(user, discount_value=1000, is_stackable=True)
    second = _coupon(user, discount_value=2000, is_stackable=True)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    order = _checkout(user, cart, coupon_ids=(first.pk, second.pk)).order

    assert order.coupon_discount == 3000
    assert IssuedCoupon.objects.filter(order=order).count() == 2


def test_points_more_than_balance_are_refused_and_no_order_is_made():
    user = UserFactory()
    point_adjust(user=user, amount=1000, note="가입 축하")
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    with pytest.raises(DomainError):
        _checkout(user, cart, points=5000)

    assert not user.orders.exists()
    assert point_balance(user=user) == 1000


def test_points_above_the_amount_to_pay_are_trimmed_to_it():
    user = UserFactory()
    point_adjust(user=user, amount=50000, note="보상")
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    order = _checkout(user, cart, points=40000).order

    assert order.points_used == 30000
    assert order.total == 0
    assert point_balance(user=user) == 20000


def test_order_cancel_returns_coupon_and_points_exactly_once():
    user = UserFactory()
    point_adjust(user=user, amount=3000, note="이벤트")
    coupon = _coupon(user)
    order = _checkout(
        user, _cart_with(user, (ProductFactory(price=30000, list_price=None), 1)), coupon_id=coupon.pk, points=2000
    ).order
    assert point_balance(user=user) == 1000

    order_cancel(order=order, actor=user)
    with pytest.raises(DomainError):
        order_cancel(order=order, actor=user)

    coupon.refresh_from_db()
    assert coupon.used_at is None
    assert coupon.order is None
    assert point_balance(user=user) == 3000
    assert PointEntry.objects.filter(order=order, kind="refund").count() == 1


def test_delivered_order_earns_points_and_refund_takes_them_back(settings):
    settings.POINTS_EARN_RATE_PERCENT = 1
    user = UserFactory()
    order = _checkout(user, _cart_with(user, (ProductFactory(price=50000, list_price=None), 1))).order
    for status in (OrderStatus.PREPARING, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order_transition(order=order, target=status)
    assert point_balance(user=user) == 500

    order_transition(order=order, target=OrderStatus.REFUNDED)

    assert point_balance(user=user) == 0


def test_category_coupon_covers_products_in_child_categories():
    user = UserFactory()
    household = CategoryFactory(name="생활용품")
    detergent = CategoryFactory(name="세제", parent=household)
    coupon = _coupon(user, discount_kind="percent", discount_value=10, scope="category", category=household)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None, category=detergent), 1))

    info = checkout_preview(cart=cart, user=user, discount_request=DiscountRequest(coupon_id=coupon.pk))

    assert info.coupon_discount == 3000


def test_declined_card_payment_gives_coupon_and_points_back():
    from shop.payments.demo import DEMO_DECLINE

    user = UserFactory()
    point_adjust(user=user, amount=3000, note="이벤트")
    coupon = _coupon(user)
    cart = _cart_with(user, (ProductFactory(price=30000, list_price=None), 1))

    order = checkout_complete(
        user=user,
        cart=cart,
        idempotency_key=uuid.uuid4(),
        address=SHIPPING,
        seen_lines=seen_lines_decode(seen_lines_encode(cart_info(cart=cart))),
        payment_method=PaymentMethod.CARD,
        demo_outcome=DEMO_DECLINE,
        discount_request=DiscountRequest(coupon_id=coupon.pk, points=1000),
    ).order

    assert order.status == OrderStatus.CANCELLED
    coupon.refresh_from_db()
    assert coupon.used_at is None
    assert point_balance(user=user) == 3000
