"""A subscriber moves their 정기배송 to a new address typed by hand (the postcode widget is not reachable in tests),
in a real browser on desktop and on a 390 px phone. Screenshots go to test-results/<test name>/."""

import pytest
from playwright.sync_api import expect

from shop.services.subscriptions import subscription_create
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory
from tests.shop.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_subscriber_moves_the_next_deliveries_to_a_new_address(device, request, live_server, artifacts_dir):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    user = UserFactory(username=f"subscriber_{device}", nickname="민지")
    subscription = subscription_create(
        user=user,
        product=ProductFactory(name="라벤더 고농축 세탁세제 2.5L", is_subscribable=True),
        interval_weeks=4,
        address=AddressFactory(user=user, label="집", is_default=True),
    )

    page.goto(live_server.url + "/accounts/login/?next=/my/subscriptions/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    page.locator(f"[data-testid=subscription-{subscription.pk}] [data-testid=change-address]").click()
    expect(page.locator("h1")).to_contain_text("배송지 바꾸기")

    page.locator("#address-new").check()
    page.fill("input[name=recipient_name]", "김민지")
    page.fill("input[name=phone]", "010-2222-3333")
    page.fill("input[name=postal_code]", "04524")
    page.fill("input[name=address1]", "서울 중구 세종대로 110")
    page.fill("input[name=address2]", "3층")
    page.screenshot(path=str(artifacts_dir / f"{device}-01-new-address.png"), full_page=True)
    page.locator("[data-testid=save-address]").click()

    expect(page.get_by_text("배송지를 바꿨어요.")).to_be_visible()
    expect(page.locator(f"[data-testid=subscription-{subscription.pk}]")).to_contain_text("서울 중구 세종대로 110")
    page.screenshot(path=str(artifacts_dir / f"{device}-02-changed.png"), full_page=True)
    subscription.refresh_from_db()
    assert subscription.address.address1 == "서울 중구 세종대로 110"
