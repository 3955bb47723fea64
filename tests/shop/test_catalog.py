"""Catalog pages, selectors and hooks: what shoppers see when they browse, sort, filter and search."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from shop import hooks
from shop.selectors.catalog import ProductFilters, category_get, category_products, product_search
from tests.crm.factories import TeamMemberFactory
from tests.shop.factories import (
    CategoryFactory,
    PreferenceCategoryFactory,
    ProductFactory,
    ProductImageFactory,
    StoreFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    parent = CategoryFactory(name="식품·음료", slug="food")
    water = CategoryFactory(name="생수", slug="water", parent=parent, replenishment_days=14)
    coffee = PreferenceCategoryFactory(name="커피", slug="coffee", parent=parent)
    return parent, water, coffee


def _names(qs) -> list[str]:
    return [p.name for p in qs]


def test_category_products_of_a_parent_include_its_children(tree):
    _parent, water, coffee = tree
    ProductFactory(category=water, name="제주 생수")
    ProductFactory(category=coffee, name="예가체프 원두")
    ProductFactory(name="다른 카테고리 세제")
    products = category_products(category=category_get(slug="food"), filters=ProductFilters())
    assert sorted(_names(products)) == ["예가체프 원두", "제주 생수"]


def test_category_kind_filter_keeps_only_essentials(tree):
    _parent, water, coffee = tree
    ProductFactory(category=water, name="제주 생수")
    ProductFactory(category=coffee, name="예가체프 원두")
    filters = ProductFilters.from_query({"kind": "essential"})
    assert _names(category_products(category=category_get(slug="food"), filters=filters)) == ["제주 생수"]


def test_category_price_range_and_in_stock_filters(tree):
    _, water, _ = tree
    ProductFactory(category=water, name="싼 생수", price=3900, list_price=None)
    ProductFactory(category=water, name="적당한 생수", price=9900, list_price=None)
    ProductFactory(category=water, name="품절 생수", price=9900, list_price=None, stock=0)
    ProductFactory(category=water, name="비싼 생수", price=29900, list_price=None)
    filters = ProductFilters.from_query({"price_min": "5,000", "price_max": "20000", "in_stock": "1"})
    assert _names(category_products(category=category_get(slug="water"), filters=filters)) == ["적당한 생수"]


def test_category_store_filter_and_bad_input_is_ignored(tree):
    _, water, _ = tree
    mine = StoreFactory(slug="mine")
    ProductFactory(category=water, store=mine, name="우리 가게 생수")
    ProductFactory(category=water, name="옆 가게 생수")
    filters = ProductFilters.from_query({"store": "mine", "price_min": "abc", "sort": "drop table", "kind": "x"})
    assert filters.sort == "popular"
    assert filters.price_min is None
    assert filters.kind == ""
    assert _names(category_products(category=category_get(slug="water"), filters=filters)) == ["우리 가게 생수"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("popular", ["많이 팔린", "새로 온", "싼"]),
        ("price_asc", ["싼", "새로 온", "많이 팔린"]),
        ("price_desc", ["많이 팔린", "새로 온", "싼"]),
    ],
)
def test_category_sorting(tree, sort, expected):
    _, water, _ = tree
    ProductFactory(category=water, name="싼", price=1900, list_price=None, sold_count=1)
    ProductFactory(category=water, name="많이 팔린", price=9900, list_price=None, sold_count=500)
    ProductFactory(category=water, name="새로 온", price=5900, list_price=None, sold_count=10)
    products = category_products(category=category_get(slug="water"), filters=ProductFilters(sort=sort))
    assert _names(products) == expected


def test_category_sort_new_puts_latest_first(tree):
    _, water, _ = tree
    ProductFactory(category=water, name="먼저 온")
    ProductFactory(category=water, name="나중에 온")
    products = category_products(category=category_get(slug="water"), filters=ProductFilters(sort="new"))
    assert _names(products) == ["나중에 온", "먼저 온"]


def test_inactive_products_and_closed_shops_are_hidden(tree):
    _, water, _ = tree
    ProductFactory(category=water, name="보이는 생수")
    ProductFactory(category=water, name="내린 생수", is_active=False)
    ProductFactory(category=water, name="문 닫은 가게 생수", store=StoreFactory(is_active=False))
    products = category_products(category=category_get(slug="water"), filters=ProductFilters())
    assert _names(products) == ["보이는 생수"]


def test_search_finds_korean_partial_word():
    ProductFactory(name="라벤더 고농축 세탁세제 2.5L")
    ProductFactory(name="제주 생수 2L", description="무라벨 생수예요")
    assert _names(product_search(query="세탁", filters=ProductFilters(sort="relevance"))) == [
        "라벤더 고농축 세탁세제 2.5L"
    ]
    assert _names(product_search(query="무라벨", filters=ProductFilters(sort="relevance"))) == ["제주 생수 2L"]
    assert _names(product_search(query="   ", filters=ProductFilters())) == []


@pytest.mark.postgres
def test_search_on_postgres_tolerates_a_typo_and_ranks_the_closest_name_first():
    assert settings.USING_POSTGRES
    ProductFactory(name="에티오피아 예가체프 원두", sold_count=1)
    ProductFactory(name="예가체프 드립백 세트 커피 원두 모음", sold_count=900)
    ProductFactory(name="세탁세제", sold_count=5)
    results = _names(product_search(query="예가체프 원두", filters=ProductFilters(sort="relevance")))
    assert results[0] == "에티오피아 예가체프 원두"
    assert "세탁세제" not in results
    # One wrong syllable still finds it through trigram word similarity.
    assert "에티오피아 예가체프 원두" in _names(product_search(query="에티오피아 예가채프", filters=ProductFilters()))


def test_home_shows_shops_popular_and_new_products(client):
    store = StoreFactory(name="햇살 식료품점")
    TeamMemberFactory(team=store.team)
    ProductFactory(store=store, name="잘 팔리는 쌀", sold_count=99)
    response = client.get(reverse("shop:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "햇살 식료품점" in html
    assert "잘 팔리는 쌀" in html


def test_category_page_shows_price_with_discount_and_replenishment(client, tree):
    _, water, _ = tree
    ProductFactory(category=water, name="제주 생수", price=10900, list_price=12900)
    html = client.get(reverse("shop:category", kwargs={"slug": "water"})).content.decode()
    assert "10,900원" in html
    assert "12,900원" in html
    assert "15%" in html
    assert "보통 14일마다 다시 필요해요" in html


def test_category_page_for_htmx_returns_only_the_grid_and_varies_on_hx_request(client, tree):
    _, water, _ = tree
    ProductFactory(category=water, name="제주 생수")
    url = reverse("shop:category", kwargs={"slug": "water"})
    full = client.get(url)
    partial = client.get(url, {"sort": "price_asc"}, headers={"HX-Request": "true"})
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert "제주 생수" in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    assert "HX-Request" in full["Vary"]


def test_unknown_category_and_inactive_product_are_not_found(client):
    product = ProductFactory(is_active=False)
    assert client.get(reverse("shop:category", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("shop:product", kwargs={"pk": product.pk})).status_code == 404


def test_pagination_shows_24_per_page(client, tree):
    _, water, _ = tree
    ProductFactory.create_batch(25, category=water)
    url = reverse("shop:category", kwargs={"slug": "water"})
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(first.context["page_obj"].object_list) == 24
    assert len(second.context["page_obj"].object_list) == 1
    assert "page=2" in first.content.decode()


def test_product_page_shows_shop_and_md_lead_and_add_to_cart(client):
    store = StoreFactory(name="골목 생활용품점")
    TeamMemberFactory(team=store.team, role="md_lead", user__last_name="김", user__first_name="하늘")
    TeamMemberFactory(team=store.team, role="cs")
    product = ProductFactory(store=store, name="라벤더 세탁세제")
    ProductImageFactory(product=product, sort_order=1)
    ProductImageFactory(product=product, sort_order=0)
    html = client.get(reverse("shop:product", kwargs={"pk": product.pk})).content.decode()
    assert "골목 생활용품점" in html
    assert "MD 김하늘" in html
    assert 'name="buy_now"' in html
    assert f'value="{product.pk}"' in html
    for tab in ("상세정보", "리뷰", "문의", "배송/교환"):
        assert tab in html


def test_product_page_images_come_in_their_order(client):
    product = ProductFactory()
    second = ProductImageFactory(product=product, sort_order=2)
    first = ProductImageFactory(product=product, sort_order=1)
    html = client.get(reverse("shop:product", kwargs={"pk": product.pk})).content.decode()
    assert html.index(first.image.url) < html.index(second.image.url)


def test_product_without_image_shows_its_category_drawing_and_shares_its_png(client):
    product = ProductFactory()
    html = client.get(reverse("shop:home")).content.decode()
    assert product.category.placeholder_url in html
    response = client.get(product.category.share_picture_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content[:4] == b"\x89PNG"


def test_product_panels_render_in_order_and_a_failing_one_is_skipped(client):
    def social_proof(request, product):
        return mark_safe('<p class="panel-a">오늘 12명이 샀어요</p>')

    def broken(request, product):
        raise RuntimeError("cache down")

    def review_summary(request, product):
        return mark_safe('<p class="panel-b">별점 4.8</p>')

    for fn in (social_proof, broken, review_summary):
        hooks.register_product_panel(fn)
    try:
        product = ProductFactory()
        response = client.get(reverse("shop:product", kwargs={"pk": product.pk}))
    finally:
        for fn in (social_proof, broken, review_summary):
            hooks.unregister_product_panel(fn)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("panel-a") < html.index("panel-b")


def test_store_page_shows_team_faces_roles_and_signed_greeting(client):
    store = StoreFactory(name="다정한 소품가게", greeting="오래 곁에 둘 물건을 골라요.")
    lead = TeamMemberFactory(team=store.team, role="md_lead", user__last_name="서", user__first_name="다은")
    TeamMemberFactory(team=store.team, role="analyst", user__last_name="임", user__first_name="수아")
    ProductFactory(store=store, name="라탄 바구니")
    html = client.get(reverse("shop:store", kwargs={"slug": store.slug})).content.decode()
    assert "MD 리더" in html
    assert "데이터 분석가" in html
    assert "MD 리더 서다은 드림" in html
    assert "오래 곁에 둘 물건을 골라요." in html
    assert reverse("crm:member_avatar", kwargs={"pk": lead.pk}) in html
    assert "라탄 바구니" in html


def test_search_page_shows_results_and_a_kind_empty_state(client):
    ProductFactory(name="라벤더 세탁세제")
    found = client.get(reverse("shop:search"), {"q": "세탁"}).content.decode()
    missing = client.get(reverse("shop:search"), {"q": "우주선"}).content.decode()
    assert "라벤더 세탁세제" in found
    assert "찾지 못했어요" in missing


def test_categories_index_lists_the_tree(client, tree):
    html = client.get(reverse("shop:categories")).content.decode()
    assert "식품·음료" in html
    assert "생수" in html
    assert "커피" in html


def test_catalog_pages_refuse_posts(client, tree):
    assert client.post(reverse("shop:category", kwargs={"slug": "water"})).status_code == 405


def test_cached_category_grid_is_reused_and_refreshed_when_the_catalog_changes(client, tree, count_queries):
    _, water, _ = tree
    product = ProductFactory(category=water, name="제주 생수", price=9900, list_price=None)
    url = reverse("shop:category", kwargs={"slug": "water"})
    first = count_queries(lambda: client.get(url))
    cached = count_queries(lambda: client.get(url))
    assert cached <= first - 2  # no count and no product query on a hit
    product.price = 8900
    product.save(update_fields=["price"])
    html = client.get(url).content.decode()
    assert "8,900원" in html
    assert "9,900원" not in html


def test_htmx_grid_links_keep_the_filters_but_not_junk_params(client, tree):
    _, water, _ = tree
    ProductFactory.create_batch(25, category=water)
    response = client.get(
        reverse("shop:category", kwargs={"slug": "water"}),
        {"sort": "price_desc", "utm_source": "<x>", "in_stock": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "sort=price_desc&amp;in_stock=1&amp;page=2" in html
    assert "utm_source" not in html


def test_search_with_two_words_needs_both_and_ranks_name_matches_first():
    ProductFactory(name="라벤더 고농축 세탁세제", sold_count=1)
    ProductFactory(name="무향 세탁세제", description="라벤더 향이 싫은 분께", sold_count=50)
    ProductFactory(name="라벤더 캔들", sold_count=99)
    results = _names(product_search(query="세탁 라벤더", filters=ProductFilters(sort="relevance")))
    assert results == ["라벤더 고농축 세탁세제", "무향 세탁세제"]


def test_product_page_computes_the_shell_context_once_even_with_panels_rendering_templates(client):
    from django.template.loader import render_to_string

    from config import page_context

    calls = []

    def counting_provider(request):
        calls.append(request.path)
        return {}

    def templated_panel(request, product):
        return render_to_string("shop/partials/_add_to_cart.html", {"product": product}, request)

    page_context.register(counting_provider)
    hooks.register_product_panel(templated_panel)
    try:
        product = ProductFactory()
        assert client.get(reverse("shop:product", kwargs={"pk": product.pk})).status_code == 200
    finally:
        hooks.unregister_product_panel(templated_panel)
        page_context._providers.remove(counting_provider)
    assert len(calls) == 1
