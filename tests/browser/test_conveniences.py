"""Korean shopper conveniences in a real browser at 1280 and 390 px: 우편번호 찾기 on checkout (blocked, as on this
machine without internet, and with a stand-in widget), the share button, social log-in buttons, tracking.

Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shop.models import Carrier, Order
from shop.services.shipping import order_ship
from tests.accounts.factories import UserFactory
from tests.fake_http import fake_http_server
from tests.shop.checkout_factories import CartLineFactory, order_via_checkout
from tests.shop.factories import ProductFactory, ProductImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POSTCODE_SCRIPT = re.compile(r".*postcode\.v2\.js.*")
# A stand-in for the Daum/Kakao widget with the same interface: embed() "chooses" an address at once.
FAKE_WIDGET = """
window.daum = {Postcode: function (options) {
  this.embed = function (element) {
    element.textContent = "stand-in widget";
    setTimeout(function () {
      options.oncomplete({zonecode: "06236", roadAddress: "서울 강남구 테헤란로 152", address: "", bname: "역삼동",
                          buildingName: "강남파이낸스센터", apartment: "N"});
    }, 50);
  };
  this.open = this.embed;
}};
"""


def _login(page, base_url, user, next_url):
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()


def _checkout(page, live_server, device):
    user = UserFactory(username=f"postcode_{device}", nickname="지민")
    CartLineFactory(cart__user=user, product=ProductFactory(name="햇살 세탁세제 3L", price=12900, stock=5))
    _login(page, live_server.url, user, "/checkout/")
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    return user


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_postcode_blocked_says_to_type_the_address_and_the_form_still_submits(
    device, request, live_server, artifacts_dir
):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    page.route(POSTCODE_SCRIPT, lambda route: route.abort())  # as on a network that blocks (or lacks) the CDN
    user = _checkout(page, live_server, device)

    button = page.locator("[data-testid=postcode-button]")
    expect(button).to_be_visible()
    hint = page.locator("[data-testid=postcode-hint]")
    expect(hint).to_contain_text("우편번호 찾기를 불러오지 못했어요")
    expect(hint).to_contain_text("직접 입력해 주세요")
    page.screenshot(path=str(artifacts_dir / f"{device}-checkout-postcode-blocked.png"), full_page=True)

    page.fill("input[name=recipient_name]", "김지민")
    page.fill("input[name=phone]", "010-1234-5678")
    page.fill("input[name=postal_code]", "04524")
    page.fill("input[name=address1]", "서울특별시 중구 세종대로 110")
    page.fill("input[name=address2]", "1203호")
    page.locator("[data-testid=pay-button], .sticky-order--checkout button").locator("visible=true").first.click()

    expect(page).to_have_url(re.compile(r"/orders/[\d-]+/complete/$"))
    order = Order.objects.get(user=user)
    assert (order.postal_code, order.address1) == ("04524", "서울특별시 중구 세종대로 110")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_postcode_button_opens_the_widget_and_fills_postal_code_and_road_address(
    device, request, live_server, artifacts_dir
):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    page.route(
        POSTCODE_SCRIPT,
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=FAKE_WIDGET),
    )
    user = _checkout(page, live_server, device)
    expect(page.locator("[data-testid=postcode-hint]")).to_contain_text("우편번호 찾기로 주소를 고르면")

    page.locator("[data-testid=postcode-button]").click()

    expect(page.locator("input[name=postal_code]")).to_have_value("06236")
    expect(page.locator("input[name=address1]")).to_have_value("서울 강남구 테헤란로 152 (역삼동)")
    expect(page.locator("input[name=address2]")).to_be_focused()
    expect(page.locator("[data-postcode-layer]")).to_be_hidden()
    page.fill("input[name=recipient_name]", "김지민")
    page.fill("input[name=phone]", "010-1234-5678")
    page.fill("input[name=address2]", "12층")
    page.screenshot(path=str(artifacts_dir / f"{device}-checkout-postcode-filled.png"), full_page=True)
    page.locator("[data-testid=pay-button], .sticky-order--checkout button").locator("visible=true").first.click()

    expect(page).to_have_url(re.compile(r"/orders/[\d-]+/complete/$"))
    assert Order.objects.get(user=user).postal_code == "06236"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_share_button_copies_the_link_where_there_is_no_share_sheet(device, request, live_server, artifacts_dir):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.add_init_script("delete Navigator.prototype.share; delete Navigator.prototype.canShare;")
    product = ProductFactory(name="라벤더 고농축 세탁세제 2.5L", price=12900, list_price=15900)
    ProductImageFactory(product=product)

    page.goto(live_server.url + product.get_absolute_url())
    og_image = page.locator("meta[property='og:image']").get_attribute("content")
    assert og_image.startswith(live_server.url)
    button = page.locator("[data-testid=share-button]")
    expect(button).to_be_visible()
    button.click()

    expect(page.locator("[data-share-status]")).to_contain_text("링크를 복사했어요")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + product.get_absolute_url()
    page.screenshot(path=str(artifacts_dir / f"{device}-product-share.png"), full_page=False)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_login_page_shows_kakao_and_naver_and_order_page_links_to_tracking(
    device, request, live_server, artifacts_dir, settings
):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    settings.SOCIALACCOUNT_PROVIDERS = {
        "kakao": {"APPS": [{"client_id": "k", "secret": "s", "key": ""}]},
        "naver": {"APPS": [{"client_id": "n", "secret": "s", "key": ""}]},
    }
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("[data-testid=social-kakao]")).to_contain_text("카카오로 시작하기")
    expect(page.locator("[data-testid=social-naver]")).to_contain_text("네이버로 시작하기")
    page.screenshot(path=str(artifacts_dir / f"{device}-login-social.png"), full_page=True)

    user = UserFactory(username=f"tracking_{device}", nickname="하늘")
    order = order_via_checkout(user=user)
    order_ship(order=order, carrier=Carrier.CJ, tracking_number="612345678901")
    _login(page, live_server.url, user, f"/orders/{order.number}/")
    link = page.locator("[data-testid=tracking-link]")
    expect(link).to_have_attribute("href", "https://trace.cjlogistics.com/next/tracking.html?wblNo=612345678901")
    link.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / f"{device}-order-tracking.png"), full_page=True)

    page.goto(live_server.url + "/accounts/profile/")
    expect(page.locator("#order-notifications")).to_contain_text("카카오 알림톡")
    page.locator("#order-notifications").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / f"{device}-profile-notifications.png"), full_page=False)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_kakao_one_tap_signup_asks_nickname_and_unticked_consents(
    device, request, live_server, artifacts_dir, settings, monkeypatch
):
    """The whole 카카오 flow in the browser against a local fake 카카오 (authorize, token, profile)."""
    from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter

    from accounts.models import User

    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    settings.SOCIALACCOUNT_PROVIDERS = {"kakao": {"APPS": [{"client_id": "k", "secret": "s", "key": ""}]}}
    profile = {
        "id": 4_100_000_100 + (device == "phone"),
        "kakao_account": {
            "profile": {"nickname": "하늘"},
            "email": f"sky_{device}@kakao.example",
            "is_email_verified": True,
        },
    }

    def authorize(recorded):
        redirect_uri, state = recorded.query["redirect_uri"][0], recorded.query["state"][0]
        return 302, {"location": f"{redirect_uri}?code=one-time-code&state={state}"}

    routes = {
        ("GET", "/oauth/authorize"): authorize,
        ("POST", "/oauth/token"): (200, {"access_token": "t", "token_type": "bearer", "expires_in": 3600}),
        ("GET", "/v2/user/me"): (200, profile),
    }
    with fake_http_server(routes) as fake:
        monkeypatch.setattr(KakaoOAuth2Adapter, "authorize_url", f"{fake.url}/oauth/authorize")
        monkeypatch.setattr(KakaoOAuth2Adapter, "access_token_url", f"{fake.url}/oauth/token")
        monkeypatch.setattr(KakaoOAuth2Adapter, "profile_url", f"{fake.url}/v2/user/me")
        page.goto(live_server.url + "/accounts/login/")
        page.locator("[data-testid=social-kakao]").click()

        expect(page).to_have_url(re.compile(r"/accounts/social/signup/$"))
        expect(page.locator("input[name=nickname]")).to_have_value("하늘")
        expect(page.locator("input[name=marketing_consent]")).not_to_be_checked()
        expect(page.locator("input[name=night_marketing_consent]")).not_to_be_checked()
        page.screenshot(path=str(artifacts_dir / f"{device}-kakao-signup.png"), full_page=True)
        page.fill("input[name=nickname]", "하늘이네")
        page.locator("input[name=terms]").check()
        page.locator("[data-testid=social-signup-submit]").click()

        expect(page).to_have_url(live_server.url + "/")
        expect(page.locator("#content, body").first).to_contain_text("하늘이네님, 반가워요.")
        page.screenshot(path=str(artifacts_dir / f"{device}-kakao-welcome.png"), full_page=False)
    user = User.objects.get(email=f"sky_{device}@kakao.example")
    assert user.marketing_consented_at is None
    assert user.night_marketing_consented_at is None
