"""Share cards on product and shop pages, 우편번호 찾기 on the checkout address form, delivery tracking."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from config.errors import DomainError
from shop.models import Carrier, Order, OrderStatus
from shop.services.orders import order_transition
from shop.services.shipping import order_ship
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import CartLineFactory, order_via_checkout
from tests.shop.factories import ProductFactory, ProductImageFactory, StoreFactory

pytestmark = pytest.mark.django_db

POSTCODE_SCRIPT = "postcode.v2.js"


def meta(body: str, key: str) -> str | None:
    """The content of <meta property|name="key" content="...">."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', body)
    return unescape(match.group(1)) if match else None


# --- share cards -----------------------------------------------------------------------------------------------------


def test_product_page_has_og_title_image_and_description(client):
    product = ProductFactory(name="햇살 세탁세제 3L", price=12900, description="향이 은은한 세제예요.")
    image = ProductImageFactory(product=product)

    body = client.get(product.get_absolute_url()).content.decode()

    assert meta(body, "og:title") == "햇살 세탁세제 3L"
    assert meta(body, "og:image") == f"http://testserver{image.image.url}"
    description = meta(body, "og:description")
    assert "12,900원" in description
    assert "향이 은은한 세제예요." in description
    assert meta(body, "og:url") == f"http://testserver{product.get_absolute_url()}"
    assert meta(body, "og:type") == "product"
    assert meta(body, "product:price:amount") == "12900"
    assert meta(body, "product:price:currency") == "KRW"
    assert meta(body, "twitter:card") == "summary_large_image"
    assert meta(body, "twitter:image") == meta(body, "og:image")


def test_product_without_picture_shares_its_category_picture(client):
    product = ProductFactory()

    body = client.get(product.get_absolute_url()).content.decode()

    assert meta(body, "og:image") == f"http://testserver{product.category.share_picture_url}"


def test_product_share_card_escapes_the_product_name(client):
    product = ProductFactory(name='"따옴표" <세제>')

    body = client.get(product.get_absolute_url()).content.decode()

    assert '<meta property="og:title" content="&quot;따옴표&quot; &lt;세제&gt;">' in body


def test_product_page_has_a_share_button_hidden_until_its_script_runs(client):
    product = ProductFactory()

    body = client.get(product.get_absolute_url()).content.decode()

    assert 'data-testid="share-button"' in body
    assert re.search(r'<div class="share" data-share [^>]*hidden>', body)
    assert "js/share.js" in body
    assert POSTCODE_SCRIPT not in body


def test_store_page_has_a_share_card_also_when_served_from_the_cache(client):
    store = StoreFactory(name="골목 세탁소", tagline="빨래가 즐거워지는 가게")
    ProductFactory(store=store)

    first = client.get(store.get_absolute_url()).content.decode()
    cached = client.get(store.get_absolute_url()).content.decode()

    for body in (first, cached):
        assert meta(body, "og:title") == "골목 세탁소"
        assert meta(body, "og:description") == "빨래가 즐거워지는 가게"
        assert meta(body, "og:image").endswith("/img/share-card.png")
        assert meta(body, "og:url") == f"http://testserver{store.get_absolute_url()}"
        assert 'data-testid="share-button"' in body


def test_pages_without_a_card_have_no_og_tags(client):
    body = client.get(reverse("shop:home")).content.decode()
    assert meta(body, "og:title") is None


# --- 우편번호 찾기 -------------------------------------------------------------------------------------------------------


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_checkout_address_form_has_postcode_button_and_manual_entry_hint(client, shopper):
    CartLineFactory(cart__user=shopper, product=ProductFactory(stock=5))

    body = client.get(reverse("shop:checkout")).content.decode()

    assert 'data-testid="postcode-button"' in body
    assert "우편번호(5자리)와 도로명 주소를 직접 입력해 주세요." in body  # what the page says until the widget loads
    assert 'data-postcode-src="https://t1.kakaocdn.net/' in body
    assert "js/postcode.js" in body


def test_postcode_script_is_not_loaded_on_other_pages(client, shopper):
    for url in (reverse("shop:home"), reverse("shop:cart"), reverse("accounts:profile")):
        body = client.get(url).content.decode()
        assert "postcode" not in body


def test_address_typed_by_hand_places_the_order_when_the_widget_is_blocked(client, shopper):
    """The widget is an enhancement: the form posts the same fields whether or not the script ran."""
    CartLineFactory(cart__user=shopper, product=ProductFactory(price=12000, list_price=None, stock=5))
    body = client.get(reverse("shop:checkout")).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]*)"', body).group(1)
    seen = re.search(r'name="seen" value="([^"]*)"', body).group(1)

    response = client.post(
        reverse("shop:checkout"),
        {
            "address_choice": "new",
            "recipient_name": "박지민",
            "phone": "010-2222-3333",
            "postal_code": "06236",
            "address1": "서울특별시 강남구 테헤란로 152",
            "address2": "12층",
            "payment_method": "card",
            "demo_outcome": "approve",
            "idempotency_key": key,
            "seen": seen,
        },
    )

    assert response.status_code == 302
    order = Order.objects.get(user=shopper)
    assert (order.postal_code, order.address1) == ("06236", "서울특별시 강남구 테헤란로 152")


