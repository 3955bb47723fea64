"""A shopper browses: home -> category -> sort by price -> product page, on a desktop and on a 390 px phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.crm.factories import TeamMemberFactory
from tests.shop.factories import CategoryFactory, PreferenceCategoryFactory, ProductFactory, StoreFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _catalog():
    parent = CategoryFactory(name="세탁·청소", slug="laundry-cleaning")
    detergent = CategoryFactory(name="세탁세제", slug="detergent", parent=parent, replenishment_days=30)
    PreferenceCategoryFactory(name="향초·디퓨저", slug="candles", parent=parent)
    store = StoreFactory(name="골목 생활용품점", slug="golmok-living")
    TeamMemberFactory(team=store.team, role="md_lead", user__last_name="김", user__first_name="하늘")
    TeamMemberFactory(team=store.team, role="cs", user__last_name="박", user__first_name="서연")
    prices = [(12900, 15900), (8900, None), (21900, 25900), (4900, 6900), (15900, 18900), (9900, 11900)]
    for i, (price, list_price) in enumerate(prices):
        ProductFactory(
            category=detergent,
            store=store,
            name=f"라벤더 고농축 액체 세탁세제 {i + 1}호 2.5L",
            price=price,
            list_price=list_price,
            sold_count=100 - i,
        )
    return store


def _browse(page, live_server, artifacts_dir, prefix):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="요즘 많이 사는 상품")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"{prefix}-1-home.png"), full_page=True)

    page.get_by_role("link", name="세탁·청소").first.click()
    expect(page.get_by_role("heading", name="세탁·청소", level=1)).to_be_visible()
    page.get_by_text("낮은 가격순").click()  # htmx swaps the grid and pushes the URL
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    first_price = page.locator("#product-grid .product-card .price__sale").first
    expect(first_price).to_have_text("4,900원")
    rate = page.locator("#product-grid .product-card .price__rate").first
    expect(rate).to_have_text("28%")
    assert rate.evaluate("el => getComputedStyle(el).color") == "rgb(255, 107, 53)"
    struck = page.locator("#product-grid .product-card .price__list").first
    assert struck.evaluate("el => getComputedStyle(el).textDecorationLine") == "line-through"
    page.screenshot(path=str(artifacts_dir / f"{prefix}-2-category-price-asc.png"), full_page=True)

    page.locator("#product-grid .product-card a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("라벤더 고농축 액체 세탁세제 4호 2.5L")
    expect(page.get_by_text("MD 김하늘")).to_be_visible()
    expect(page.get_by_role("button", name="바로구매")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"{prefix}-3-product.png"), full_page=False)

    page.get_by_role("link", name="골목 생활용품점").first.click()
    expect(page.get_by_text("MD 리더", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"{prefix}-4-store.png"), full_page=True)
    broken = page.evaluate("[...document.images].filter(i => i.complete && i.naturalWidth === 0).length")
    assert broken == 0


def test_browse_home_category_sort_product_on_desktop(browser_page, live_server, artifacts_dir):
    _catalog()
    _browse(browser_page, live_server, artifacts_dir, "desktop")
    browser_page.goto(live_server.url + "/c/detergent/")
    columns = browser_page.locator(".product-grid").evaluate(
        "el => getComputedStyle(el).gridTemplateColumns.split(' ').length"
    )
    assert columns >= 4


def test_browse_on_a_390px_phone_shows_two_columns(phone_page, live_server, artifacts_dir):
    _catalog()
    _browse(phone_page, live_server, artifacts_dir, "phone")
    phone_page.goto(live_server.url + "/c/detergent/")
    columns = phone_page.locator(".product-grid").evaluate(
        "el => getComputedStyle(el).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone_page.screenshot(path=str(artifacts_dir / "phone-5-category-grid.png"), full_page=False)
