"""Coupons and points at checkout, then 다시 담기 from the order history, in a real browser (desktop and 390 px).

A shopper with a 3,000원 coupon and 5,000원 of points buys 2 x 20,000원: applying the coupon and 2,000 points
shows 35,000원 before paying; the order is charged 35,000원; 다시 담기 puts the lines back in the cart. The
wallet and points pages are captured too. Screenshots go to test-results/<test name>/.
"""

import re

import pytest
from playwright.sync_api import expect

from shop.models import CartLine, IssuedCoupon, Order
from shop.selectors.points import point_balance
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.coupons import coupon_issue
from shop.services.points import point_adjust
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory
from tests.shop.factories import CategoryFactory, CouponRuleFactory, ProductFactory, StoreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visible(page, selector: str):
    return page.locator(selector).locator("visible=true").first


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_coupon_and_points_at_checkout_then_reorder_from_history(device, request, live_server, artifacts_dir):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    user = UserFactory(username=f"regular_{device}", nickname="민지")
    AddressFactory(user=user)
    store = StoreFactory(name="골목 생활용품점")
    product = ProductFactory(
        name="라벤더 고농축 세탁세제 2.5L",
        store=store,
        category=CategoryFactory(name="세탁세제"),
        price=20000,
        list_price=24000,
        stock=20,
    )
    point_adjust(user=user, amount=5000, note="가입 축하 적립금")
    coupon = coupon_issue(
        rule=CouponRuleFactory(
            name="30,000원 이상 3,000원 할인", discount_value=3000, min_order_amount=30000, valid_days=14
        ),
        user=user,
        source=IssuedCoupon.Source.CAMPAIGN,
    )
    coupon_issue(
        rule=CouponRuleFactory(name="5만원 이상 5,000원 할인", discount_value=5000, min_order_amount=50000),
        user=user,
        source=IssuedCoupon.Source.ADMIN,
    )
    cart_add(cart=cart_get_or_create(user=user), product_id=product.pk, quantity=2)
    shot = 0

    def snap(name: str, *, full: bool = True) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(artifacts_dir / f"{device}-{shot:02d}-{name}.png"), full_page=full)

    page.goto(live_server.url + "/accounts/login/?next=/checkout/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.locator("[data-testid=summary-total]")).to_have_text("40,000원")
    discounts = page.locator("[data-testid=checkout-discounts]")
    expect(discounts).to_contain_text("쿠폰은 50,000원 이상 주문할 때 쓸 수 있어요.")
    expect(discounts).to_contain_text("보유 5,000원")

    page.locator(f"[data-testid=coupon-option-{coupon.pk}]").check()
    page.fill("[data-testid=points-input]", "2000")
    discounts.scroll_into_view_if_needed()
    snap("checkout-choices", full=False)
    page.locator("[data-testid=apply-discounts]").click()

    expect(page.locator("[data-testid=summary-total]")).to_have_text("35,000원")
    summary = page.locator(".checkout-summary")
    expect(summary).to_contain_text("−3,000원")
    expect(summary).to_contain_text("−2,000원")
    expect(page.locator(f"[data-testid=coupon-option-{coupon.pk}]")).to_be_checked()
    expect(page.locator("[data-testid=points-input]")).to_have_value("2000")
    snap("checkout-applied")

    _visible(page, "[data-testid=pay-button], .sticky-order--checkout button").click()
    expect(page.locator("[data-testid=order-done-title]")).to_have_text("주문이 완료되었어요.")
    order = Order.objects.get(user=user)
    assert (order.coupon_discount, order.points_used, order.total) == (3000, 2000, 35000)
    assert order.payment.amount == 35000
    assert point_balance(user=user) == 3000
    snap("confirmation")

    page.goto(live_server.url + "/my/coupons/")
    expect(page.locator(f"[data-testid=coupon-{coupon.pk}]")).to_contain_text("사용 완료")
    snap("wallet")
    page.goto(live_server.url + "/my/points/")
    expect(page.locator("[data-testid=points-balance]")).to_have_text("3,000원")
    snap("points")

    page.goto(live_server.url + "/orders/")
    expect(page.locator("[data-testid=order-card]")).to_have_count(1)
    assert not CartLine.objects.filter(cart__user=user).exists()
    snap("order-history", full=False)
    page.locator(f"[data-testid=reorder-{order.number}]").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator("[data-testid=cart-line]")).to_have_count(1)
    expect(page.get_by_text("1개 상품을 장바구니에 담았어요.")).to_be_visible()
    snap("reordered")
    assert CartLine.objects.get(cart__user=user).quantity == 2
