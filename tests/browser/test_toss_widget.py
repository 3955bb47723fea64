"""The checkout page with the Toss Payments widget, in a real browser on a desktop and a 390 px phone.

Offline (as here: the SDK from js.tosspayments.com is blocked), the widget area says the payment window could not
load, the pay buttons stay disabled and the order form keeps what was typed; with the demo provider the page shows
the demo payment instead and loads nothing from Toss. Screenshots go to test-results/<test name>/.
"""

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from shop.services.cart import cart_add, cart_get_or_create
from tests.accounts.factories import UserFactory
from tests.shop.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_with_a_full_cart(page, live_server, username):
    user = UserFactory(username=username, nickname="민지")
    product = ProductFactory(name="라벤더 고농축 세탁세제 2.5L", price=12900, list_price=15900, stock=10)
    cart_add(cart=cart_get_or_create(user=user), product_id=product.pk, quantity=2)
    page.goto(live_server.url + "/accounts/login/?next=/checkout/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    page.wait_for_url("**/checkout/")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_toss_widget_area_says_so_when_the_sdk_cannot_load(device, request, live_server, artifacts_dir, settings):
    settings.SHOP_PAYMENT_PROVIDER = "toss"
    settings.TOSS_CLIENT_KEY = "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq"
    settings.TOSS_SECRET_KEY = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    toss_requests = []
    page.route("**/*tosspayments.com/**", lambda route: (toss_requests.append(route.request.url), route.abort()))

    _log_in_with_a_full_cart(page, live_server, f"toss_{device}")

    widget = page.locator("[data-testid=toss-widget]")
    expect(widget).to_be_visible()
    expect(widget.locator("[data-toss-offline]")).to_be_visible()
    expect(widget.locator("[data-toss-offline]")).to_contain_text("결제창을 불러오지 못했어요")
    expect(page.locator("[data-testid=pay-button]")).to_be_disabled()
    assert toss_requests == [django_settings.TOSS_WIDGET_SCRIPT_URL]
    page.fill("input[name=recipient_name]", "김민지")
    page.screenshot(path=str(artifacts_dir / f"{device}-checkout-toss-offline.png"), full_page=True)
    expect(page.locator("input[name=recipient_name]")).to_have_value("김민지")


def test_demo_provider_page_has_no_toss_widget_and_loads_nothing_from_toss(browser_page, live_server, settings):
    settings.SHOP_PAYMENT_PROVIDER = "demo"
    toss_requests = []
    browser_page.route("**/*tosspayments.com/**", lambda route: (toss_requests.append(1), route.abort()))

    _log_in_with_a_full_cart(browser_page, live_server, "demo_buyer")

    expect(browser_page.locator(".demo-pay")).to_be_visible()
    expect(browser_page.locator("[data-testid=toss-widget]")).to_have_count(0)
    expect(browser_page.locator("[data-testid=pay-button]")).to_be_enabled()
    assert toss_requests == []


# Stands in for Toss's SDK (only the calls the page makes): the "payment window" goes straight to the success URL.
FAKE_SDK = """
window.TossPayments = function (clientKey) {
  return { widgets: function () {
    var amount = 0;
    return {
      setAmount: function (value) { amount = value.value; return Promise.resolve(); },
      renderPaymentMethods: function (options) {
        document.querySelector(options.selector).textContent = "카드 · 계좌이체 · 가상계좌";
        return Promise.resolve();
      },
      renderAgreement: function () { return Promise.resolve(); },
      requestPayment: function (request) {
        window.location.href = request.successUrl + "?paymentKey=tgen_browser0001&orderId="
          + encodeURIComponent(request.orderId) + "&amount=" + amount;
        return new Promise(function () {});
      },
    };
  } };
};
"""


def test_paying_in_the_widget_confirms_on_the_server_and_lands_on_the_paid_order(browser_page, live_server, settings):
    from shop.models import Order, OrderStatus
    from tests.shop.fake_toss import fake_toss

    page = browser_page
    page.route(
        "**/*tosspayments.com/**",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=FAKE_SDK),
    )
    with fake_toss(settings) as toss:
        _log_in_with_a_full_cart(page, live_server, "toss_payer")
        expect(page.locator("#toss-payment-methods")).to_contain_text("가상계좌")
        page.fill("input[name=recipient_name]", "김민지")
        page.fill("input[name=phone]", "010-1234-5678")
        page.fill("input[name=postal_code]", "04524")
        page.fill("input[name=address1]", "서울특별시 중구 세종대로 110")
        page.locator("[data-testid=pay-button]").click()
        page.wait_for_url("**/complete/")

        order = Order.objects.get(user__username="toss_payer")
        assert order.status == OrderStatus.PAID
        [confirm] = toss.confirms
        assert confirm.json()["amount"] == order.total == 28_800
