import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shop.models import CartLine, Order, OrderStatus, Product
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import AddressFactory, CartLineFactory, delivered_orders, order_via_checkout
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient_name": "최유나",
    "phone": "010-9876-5432",
    "postal_code": "13494",
    "address1": "경기도 성남시 분당구 판교역로 166",
    "address2": "B동 501호",
}


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _checkout(api, **overrides):
    body = {"idempotency_key": str(uuid.uuid4()), "address": ADDRESS, "payment_method": "card", **overrides}
    return api.post(reverse("api-checkout"), body, format="json")


def test_cart_api_requires_login():
    assert APIClient().get(reverse("api-cart")).status_code in (401, 403)


def test_cart_api_add_patch_delete(api, user):
    product = ProductFactory(price=8000, list_price=None, stock=4)

    added = api.post(reverse("api-cart"), {"product_id": product.pk, "quantity": 2}, format="json")
    assert added.status_code == 201
    line_id = added.data["lines"][0]["id"]
    assert added.data["subtotal"] == 16000
    assert added.data["shipping_fee"] == 3000

    patched = api.patch(reverse("api-cart-line", args=[line_id]), {"quantity": 3}, format="json")
    assert patched.data["lines"][0]["quantity"] == 3

    too_many = api.patch(reverse("api-cart-line", args=[line_id]), {"quantity": 5}, format="json")
    assert too_many.status_code == 409
    assert too_many.data["detail"] == "재고가 4개 남아서 4개까지 담을 수 있어요."

    deleted = api.delete(reverse("api-cart-line", args=[line_id]))
    assert deleted.status_code == 200
    assert deleted.data["lines"] == []


@pytest.mark.parametrize(
    "body",
    [{"product_id": "x"}, {"quantity": 1}, {"product_id": 1, "quantity": 0}, {"product_id": 1, "quantity": 1000}],
)
def test_cart_api_bad_input_is_400_with_detail(api, body):
    response = api.post(reverse("api-cart"), body, format="json")
    assert response.status_code == 400
    assert "detail" in response.data


def test_cart_api_unknown_product_is_404_with_detail(api):
    response = api.post(reverse("api-cart"), {"product_id": 987654}, format="json")
    assert response.status_code == 404
    assert response.data["detail"]


def test_cart_api_cannot_touch_another_users_line(api):
    theirs = CartLineFactory(quantity=1)

    response = api.patch(reverse("api-cart-line", args=[theirs.pk]), {"quantity": 3}, format="json")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_checkout_api_creates_paid_order_and_replay_returns_it(api, user):
    CartLineFactory(cart__user=user, product=ProductFactory(stock=3))
    key = str(uuid.uuid4())

    first = _checkout(api, idempotency_key=key)
    again = _checkout(api, idempotency_key=key)

    assert first.status_code == 201
    assert first.data["status"] == OrderStatus.PAID
    assert again.status_code == 200
    assert again.data["number"] == first.data["number"]
    assert Order.objects.count() == 1


def test_checkout_api_refuses_changed_price_with_409_and_changes(api, user):
    product = ProductFactory(price=5000, list_price=None, name="보리차 티백")
    CartLineFactory(cart__user=user, product=product)
    Product.objects.filter(pk=product.pk).update(price=6000)

    response = _checkout(api)

    assert response.status_code == 409
    assert response.data["code"] == "cart_changed"
    assert response.data["changes"] == ["보리차 티백: 가격이 5,000원에서 6,000원(으)로 바뀌었어요."]
    assert not Order.objects.exists()


def test_checkout_api_with_expected_lines_at_new_price_goes_through(api, user):
    product = ProductFactory(price=5000, list_price=None)
    CartLineFactory(cart__user=user, product=product)
    Product.objects.filter(pk=product.pk).update(price=6000)

    response = _checkout(api, expected_lines=[{"product_id": product.pk, "unit_price": 6000, "quantity": 1}])

    assert response.status_code == 201
    assert response.data["lines"][0]["unit_price"] == 6000


@pytest.mark.parametrize(
    "overrides",
    [
        {"idempotency_key": "nope"},
        {"payment_method": "cash"},
        {"address": {**ADDRESS, "phone": "123"}},
        {"address": None},
        {"address_id": 99999, "address": None},
    ],
)
def test_checkout_api_bad_input_is_400_never_500(api, user, overrides):
    CartLineFactory(cart__user=user)
    body = {"idempotency_key": str(uuid.uuid4()), "address": ADDRESS, "payment_method": "card", **overrides}
    body = {k: v for k, v in body.items() if v is not None}

    response = api.post(reverse("api-checkout"), body, format="json")

    assert response.status_code == 400
    assert response.data["detail"]
    assert CartLine.objects.filter(cart__user=user).exists()


def test_checkout_api_with_someone_elses_address_is_400(api, user):
    CartLineFactory(cart__user=user)
    other = AddressFactory()

    response = api.post(
        reverse("api-checkout"),
        {"idempotency_key": str(uuid.uuid4()), "address_id": other.pk, "payment_method": "card"},
        format="json",
    )

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_checkout_api_empty_cart_is_400(api):
    response = _checkout(api)
    assert response.status_code == 400
    assert response.data["code"] == "cart_empty"


def test_orders_api_lists_only_my_orders_and_hides_others(api, user):
    mine = order_via_checkout(user=user)
    theirs = order_via_checkout()

    listed = api.get(reverse("api-order-list"))
    assert [row["number"] for row in listed.data["results"]] == [mine.number]
    assert api.get(reverse("api-order-detail", args=[mine.number])).status_code == 200
    assert api.get(reverse("api-order-detail", args=[theirs.number])).status_code == 404
    assert api.post(reverse("api-order-cancel", args=[theirs.number])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.PAID


def test_orders_api_cancel_then_cancel_again_is_409(api, user):
    order = order_via_checkout(user=user)

    first = api.post(reverse("api-order-cancel", args=[order.number]))
    second = api.post(reverse("api-order-cancel", args=[order.number]))

    assert first.status_code == 200
    assert first.data["status"] == OrderStatus.CANCELLED
    assert second.status_code == 409
    assert second.data["detail"] == "이미 취소된 주문이에요."


def test_orders_api_list_query_count_is_constant(api, user, assert_constant_queries):
    """Guards /api/orders/: orders, payments and lines in a fixed number of queries (3 orders vs 30)."""
    products = [ProductFactory(stock=1000) for _ in range(3)]
    delivered_orders(user=user, count=3, products=products)

    assert_constant_queries(
        lambda: api.get(reverse("api-order-list")),
        lambda: delivered_orders(user=user, count=27, products=products),
    )


def test_cart_api_query_count_is_constant(api, user, assert_constant_queries):
    """Guards GET /api/cart/: 3 lines vs 30 lines."""
    first = CartLineFactory(cart__user=user)
    for _ in range(2):
        CartLineFactory(cart=first.cart)

    def grow():
        for _ in range(27):
            CartLineFactory(cart=first.cart)

    assert_constant_queries(lambda: api.get(reverse("api-cart")), grow)


def test_openapi_schema_lists_cart_checkout_and_orders():
    response = APIClient().get(reverse("api-schema"), {"format": "json"})
    paths = response.json()["paths"]
    for path in ("/api/cart/", "/api/cart/lines/{line_id}/", "/api/checkout/", "/api/orders/", "/api/orders/{number}/"):
        assert path in paths
