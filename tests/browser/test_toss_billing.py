"""The shopper pages of refunds and 자동결제 in a real browser on a desktop and a 390 px phone, against the local
fake Toss: the order page asks for the refund account a refused virtual-account refund needs and refunds to it; the
정기배송 page registers a card through a stand-in for Toss's SDK (requestBillingAuth -> the success URL) and then
names it. Screenshots go to test-results/<test name>/."""

import pytest
from playwright.sync_api import expect

from shop.models import Order, OrderStatus, Payment, PaymentMethod, PaymentStatus
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import order_via_checkout
from tests.shop.factories import ProductFactory
from tests.shop.fake_toss import fake_toss

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYMENT_KEY = "tgen_browserRefund01"

# Stands in for Toss's SDK (only the calls the 정기배송 page makes): card registration goes straight to the success URL.
FAKE_SDK = """
window.TossPayments = function (clientKey) {
  return { payment: function (options) {
    return { requestBillingAuth: function (request) {
      window.location.href = request.successUrl + "?customerKey=" + encodeURIComponent(options.customerKey)
        + "&authKey=bln_browser0001";
      return new Promise(function () {});
    } };
  } };
};
"""


@pytest.fixture
def toss(settings):
    with fake_toss(settings) as server:
        yield server


def _log_in(page, live_server, username, next_path):
    user = UserFactory(username=username, nickname="하늘")
    page.goto(live_server.url + "/accounts/login/?next=" + next_path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    page.wait_for_url("**" + next_path)
    return user


def _deposited_order_whose_refund_was_refused(user, toss):
    order = order_via_checkout(user=user, items=[(ProductFactory(name="무향 섬유유연제 2L", price=9900), 1)])
    toss.virtual_account = True
    toss.approve_at_toss(order_id=order.number, payment_key=PAYMENT_KEY, amount=order.total)
    toss.set_status(order.number, "DONE")
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    Payment.objects.filter(order=order).update(
        provider_ref=PAYMENT_KEY,
        method=PaymentMethod.BANK_TRANSFER,
        status=PaymentStatus.REFUND_FAILED,
        refund_error_code="INVALID_REFUND_ACCOUNT_INFO",
        message="환불 계좌 정보가 필요합니다. 환불 받을 계좌를 입력해주세요.",
    )
    return order


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_shopper_gives_the_refund_account_and_is_refunded(device, request, live_server, artifacts_dir, toss):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    user = UserFactory(username=f"refund_{device}", nickname="하늘")
    order = _deposited_order_whose_refund_was_refused(user, toss)
    path = f"/orders/{order.number}/"
    page.goto(live_server.url + "/accounts/login/?next=" + path)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    page.wait_for_url("**" + path)

    form = page.locator("[data-testid=refund-account-form]")
    expect(form).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"{device}-refund-account-form.png"), full_page=True)
    form.locator("select[name=bank_code]").select_option("88")
    form.locator("input[name=account_number]").fill("110-12")
    form.locator("input[name=holder_name]").fill("김하늘")
    form.locator("[data-testid=refund-account-submit]").click()
    expect(page.locator("[data-testid=refund-account-form] .form-errors")).to_contain_text("숫자 10~16자리")
    page.screenshot(path=str(artifacts_dir / f"{device}-refund-account-error.png"), full_page=True)

    page.locator("[data-testid=refund-account-form] input[name=account_number]").fill("110-123-456789")
    page.locator("[data-testid=refund-account-submit]").click()

    expect(page.locator("body")).to_contain_text("환불했어요")
    expect(page.locator("[data-testid=refund-account-form]")).to_have_count(0)
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED
    page.screenshot(path=str(artifacts_dir / f"{device}-refund-account-done.png"), full_page=True)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_shopper_registers_a_card_for_subscriptions(device, request, live_server, artifacts_dir, toss):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    page.route("**/*tosspayments.com/**", lambda route: route.fulfill(body=FAKE_SDK, content_type="text/javascript"))
    _log_in(page, live_server, f"billing_{device}", "/my/subscriptions/")

    card = page.locator("[data-testid=billing-card]")
    expect(card).to_contain_text("카드를 한 번만 등록해 주세요")
    page.screenshot(path=str(artifacts_dir / f"{device}-billing-card-none.png"), full_page=True)
    card.locator("[data-testid=billing-card-register]").click()

    page.wait_for_url("**/my/subscriptions/")
    expect(page.locator("[data-testid=billing-card-label]")).to_have_text("신한카드 43301234****123*")
    expect(page.locator("body")).to_contain_text("정기결제 카드를 등록했어요")
    assert len(toss.server.calls("POST", "/v1/billing/authorizations/issue")) == 1
    page.screenshot(path=str(artifacts_dir / f"{device}-billing-card-registered.png"), full_page=True)
