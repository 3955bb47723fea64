"""A house tour from writing to an attributed purchase, in a real browser on a 390 px phone.

The author writes a tour with two photos, pins a product on one by tapping the photo and searching, captions it
and publishes. Another shopper opens the tour, taps the pin, puts the product in the cart from the product sheet,
logs in at checkout and pays. The author then sees "이 집들이를 보고 1명이 구매했어요". Screenshots of every
step go to test-results/<test name>/.
"""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.models import Tour, TourPin
from shop.models import Order, OrderStatus
from tests.accounts.factories import UserFactory
from tests.shop.factories import CategoryFactory, ProductFactory, StoreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visible(page, selector: str):
    return page.locator(selector).locator("visible=true").first


def _room_jpeg(path, colour) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_house_tour_pin_to_purchase_on_a_phone(phone_page, live_server, artifacts_dir, tmp_path):
    page = phone_page
    category = CategoryFactory(name="수납가구", slug="storage", parent=None)
    store = StoreFactory(name="다정한 소품가게")
    product = ProductFactory(
        category=category, store=store, name="원목 수납장 3단", price=39000, list_price=45000, stock=5
    )
    author = UserFactory(username="host", nickname="하늘")
    buyer = UserFactory(username="guest", nickname="민지")
    shot = 0

    def snap(name: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(artifacts_dir / f"{shot:02d}-{name}.png"), full_page=True)

    # --- the author writes the tour -------------------------------------------------------------------
    _log_in(page, live_server.url, author.username)
    page.goto(live_server.url + "/community/")
    snap("community")
    _visible(page, "[data-testid=tour-write]").click()
    expect(page).to_have_url(re.compile(r"/community/tours/new/$"))
    page.fill("[data-testid=tour-title-input]", "햇살 드는 8평 원룸")
    page.select_option("select[name=home_type]", "one_room")
    page.select_option("select[name=style]", "minimal")
    page.fill("textarea[name=body]", "작지만 볕이 잘 드는 방이에요.")
    snap("new")
    page.locator("[data-testid=tour-start]").click()
    expect(page.locator("[data-testid=tour-editor]")).to_be_visible()

    files = [_room_jpeg(tmp_path / "living.jpg", (230, 220, 200)), _room_jpeg(tmp_path / "bed.jpg", (200, 215, 230))]
    page.locator("[data-testid=photo-input]").set_input_files(files)
    photos = page.locator("[data-testid=editor-photo]")
    expect(photos).to_have_count(2)
    snap("photos")

    photos.nth(0).locator("[data-testid=caption-input]").fill("창가에 둔 수납장이에요.")
    expect(photos.nth(0).locator(".caption-saved")).to_have_text("저장했어요")

    frame = photos.nth(1).locator("[data-pin-frame]")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6)
    search = photos.nth(1).locator("[data-testid=pin-search]")
    expect(search).to_be_visible()
    search.fill("수납장")
    result = photos.nth(1).locator("[data-testid=pin-results] button")
    expect(result).to_contain_text("원목 수납장 3단")
    snap("pin-search")
    result.first.click()
    expect(page.locator("[data-testid=editor-photo]").nth(1).locator(".editor-pins")).to_contain_text("원목 수납장 3단")
    snap("pinned")

    _visible(page, "[data-testid=tour-publish]").click()
    expect(page.locator("h1.tour__title")).to_have_text("햇살 드는 8평 원룸")
    tour = Tour.objects.get(author=author)
    assert tour.status == Tour.Status.PUBLISHED
    pin = TourPin.objects.get(tour=tour)
    assert 35 <= float(pin.x) <= 45
    assert 55 <= float(pin.y) <= 65
    snap("published")

    # --- another shopper taps the pin and buys ----------------------------------------------------------
    page.context.clear_cookies()
    page.goto(live_server.url + tour.get_absolute_url())
    pin_button = page.locator("[data-testid=tour-pin]")
    expect(pin_button).to_have_count(1)
    pin_button.scroll_into_view_if_needed()
    pin_button.tap()
    sheet = page.locator("[data-testid=pin-card]")
    expect(sheet).to_contain_text("원목 수납장 3단")
    snap("pin-sheet")
    sheet.locator("[data-testid=add-to-cart]").click()
    expect(sheet.locator(".add-to-cart__message")).to_contain_text("장바구니에 담았어요.")
    expect(page.locator("#cart-count-badge")).to_have_text("1")
    snap("added")

    page.goto(live_server.url + "/cart/")
    expect(page.locator("[data-testid=cart-line]")).to_have_count(1)
    _visible(page, "a[href='/checkout/']").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=username]", buyer.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    page.fill("input[name=recipient_name]", "김민지")
    page.fill("input[name=phone]", "010-1234-5678")
    page.fill("input[name=postal_code]", "04524")
    page.fill("input[name=address1]", "서울특별시 중구 세종대로 110")
    page.fill("input[name=address2]", "1203호")
    snap("checkout")
    _visible(page, "[data-testid=pay-button], .sticky-order--checkout button").click()
    expect(page.locator("[data-testid=order-done-title]")).to_have_text("주문이 완료되었어요.")
    snap("ordered")

    order = Order.objects.get(user=buyer)
    assert order.status == OrderStatus.PAID
    assert order.attribution_source == f"tour:{tour.pk}"
    assert [line.product_id for line in order.lines.all()] == [product.pk]

    # --- the author sees the purchase the tour led to ---------------------------------------------------
    page.context.clear_cookies()
    _log_in(page, live_server.url, author.username)
    page.goto(live_server.url + tour.get_absolute_url())
    expect(page.locator("[data-testid=tour-buyers]")).to_have_text("이 집들이를 보고 1명이 구매했어요")
    snap("author-sees-purchase")
    page.goto(live_server.url + "/community/my/tours/")
    expect(page.locator("[data-testid=my-tour]")).to_contain_text("이 집들이를 보고 1명이 구매했어요")
    snap("my-tours")
