"""Loyalty guarantees under real concurrency (PostgreSQL, real threads released together by a barrier:
tests/concurrency/runner.py)."""

import pytest

from config.errors import DomainError
from shop.models import IssuedCoupon
from shop.services.coupons import coupon_issue
from tests.accounts.factories import UserFactory
from tests.concurrency.runner import run_concurrently
from tests.shop.factories import CouponRuleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_coupon_per_customer_limit_of_one_holds_under_concurrent_issue_by_same_customer():
    rule = CouponRuleFactory(per_customer_limit=1, total_issue_limit=100)
    user = UserFactory()

    results, errors = run_concurrently(
        20, lambda _i: coupon_issue(rule=rule, user=user, source=IssuedCoupon.Source.NUDGE)
    )

    assert len(results) == 1
    assert len(errors) == 19
    assert all(isinstance(error, DomainError) for error in errors)
    assert IssuedCoupon.objects.filter(rule=rule, user=user).count() == 1
    rule.refresh_from_db()
    assert rule.issued_count == 1


def test_coupon_total_issue_limit_holds_under_concurrent_issue_by_many_customers():
    rule = CouponRuleFactory(per_customer_limit=1, total_issue_limit=5)
    users = [UserFactory() for _ in range(20)]

    results, errors = run_concurrently(
        20, lambda i: coupon_issue(rule=rule, user=users[i], source=IssuedCoupon.Source.CAMPAIGN)
    )

    assert len(results) == 5
    assert all(isinstance(error, DomainError) for error in errors)
    assert IssuedCoupon.objects.filter(rule=rule).count() == 5
    rule.refresh_from_db()
    assert rule.issued_count == 5


def test_twenty_concurrent_point_spends_never_make_balance_negative():
    from shop.models import PointEntry
    from shop.selectors.points import point_balance
    from shop.services.points import point_adjust, point_spend

    user = UserFactory()
    point_adjust(user=user, amount=5000, note="이벤트 적립")

    results, errors = run_concurrently(20, lambda _i: point_spend(user=user, amount=700))

    assert len(results) == 7  # 7 x 700 = 4,900 <= 5,000 < 8 x 700
    assert len(errors) == 13
    assert all(isinstance(error, DomainError) for error in errors)
    assert point_balance(user=user) == 100
    assert PointEntry.objects.filter(user=user, kind="spend").count() == 7


def _paid_checkout_setup(*, points: int = 0):
    from shop.services.cart import cart_add, cart_get_or_create
    from shop.services.points import point_adjust
    from tests.shop.factories import ProductFactory

    user = UserFactory()
    if points:
        point_adjust(user=user, amount=points, note="이벤트")
    product = ProductFactory(price=30000, list_price=None, stock=100)
    cart = cart_get_or_create(user=user)
    cart_add(cart=cart, product_id=product.pk, quantity=1)
    return user, cart, product


def test_fifty_concurrent_checkouts_with_one_single_use_coupon_exactly_one_succeeds():
    import uuid

    from shop.models import Order
    from shop.selectors.cart import cart_info
    from shop.services.checkout import DiscountRequest, checkout_place, seen_lines_decode, seen_lines_encode
    from tests.shop.checkout_factories import SHIPPING

    user, cart, product = _paid_checkout_setup()
    coupon = coupon_issue(rule=CouponRuleFactory(discount_value=5000), user=user, source=IssuedCoupon.Source.ADMIN)
    seen = seen_lines_decode(seen_lines_encode(cart_info(cart=cart)))

    def place(_index: int):
        return checkout_place(
            user=user,
            cart=cart,
            idempotency_key=uuid.uuid4(),
            address=SHIPPING,
            seen_lines=seen,
            payment_method="card",
            discount_request=DiscountRequest(coupon_id=coupon.pk),
        )

    results, errors = run_concurrently(50, place)

    assert len(results) == 1
    assert len(errors) == 49
    assert {error.message for error in errors} == {"이미 사용한 쿠폰이에요."}
    order = Order.objects.get(user=user)
    assert order.coupon_discount == 5000
    coupon.refresh_from_db()
    assert coupon.order_id == order.pk
    product.refresh_from_db()
    assert product.stock == 99


def test_concurrent_cancels_return_coupon_and_points_exactly_once():
    import uuid

    from shop.models import PointEntry
    from shop.selectors.cart import cart_info
    from shop.selectors.points import point_balance
    from shop.services.checkout import DiscountRequest, checkout_complete, seen_lines_decode, seen_lines_encode
    from shop.services.orders import order_cancel
    from tests.shop.checkout_factories import SHIPPING

    user, cart, _product = _paid_checkout_setup(points=4000)
    coupon = coupon_issue(rule=CouponRuleFactory(discount_value=3000), user=user, source=IssuedCoupon.Source.ADMIN)
    order = checkout_complete(
        user=user,
        cart=cart,
        idempotency_key=uuid.uuid4(),
        address=SHIPPING,
        seen_lines=seen_lines_decode(seen_lines_encode(cart_info(cart=cart))),
        payment_method="card",
        discount_request=DiscountRequest(coupon_id=coupon.pk, points=2500),
    ).order
    assert point_balance(user=user) == 1500

    results, errors = run_concurrently(10, lambda _i: order_cancel(order=order, actor=user))

    assert len(results) == 1
    assert len(errors) == 9
    assert all(isinstance(error, DomainError) for error in errors)
    coupon.refresh_from_db()
    assert coupon.used_at is None
    assert point_balance(user=user) == 4000
    assert PointEntry.objects.filter(order=order, kind="refund").count() == 1


def test_concurrent_point_refunds_for_one_order_write_one_refund():
    from shop.models import PointEntry
    from shop.selectors.points import point_balance
    from shop.services.points import point_adjust, point_refund_for_order, point_spend
    from tests.shop.factories import PlacedOrderFactory

    user = UserFactory()
    point_adjust(user=user, amount=1000, note="이벤트")
    order = PlacedOrderFactory(user=user, points_used=600)
    point_spend(user=user, amount=600, order=order)

    results, errors = run_concurrently(10, lambda _i: point_refund_for_order(order=order))

    assert errors == []
    assert len({entry.pk for entry in results}) == 1
    assert PointEntry.objects.filter(order=order, kind="refund").count() == 1
    assert point_balance(user=user) == 1000


def test_subscription_due_run_racing_itself_places_one_order():
    from shop.models import Order, SubscriptionRun
    from shop.services.subscriptions import subscription_create, subscription_order_for_due_date
    from tests.shop.checkout_factories import AddressFactory
    from tests.shop.factories import ProductFactory

    user = UserFactory()
    subscription = subscription_create(
        user=user,
        product=ProductFactory(is_subscribable=True, list_price=None, stock=20),
        interval_weeks=2,
        address=AddressFactory(user=user),
    )
    due = subscription.next_due_date

    results, errors = run_concurrently(
        8, lambda _i: subscription_order_for_due_date(subscription=subscription, due_date=due)
    )

    assert errors == []
    assert Order.objects.filter(user=user).count() == 1
    assert SubscriptionRun.objects.filter(subscription=subscription).count() == 1
    assert {run.order_id for run in results if run is not None} == {Order.objects.get(user=user).pk}
