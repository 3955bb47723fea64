"""A shopper's whole purchase in a real browser, on a desktop and on a 390 px phone.

home -> category -> product -> add to cart (htmx) -> cart (stepper, htmx) -> 주문하기 -> log in -> checkout ->
demo card payment (approve) -> order confirmation -> order history. Screenshots of every step go to
test-results/<test name>/.
"""

import re

import pytest
from playwright.sync_api import expect

from shop.models import Order, OrderStatus, Product
from tests.accounts.factories import UserFactory
from tests.shop.factories import CategoryFactory, ProductFactory, StoreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visible(page, selector: str):
    return page.locator(selector).locator("visible=true").first


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_checkout_flow_from_home_to_order_history(device, request, live_server, artifacts_dir):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    category = CategoryFactory(name="세탁세제", slug="detergent", parent=None)
    store = StoreFactory(name="골목 생활용품점")
    product = ProductFactory(
        category=category, store=store, name="라벤더 고농축 세탁세제 2.5L", price=12900, list_price=15900, stock=10
    )
    ProductFactory(category=category, store=store, name="무향 저자극 아기 세제", price=9900, list_price=None)
    user = UserFactory(username=f"buyer_{device}", nickname="민지")
    shot = 0

    def snap(name: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(artifacts_dir / f"{device}-{shot:02d}-{name}.png"), full_page=True)

    page.goto(live_server.url + "/")
    snap("home")
    _visible(page, f"a[href='{category.get_absolute_url()}']").click()
    expect(page).to_have_url(re.compile(re.escape(category.get_absolute_url())))
    snap("category")

    _visible(page, f"a[href='{product.get_absolute_url()}']").click()
    expect(page.locator("h1")).to_contain_text(product.name)
    snap("product")

    _visible(page, "[data-testid=add-to-cart]").click()
    expect(page.locator(".add-to-cart__message")).to_contain_text("장바구니에 담았어요.")
    expect(page.locator("#cart-count-badge")).to_have_text("1")
    snap("added")

    page.goto(live_server.url + "/cart/")
    line = page.locator("[data-testid=cart-line]")
    expect(line).to_have_count(1)
    line.get_by_role("button", name="하나 더").click()
    expect(line.locator("[data-testid=line-quantity]")).to_have_text("2")
    # 2 x 12,900원 = 25,800원 is under the free-shipping line, so one shop's 3,000원 is added.
    expect(page.locator("[data-testid=cart-total]")).to_have_text("28,800원")
    snap("cart")

    _visible(page, "a[href='/checkout/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.locator("[data-testid=summary-total]")).to_have_text("28,800원")
    page.fill("input[name=recipient_name]", "김민지")
    page.fill("input[name=phone]", "010-1234-5678")
    page.fill("input[name=postal_code]", "04524")
    page.fill("input[name=address1]", "서울특별시 중구 세종대로 110")
    page.fill("input[name=address2]", "1203호")
    page.fill("input[name=memo]", "문 앞에 놓아 주세요")
    snap("checkout")

    _visible(page, "[data-testid=pay-button], .sticky-order--checkout button").click()
    expect(page.locator("[data-testid=order-done-title]")).to_have_text("주문이 완료되었어요.")
    order = Order.objects.get(user=user)
    expect(page.locator("[data-testid=order-number]")).to_have_text(order.number)
    snap("confirmation")

    _visible(page, "[data-testid=to-order-list]").click()
    expect(page.locator("[data-testid=order-card]")).to_have_count(1)
    expect(page.locator("[data-testid=order-card]")).to_contain_text(order.number)
    expect(page.locator("[data-testid=order-status]")).to_have_text("결제 완료")
    snap("order-history")

    assert order.status == OrderStatus.PAID
    assert order.total == 28800
    assert Product.objects.get(pk=product.pk).stock == 8
