"""The loyalty pages a regular uses, in a real browser on desktop and 390 px: the 찜 heart (htmx) on a product
page with its review section and 정기배송 panel, signing up for 정기배송, the wishlist, 자주 사는 상품 and a review
with a photo. Screenshots go to test-results/<test name>/."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from shop.models import Order, Subscription, WishlistItem
from shop.services.reviews import review_create
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.shop.checkout_factories import AddressFactory
from tests.shop.factories import (
    CategoryFactory,
    PlacedOrderFactory,
    PlacedOrderLineFactory,
    ProductFactory,
    StoreFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_wishlist_subscription_frequent_and_review_pages(device, request, live_server, artifacts_dir, tmp_path):
    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    household = HouseholdFactory(name="망원동 민지네")
    user = UserFactory(username=f"minji_{device}", nickname="민지", household=household)
    partner = UserFactory(household=household)
    AddressFactory(user=user)
    store = StoreFactory(name="골목 생활용품점")
    detergent = ProductFactory(
        name="라벤더 고농축 액체 세탁세제 2.5L",
        store=store,
        category=CategoryFactory(name="세탁세제"),
        price=12900,
        list_price=15900,
        is_subscribable=True,
    )
    tissue = ProductFactory(name="3겹 천연펄프 화장지 30롤", store=store, price=18900, list_price=None)
    for buyer, product in ((user, detergent), (partner, detergent), (user, tissue)):
        PlacedOrderLineFactory(order=PlacedOrderFactory(user=buyer, status=Order.Status.DELIVERED), product=product)
    neighbour_line = PlacedOrderLineFactory(order=PlacedOrderFactory(status=Order.Status.DELIVERED), product=detergent)
    review_create(
        user=neighbour_line.order.user,
        order_line=neighbour_line,
        rating=5,
        body="향이 은은하고 세척력이 좋아요. 또 살게요.",
    )
    shot = 0

    def snap(name: str, *, full: bool = True) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(artifacts_dir / f"{device}-{shot:02d}-{name}.png"), full_page=full)

    page.goto(live_server.url + "/accounts/login/?next=" + detergent.get_absolute_url())
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text(detergent.name)

    heart = page.locator(f"[data-testid=wish-heart-{detergent.pk}] button")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(page.locator(f"[data-testid=wish-heart-{detergent.pk}] button")).to_have_attribute("aria-pressed", "true")
    assert WishlistItem.objects.filter(user=user, product=detergent).exists()
    expect(page.locator("[data-testid=product-reviews]")).to_contain_text("향이 은은하고 세척력이 좋아요.")
    panel = page.locator("[data-testid=subscribe-panel]")
    panel.scroll_into_view_if_needed()
    snap("product-panels", full=False)
    page.locator("#reviews").scroll_into_view_if_needed()
    snap("product-reviews", full=False)

    panel.get_by_label("2주마다").check()
    panel.get_by_role("button", name="정기배송 신청하기").click()
    expect(page).to_have_url(re.compile(r"/my/subscriptions/$"))
    expect(page.get_by_text("정기배송을 시작했어요.")).to_be_visible()
    subscription = Subscription.objects.get(user=user)
    assert subscription.interval_weeks == 2
    expect(page.locator(f"[data-testid=subscription-{subscription.pk}]")).to_contain_text("2주마다")
    snap("subscriptions")
    page.get_by_role("button", name="다음 배송 건너뛰기").click()
    expect(page.get_by_text("다음 배송을 건너뛰었어요.")).to_be_visible()
    subscription.refresh_from_db()
    expect(page.locator("[data-testid=next-due]")).to_contain_text(subscription.next_due_date.strftime("%Y.%m.%d"))

    page.goto(live_server.url + "/my/wishlist/")
    expect(page.locator(".wish-card")).to_have_count(1)
    snap("wishlist")

    page.goto(live_server.url + "/my/frequent/")
    cards = page.locator(".frequent-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text(detergent.name)
    expect(cards.first).to_contain_text("2번 주문")
    page.locator(f"[data-testid=frequent-add-{tissue.pk}]").click()
    expect(page.locator(".frequent-card__result").nth(1)).to_contain_text("장바구니에 담았어요.")
    snap("frequent")

    photo = tmp_path / "review.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (255, 200, 170)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    page.goto(live_server.url + "/my/reviews/")
    page.locator("[data-testid^=write-review-]").first.click()
    page.get_by_label("4점").check()
    page.fill("textarea[name=body]", "두 번째 구매예요. 여전히 향이 좋아요.")
    page.set_input_files("input[name=photos]", str(photo))
    snap("review-form")
    page.get_by_role("button", name="리뷰 등록하기").click()
    expect(page.get_by_text("소중한 리뷰 고마워요.")).to_be_visible()
    expect(page.locator("[data-testid=product-reviews] .review__photos img")).to_have_count(1)
    # Cleaned and resized by the task after commit (inline here), then served with its display sizes.
    expect(page.locator("[data-testid=product-reviews] .review__photos img")).to_have_attribute(
        "srcset", re.compile(r"w480\.jpg 480w, .*original\.jpg 900w")
    )
