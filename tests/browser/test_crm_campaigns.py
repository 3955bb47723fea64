"""A campaign from launch to purchase in a real browser.

An MD lead picks a small segment (the live audience count shows it), writes a promotional message with a coupon to
claim and launches it; a customer of the segment finds the "(광고)" message in the feed with the mall's name and the
opt-out link, claims the coupon and buys with it; the campaign's results page then shows the order, the coupon used
and the revenue. Screenshots at 1280 px (and the lead's pages at 390 px) go to test-results/<test name>/.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.models import Campaign, TeamMember
from shop.models import Order
from shop.services.cart import cart_add, cart_get_or_create
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.shop.factories import CategoryFactory, CouponRuleFactory, ProductFactory, StoreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str, password: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("#content form button[type=submit]").first.click()


def test_md_lead_launches_a_campaign_and_a_customer_claims_the_coupon_and_buys(
    browser_page, request, live_server, artifacts_dir
):
    now = timezone.now()
    team = TeamFactory(name="생활 MD팀", slug="living")
    lead = StaffUserFactory(username="living_lead", nickname="하늘")
    TeamMemberFactory(team=team, user=lead, role=TeamMember.Role.MD_LEAD)
    run = SegmentationRunFactory()
    segment = SegmentFactory(team=team, name="세제 단골")
    buyer = UserFactory(username="minji", nickname="민지", marketing_consented_at=now, night_marketing_consented_at=now)
    customer_in_segment(segment=segment, run=run, user=buyer)
    customer_in_segment(segment=segment, run=run, user=UserFactory(username="junho", marketing_consented_at=now))
    rule = CouponRuleFactory(name="세제 3,000원 할인", discount_value=3000)
    product = ProductFactory(
        category=CategoryFactory(name="세탁세제", slug="detergent", parent=None),
        store=StoreFactory(name="골목 생활용품점"),
        name="라벤더 고농축 세탁세제 2.5L",
        price=32900,
        list_price=None,
        stock=10,
    )
    base = live_server.url
    lead_page = browser_page

    _login(lead_page, base, "living_lead", "test-pass-1234", "/crm/t/living/campaigns/new/")
    expect(lead_page).to_have_url(re.compile(r"/crm/t/living/campaigns/new/$"))
    lead_page.wait_for_load_state("load")  # htmx listens for the select's change only once the page has loaded
    lead_page.select_option("[data-testid=campaign-segment]", str(segment.pk))
    expect(lead_page.locator("[data-testid=audience-count]")).to_have_attribute("data-count", "2")
    lead_page.fill("input[name=title]", "세제 떨어질 때 됐죠?")
    lead_page.fill("textarea[name=body]", "{nickname}님, 이번 주 세제 3,000원 할인 쿠폰을 드려요.")
    lead_page.fill("input[name=link]", product.get_absolute_url())
    lead_page.select_option("select[name=coupon_rule]", str(rule.pk))
    lead_page.fill("input[name=control_percent]", "0")
    lead_page.screenshot(path=str(artifacts_dir / "01-campaign-form-1280.png"), full_page=True)
    lead_page.locator("[data-testid=launch-campaign]").click()

    expect(lead_page.locator("[data-testid=campaign-title]")).to_have_text("세제 떨어질 때 됐죠?")
    expect(lead_page.locator("[data-testid=stat-delivered]")).to_have_text("2")
    lead_page.screenshot(path=str(artifacts_dir / "02-campaign-sent-1280.png"), full_page=True)
    campaign = Campaign.objects.get()

    context = request.getfixturevalue("_playwright_browser").new_context(
        locale="ko-KR", timezone_id="Asia/Seoul", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    shopper = context.new_page()
    shopper.set_default_timeout(10_000)
    _login(shopper, base, "minji", "test-pass-1234", "/feed/")
    item = shopper.locator(".feed-item--campaign")
    expect(item.locator(".feed-item__title")).to_have_text("(광고) 세제 떨어질 때 됐죠?")
    expect(item.locator(".feed-item__body")).to_have_text("민지님, 이번 주 세제 3,000원 할인 쿠폰을 드려요.")
    expect(item.locator(".feed-item__legal")).to_contain_text("동네가게 · 고객센터 1588-0000")
    expect(item.locator(".feed-item__opt-out")).to_have_text("수신거부")
    shopper.screenshot(path=str(artifacts_dir / "03-feed-ad-390.png"), full_page=True)
    item.locator("button[data-testid^=claim-]").click()
    expect(shopper.locator(".feed-item--campaign .feed-item__coupon")).to_contain_text("쿠폰함에 넣어 드렸어요")

    cart_add(cart=cart_get_or_create(user=buyer), product_id=product.pk, quantity=1)
    shopper.goto(base + "/checkout/")
    issued = buyer.coupons.get()
    assert issued.source_ref == campaign.source
    shopper.locator(f"[data-testid=coupon-option-{issued.pk}]").check()
    shopper.locator("[data-testid=apply-discounts]").click()
    expect(shopper.locator("[data-testid=summary-total]")).to_have_text("29,900원")
    shopper.fill("input[name=recipient_name]", "김민지")
    shopper.fill("input[name=phone]", "010-1234-5678")
    shopper.fill("input[name=postal_code]", "04524")
    shopper.fill("input[name=address1]", "서울특별시 중구 세종대로 110")
    shopper.locator("[data-testid=pay-button], .sticky-order--checkout button").locator("visible=true").first.click()
    expect(shopper.locator("[data-testid=order-done-title]")).to_have_text("주문이 완료되었어요.")
    order = Order.objects.get(user=buyer)
    assert order.total == 29900
    issued.refresh_from_db()
    assert issued.order_id == order.pk
    context.close()

    lead_page.reload()
    expect(lead_page.locator("[data-testid=stat-ordered]")).to_have_text("1")
    expect(lead_page.locator("[data-testid=stat-coupon-used]")).to_have_text("1")
    expect(lead_page.locator("[data-testid=stat-revenue]")).to_have_text("29,900원")
    expect(lead_page.locator("[data-testid=stat-opened]")).to_have_text("1")
    lead_page.screenshot(path=str(artifacts_dir / "04-campaign-results-1280.png"), full_page=True)
    lead_page.goto(base + "/crm/t/living/campaigns/")
    expect(lead_page.locator("[data-testid=campaign-row]")).to_have_count(1)
    lead_page.screenshot(path=str(artifacts_dir / "05-campaign-list-1280.png"), full_page=True)

    for name, path in (
        ("06-campaign-list-390", "/crm/t/living/campaigns/"),
        ("07-campaign-results-390", f"/crm/t/living/campaigns/{campaign.pk}/"),
        ("08-campaign-form-390", "/crm/t/living/campaigns/new/"),
    ):
        lead_page.set_viewport_size({"width": 390, "height": 844})
        lead_page.goto(base + path)
        lead_page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