def test_postcode_script_setting_empty_turns_the_widget_off(client, shopper, settings):
    settings.POSTCODE_SCRIPT_URL = ""
    CartLineFactory(cart__user=shopper, product=ProductFactory(stock=5))

    body = client.get(reverse("shop:checkout")).content.decode()

    assert 'data-postcode-src=""' in body
    assert "직접 입력해 주세요" in body


# --- delivery tracking ----------------------------------------------------------------------------------------------


def test_order_ship_moves_a_paid_order_to_shipped_with_carrier_and_number():
    order = order_via_checkout()

    shipped = order_ship(order=order, carrier=Carrier.CJ, tracking_number="6123 4567-8901")

    assert shipped.status == OrderStatus.SHIPPED
    assert (shipped.carrier, shipped.tracking_number) == ("cj", "612345678901")
    assert shipped.shipped_at is not None
    steps = list(order.events.values_list("current", flat=True))
    assert steps[-2:] == ["preparing", "shipped"]
    assert order.events.last().note_text == "CJ대한통운 운송장 612345678901"


def test_order_ship_on_a_shipped_order_corrects_the_number_without_a_new_step():
    order = order_via_checkout()
    order_ship(order=order, carrier=Carrier.CJ, tracking_number="612345678901")
    steps = order.events.count()

    fixed = order_ship(order=order, carrier=Carrier.HANJIN, tracking_number="412345678901")

    assert (fixed.carrier, fixed.tracking_number, fixed.status) == ("hanjin", "412345678901", "shipped")
    assert order.events.count() == steps


@pytest.mark.parametrize(
    ("carrier", "number", "code"),
    [
        ("fedex", "612345678901", "carrier_unknown"),
        ("cj", "12-34", "tracking_number_invalid"),
        ("cj", "", "tracking_number_invalid"),
    ],
)
def test_order_ship_rejects_unknown_carriers_and_bad_numbers(carrier, number, code):
    order = order_via_checkout()
    with pytest.raises(DomainError) as caught:
        order_ship(order=order, carrier=carrier, tracking_number=number)
    assert caught.value.code == code


def test_order_ship_refuses_a_delivered_or_cancelled_order():
    order = order_via_checkout()
    order_ship(order=order, carrier=Carrier.CJ, tracking_number="612345678901")
    order_transition(order=order, target=OrderStatus.DELIVERED)
    with pytest.raises(DomainError) as caught:
        order_ship(order=order, carrier=Carrier.CJ, tracking_number="612345678902")
    assert caught.value.code == "not_shippable"


@pytest.mark.parametrize(
    ("carrier", "expected"),
    [
        (Carrier.CJ, "https://trace.cjlogistics.com/next/tracking.html?wblNo=612345678901"),
        (Carrier.EPOST, "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1=612345678901"),
        (Carrier.LOGEN, "https://www.ilogen.com/web/personal/trace/612345678901"),
    ],
)
def test_tracking_url_follows_the_carrier_template(carrier, expected):
    assert Order(carrier=carrier, tracking_number="612345678901").tracking_url == expected
    assert Order(carrier=carrier, tracking_number="").tracking_url == ""


def test_order_page_links_to_the_carriers_tracking_page(client):
    order = order_via_checkout()
    client.force_login(order.user)
    before = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()
    order_ship(order=order, carrier=Carrier.LOTTE, tracking_number="245678901234")

    body = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()

    assert 'data-testid="delivery-tracking"' not in before
    assert "롯데택배" in body
    assert "245678901234" in body
    assert 'href="https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo=245678901234"' in body
    assert "롯데택배에서 배송 조회하기" in body


def test_staff_ship_an_order_from_the_admin_order_page(admin_client):
    order = order_via_checkout()
    url = reverse("admin:shop_order_change", args=[order.pk])
    page = admin_client.get(url).content.decode()
    assert "운송장 번호" in page
    form = {
        "recipient_name": order.recipient_name,
        "phone": order.phone,
        "postal_code": order.postal_code,
        "address1": order.address1,
        "address2": order.address2,
        "memo": order.memo,
        "carrier": "epost",
        "tracking_number": "6865-1234-5678-9",
    }
    for prefix in ("lines", "payment", "events", "notifications"):
        for suffix, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        ):
            form[f"{prefix}-{suffix}"] = value

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == ("shipped", "epost", "6865123456789")


def test_admin_order_page_rejects_a_tracking_number_without_carrier(admin_client):
    order = order_via_checkout()
    url = reverse("admin:shop_order_change", args=[order.pk])
    form = {
        "recipient_name": order.recipient_name,
        "phone": order.phone,
        "postal_code": order.postal_code,
        "address1": order.address1,
        "address2": order.address2,
        "memo": order.memo,
        "carrier": "",
        "tracking_number": "612345678901",
    }
    for prefix in ("lines", "payment", "events", "notifications"):
        for suffix, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        ):
            form[f"{prefix}-{suffix}"] = value

    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "택배사와 운송장 번호를 함께 적어 주세요." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_order_detail_api_gives_carrier_number_and_tracking_url():
    from rest_framework.test import APIClient

    order = order_via_checkout()
    api = APIClient()
    api.force_authenticate(order.user)
    order_ship(order=order, carrier=Carrier.EPOST, tracking_number="6865123456789")

    data = api.get(reverse("api-order-detail", args=[order.number])).data

    assert (data["carrier"], data["tracking_number"]) == ("epost", "6865123456789")
    assert data["tracking_url"] == "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1=6865123456789"
    assert data["shipped_at"]
