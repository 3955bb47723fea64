"""Household essentials in a real browser: the MD sees the household's essentials on the customer 360 page; the
shopper gets "세탁세제 떨어질 때 됐죠?" in the feed, follows it to the 다시 담기 page (nothing added yet) and adds the
detergent with one tap. Desktop (1280 px) and phone (390 px); screenshots go to test-results/<test name>/."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from crm.selectors.runs import current_run
from crm.services.reminders import essentials_remind_due
from crm.services.runs import segmentation_run_start
from shop.models import CartLine, Order
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.crm.factories import TeamFactory
from tests.shop.factories import CategoryFactory, PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, user, next_url):
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_essentials_on_the_360_page_and_the_reminder_to_one_tap_reorder(device, request, live_server, artifacts_dir):
    from django.utils import timezone

    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    now = timezone.now()
    detergent = CategoryFactory(name="세탁세제", replenishment_days=30, sort_order=1)
    tissue = CategoryFactory(name="화장지", replenishment_days=20, sort_order=2)
    CategoryFactory(name="생수", replenishment_days=14, sort_order=3)
    CategoryFactory(name="주방세제", replenishment_days=40, sort_order=4)
    household = HouseholdFactory(name="망원동 민지네", size=3, has_children=True)
    minji = UserFactory(username=f"minji_{device}", nickname="민지", household=household)
    junho = UserFactory(username=f"junho_{device}", nickname="준호", household=household)
    soap = ProductFactory(name="무향 저자극 아기 세탁세제 2.5L", category=detergent)
    paper = ProductFactory(name="3겹 천연펄프 화장지 30롤", category=tissue)
    for buyer, product, days_ago in ((minji, soap, 100), (junho, soap, 70), (minji, soap, 40), (junho, paper, 17)):
        order = PlacedOrderFactory(user=buyer, status=Order.Status.DELIVERED, placed_at=now - timedelta(days=days_ago))
        PlacedOrderLineFactory(order=order, product=product)
    segmentation_run_start(kind="full")  # eager Celery: runs when the (autocommit) creation commits
    run = current_run()
    assert run is not None
    essentials_remind_due(run=run, today=timezone.localdate())
    admin = UserFactory(username=f"admin_{device}", is_staff=True, is_superuser=True)
    team = TeamFactory(name="생활 MD 1팀")

    _login(page, live_server.url, admin, f"/crm/t/{team.slug}/customers/{minji.pk}/")
    section = page.locator("[data-testid=household-essentials]")
    expect(section).to_contain_text("망원동 민지네")
    expect(section.locator("[data-testid=essentials-bought] tbody tr").first).to_contain_text("떨어졌을 때예요")
    expect(section).to_contain_text("곧 떨어져요")
    expect(section.locator("[data-testid=essentials-elsewhere]")).to_contain_text("생수")
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(artifacts_dir / f"{device}-01-360-essentials.png"))
    page.screenshot(path=str(artifacts_dir / f"{device}-02-360-page.png"), full_page=True)
    page.context.clear_cookies()

    _login(page, live_server.url, junho, "/feed/")
    item = page.locator(".feed-item", has_text="세탁세제 떨어질 때 됐죠?")
    expect(item).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"{device}-03-feed-reminder.png"), full_page=False)
    item.get_by_role("link", name="보러 가기").click()
    expect(page.locator("h1")).to_contain_text("세탁세제 다시 담기")
    assert not CartLine.objects.filter(cart__user=junho).exists()
    page.screenshot(path=str(artifacts_dir / f"{device}-04-category-reorder.png"), full_page=True)
    page.get_by_test_id("category-reorder-submit").click()
    expect(page).to_have_url(f"{live_server.url}/cart/")
    expect(page.locator("body")).to_contain_text("무향 저자극 아기 세탁세제 2.5L")
    assert CartLine.objects.get(cart__user=junho).product == soap
    page.screenshot(path=str(artifacts_dir / f"{device}-05-cart.png"), full_page=False)
