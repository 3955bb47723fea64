import pytest
from django.urls import reverse

from shop.models import CartLine, Product
from shop.services.cart import STOCK_LIMIT
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import CartLineFactory
from tests.shop.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db


def _add(client, product, quantity=1, **extra):
    return client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": quantity, **extra})


def test_anonymous_visitor_adds_to_cart_and_sees_it(client):
    product = ProductFactory(name="햇살 세탁세제", stock=5)

    response = _add(client, product, 2)

    assert response.status_code == 302
    page = client.get(reverse("shop:cart"))
    assert page.status_code == 200
    assert "햇살 세탁세제" in page.content.decode()
    assert page.context["cart_count"] == 1
    assert "HX-Request" in page["Vary"]


def test_add_more_than_stock_says_how_many_are_left(client):
    product = ProductFactory(stock=3)

    _add(client, product, 5)

    page = client.get(reverse("shop:cart"))
    assert "재고가 3개 남아서 3개까지 담을 수 있어요." in page.content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", ["abc", "", "-2", "0", "100000000000000000000"])
def test_add_with_bad_quantity_is_a_message_not_a_500(client, quantity):
    product = ProductFactory()

    response = client.post(reverse("shop:cart_add"), {"product_id": product.pk, "quantity": quantity})

    assert response.status_code == 302
    assert not CartLine.objects.filter(quantity__lt=1).exists()


def test_add_unknown_product_is_a_message_not_a_500(client):
    response = client.post(reverse("shop:cart_add"), {"product_id": 999999, "quantity": 1})
    assert response.status_code == 302


def test_buy_now_redirects_to_checkout_with_only_that_product_selected(client):
    user = UserFactory()
    client.force_login(user)
    other, wanted = ProductFactory(), ProductFactory()
    _add(client, other)

    response = _add(client, wanted, buy_now="1")

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:checkout")
    selected = set(CartLine.objects.filter(cart__user=user, is_selected=True).values_list("product_id", flat=True))
    assert selected == {wanted.pk}


