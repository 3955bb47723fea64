import pytest
from django.urls import reverse

from config.errors import DomainError
from shop.models import OrderStatus, PaymentMethod, PaymentStatus
from shop.services.orders import ALREADY_CANCELLED, NOT_CANCELLABLE, order_cancel, order_transition
from shop.services.payments import NOT_AWAITING_DEPOSIT, payment_deposit_confirm
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import delivered_orders, order_via_checkout
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_transition_table_allows_only_listed_edges():
    order = order_via_checkout()

    with pytest.raises(DomainError) as caught:
        order_transition(order=order, target=OrderStatus.DELIVERED)

    assert caught.value.code == "transition_not_allowed"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_full_happy_path_records_every_step_with_time():
    order = order_via_checkout()
    for target in (OrderStatus.PREPARING, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order_transition(order=order, target=target)

    events = list(order.events.order_by("created_at", "pk").values_list("current", flat=True))
    assert events == ["pending_payment", "paid", "preparing", "shipped", "delivered"]
    assert all(order.events.values_list("created_at", flat=True))


def test_cancel_paid_order_returns_stock_and_refunds():
    product = ProductFactory(stock=5)
    order = order_via_checkout(items=[(product, 2)])

    order_cancel(order=order)

    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert product.stock == 5
    assert order.payment.status == PaymentStatus.REFUNDED
    assert order.cancelled_at is not None


def test_cancel_twice_returns_stock_once():
    product = ProductFactory(stock=5)
    order = order_via_checkout(items=[(product, 2)])
    order_cancel(order=order)

    with pytest.raises(DomainError) as caught:
        order_cancel(order=order)

    assert caught.value.message == ALREADY_CANCELLED
    product.refresh_from_db()
    assert product.stock == 5


def test_shipped_order_cannot_be_cancelled_by_customer():
    order = order_via_checkout()
    order_transition(order=order, target=OrderStatus.PREPARING)
    order_transition(order=order, target=OrderStatus.SHIPPED)

    with pytest.raises(DomainError) as caught:
        order_cancel(order=order)

    assert caught.value.message == NOT_CANCELLABLE


def test_deposit_confirm_marks_bank_transfer_paid_once():
    order = order_via_checkout(method=PaymentMethod.BANK_TRANSFER)

    payment_deposit_confirm(order=order)
    with pytest.raises(DomainError) as caught:
        payment_deposit_confirm(order=order)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payment.status == PaymentStatus.APPROVED
    assert caught.value.message == NOT_AWAITING_DEPOSIT


def test_cancel_of_unpaid_bank_transfer_cancels_payment_without_refund():
    product = ProductFactory(stock=2)
    order = order_via_checkout(items=[(product, 2)], method=PaymentMethod.BANK_TRANSFER)

    order_cancel(order=order)

    order.refresh_from_db()
    product.refresh_from_db()
    assert order.payment.status == PaymentStatus.CANCELLED
    assert product.stock == 2


# --- pages ----------------------------------------------------------------------------------------------------


def test_order_list_shows_only_my_orders(client):
    me, other = UserFactory(), UserFactory()
    mine = order_via_checkout(user=me)
    theirs = order_via_checkout(user=other)
    client.force_login(me)

    body = client.get(reverse("shop:order_list")).content.decode()

    assert mine.number in body
    assert theirs.number not in body


def test_order_detail_of_someone_else_is_404(client):
    theirs = order_via_checkout()
    client.force_login(UserFactory())

    assert client.get(reverse("shop:order_detail", args=[theirs.number])).status_code == 404
    assert client.get(reverse("shop:order_complete", args=[theirs.number])).status_code == 404
    assert client.post(reverse("shop:order_cancel", args=[theirs.number])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.PAID


def test_order_detail_shows_timeline_and_cancel_button(client):
    order = order_via_checkout()
    client.force_login(order.user)

    body = client.get(reverse("shop:order_detail", args=[order.number])).content.decode()

    assert "결제 완료" in body
    assert "주문 취소하기" in body


def test_customer_cancels_from_detail_page(client):
    product = ProductFactory(stock=3)
    order = order_via_checkout(items=[(product, 1)])
    client.force_login(order.user)

    response = client.post(reverse("shop:order_cancel", args=[order.number]), follow=True)

    assert "주문을 취소했어요." in response.content.decode()
    product.refresh_from_db()
    assert product.stock == 3


def test_order_list_query_count_is_constant(client, assert_constant_queries):
    """Guards the history page: orders, payments, lines (with product, category, first image) in fixed queries."""
    user = UserFactory()
    client.force_login(user)
    products = [ProductFactory(stock=1000) for _ in range(3)]
    delivered_orders(user=user, count=3, products=products)

    assert_constant_queries(
        lambda: client.get(reverse("shop:order_list")),
        lambda: delivered_orders(user=user, count=27, products=products),
    )


def test_order_detail_query_count_does_not_grow_with_lines(client, assert_constant_queries):
    user = UserFactory()
    client.force_login(user)
    few = order_via_checkout(user=user, items=[(ProductFactory(), 1) for _ in range(3)])
    many = order_via_checkout(user=user, items=[(ProductFactory(), 1) for _ in range(30)])
    state = {"number": few.number}

    def grow():
        state["number"] = many.number

    assert_constant_queries(lambda: client.get(reverse("shop:order_detail", args=[state["number"]])), grow)


def test_orders_pages_require_login(client):
    assert client.get(reverse("shop:order_list")).status_code == 302


def test_admin_actions_follow_transition_table(admin_client):
    order = order_via_checkout()
    bank = order_via_checkout(method=PaymentMethod.BANK_TRANSFER)
    url = reverse("admin:shop_order_changelist")

    admin_client.post(url, {"action": "mark_shipped", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    admin_client.post(url, {"action": "mark_preparing", "_selected_action": [order.pk]})
    admin_client.post(url, {"action": "confirm_deposit", "_selected_action": [bank.pk]})
    order.refresh_from_db()
    bank.refresh_from_db()
    assert order.status == OrderStatus.PREPARING
    assert bank.status == OrderStatus.PAID
    assert order.events.last().actor.is_superuser


def test_admin_changelist_search_and_filters_render(admin_client):
    order = order_via_checkout()
    url = reverse("admin:shop_order_changelist")

    assert order.number in admin_client.get(url, {"q": order.number}).content.decode()
    assert admin_client.get(url, {"status": "paid"}).status_code == 200
    assert admin_client.get(reverse("admin:shop_order_change", args=[order.pk])).status_code == 200