def test_htmx_add_returns_message_and_badge_partial(client):
    product = ProductFactory()

    response = client.post(
        reverse("shop:cart_add"), {"product_id": product.pk, "quantity": 1}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "장바구니에 담았어요." in body
    assert 'id="cart-count-badge"' in body
    assert 'hx-swap-oob="true"' in body


def test_htmx_buy_now_redirects_with_hx_header(client):
    client.force_login(UserFactory())
    product = ProductFactory()

    response = client.post(
        reverse("shop:cart_add"), {"product_id": product.pk, "buy_now": "1"}, headers={"HX-Request": "true"}
    )

    assert response["HX-Redirect"] == reverse("shop:checkout")


def test_htmx_stepper_returns_only_the_cart_body_with_new_total(client):
    user = UserFactory()
    client.force_login(user)
    line = CartLineFactory(cart__user=user, product=ProductFactory(price=10000, list_price=None, stock=5), quantity=1)

    response = client.post(
        reverse("shop:cart_line_update", args=[line.pk]), {"quantity": "3"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="cart-body"' in body
    assert "30,000원" in body
    line.refresh_from_db()
    assert line.quantity == 3
    assert "HX-Request" in response["Vary"]


def test_htmx_stepper_over_stock_shows_message_on_the_line_and_keeps_quantity(client):
    user = UserFactory()
    client.force_login(user)
    line = CartLineFactory(cart__user=user, product=ProductFactory(stock=2), quantity=2)

    response = client.post(
        reverse("shop:cart_line_update", args=[line.pk]), {"quantity": "3"}, headers={"HX-Request": "true"}
    )

    assert STOCK_LIMIT.format(stock=2) in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 2


def test_stepper_cannot_touch_another_shoppers_line(client):
    client.force_login(UserFactory())
    someone_elses = CartLineFactory(quantity=1)

    response = client.post(reverse("shop:cart_line_update", args=[someone_elses.pk]), {"quantity": "5"})

    assert response.status_code == 302
    someone_elses.refresh_from_db()
    assert someone_elses.quantity == 1


def test_remove_and_unselect_line(client):
    user = UserFactory()
    client.force_login(user)
    keep = CartLineFactory(cart__user=user)
    drop = CartLineFactory(cart=keep.cart)

    client.post(reverse("shop:cart_line_remove", args=[drop.pk]), headers={"HX-Request": "true"})
    client.post(reverse("shop:cart_line_select", args=[keep.pk]), {}, headers={"HX-Request": "true"})

    assert list(CartLine.objects.values_list("pk", "is_selected")) == [(keep.pk, False)]


def test_cart_page_shows_price_change_since_added(client):
    user = UserFactory()
    client.force_login(user)
    line = CartLineFactory(cart__user=user, product=ProductFactory(price=10000, list_price=None))
    Product.objects.filter(pk=line.product_id).update(price=12000)

    body = client.get(reverse("shop:cart")).content.decode()

    assert "담을 때보다 가격이 바뀌었어요 (10,000원 → 12,000원)" in body


def test_empty_cart_speaks_kindly(client):
    body = client.get(reverse("shop:cart")).content.decode()
    assert "장바구니가 비어 있어요." in body
    assert "오늘의 추천을 둘러볼까요?" in body


def test_cart_login_merges_anonymous_cart_capped_by_stock(client):
    user = UserFactory()
    product = ProductFactory(stock=4)
    CartLineFactory(cart__user=user, product=product, quantity=3)
    _add(client, product, 3)
    _add(client, ProductFactory())

    client.force_login(user)
    client.logout()
    client.login(username=user.username, password="test-pass-1234")

    lines = dict(CartLine.objects.filter(cart__user=user).values_list("product_id", "quantity"))
    assert lines[product.pk] == 4
    assert len(lines) == 2
    assert CartLine.objects.filter(cart__user__isnull=True).count() == 0


def test_cart_page_query_count_is_constant(client, assert_constant_queries):
    """Guards the cart page: lines, products, shops, categories and first images come from one query."""
    user = UserFactory()
    client.force_login(user)
    stores = [StoreFactory() for _ in range(3)]
    first = CartLineFactory(cart__user=user, product=ProductFactory(store=stores[0]))
    for i in range(2):
        CartLineFactory(cart=first.cart, product=ProductFactory(store=stores[i + 1]))

    def grow():
        for i in range(27):
            CartLineFactory(cart=first.cart, product=ProductFactory(store=stores[i % 3]))

    assert_constant_queries(lambda: client.get(reverse("shop:cart")), grow)


def test_cart_count_provider_is_one_query_for_users_and_none_for_new_visitors(client, count_queries):
    from django.test import RequestFactory

    from shop.cart_session import cart_count_context

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = UserFactory()
    assert count_queries(lambda: cart_count_context(request)) == 1

    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert count_queries(lambda: cart_count_context(request)) == 0


def test_buy_now_before_login_orders_only_that_product_after_the_carts_merge(client):
    user = UserFactory()
    already = CartLineFactory(cart__user=user)
    wanted = ProductFactory()

    _add(client, wanted, buy_now="1")
    client.login(username=user.username, password="test-pass-1234")

    selected = set(CartLine.objects.filter(cart__user=user, is_selected=True).values_list("product_id", flat=True))
    assert selected == {wanted.pk}
    assert CartLine.objects.filter(pk=already.pk, is_selected=False).exists()


def test_product_of_a_closed_shop_cannot_be_added(client):
    product = ProductFactory(store__is_active=False)

    _add(client, product)

    assert not CartLine.objects.exists()


def test_abandoned_guest_carts_are_deleted_but_member_carts_stay():
    from datetime import timedelta

    from django.utils import timezone

    from shop.models import Cart
    from shop.tasks import carts_delete_abandoned_task
    from tests.shop.checkout_factories import CartFactory

    old = timezone.now() - timedelta(days=31)
    guest_old = CartFactory(user=None, updated_at=old)
    CartLineFactory(cart=guest_old)
    guest_fresh = CartFactory(user=None)
    member_old = CartFactory(updated_at=old)

    assert carts_delete_abandoned_task() == 1
    assert carts_delete_abandoned_task() == 0
    assert set(Cart.objects.values_list("pk", flat=True)) == {guest_fresh.pk, member_old.pk}
