import uuid

import pytest

from config.errors import DomainError
from shop import signals
from shop.models import Order, OrderStatus, OrderStatusEvent, Payment, PaymentMethod, PaymentStatus, Product
from shop.payments.demo import DEMO_DECLINE
from shop.selectors.cart import FREE_SHIPPING_THRESHOLD, SHIPPING_FEE_PER_STORE, cart_info
from shop.services.cart import cart_add, cart_attribution_set, cart_get_or_create
from shop.services.checkout import (
    CART_EMPTY,
    CheckoutChanged,
    SeenLine,
    checkout_complete,
    checkout_place,
    seen_lines_decode,
    seen_lines_encode,
)
from tests.accounts.factories import UserFactory
from tests.shop.checkout_factories import SHIPPING, order_via_checkout
from tests.shop.factories import ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db


def _cart_with(user, *items):
    cart = cart_get_or_create(user=user)
    for product, quantity in items:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    return cart


def _seen(cart):
    return seen_lines_decode(seen_lines_encode(cart_info(cart=cart)))


def _complete(user, cart, key=None, **kwargs):
    return checkout_complete(
        user=user,
        cart=cart,
        idempotency_key=key or uuid.uuid4(),
        address=SHIPPING,
        seen_lines=kwargs.pop("seen", None) or _seen(cart),
        payment_method=kwargs.pop("method", PaymentMethod.CARD),
        **kwargs,
    )


def test_checkout_with_approved_card_pays_order_reserves_stock_and_empties_cart():
    user = UserFactory()
    product = ProductFactory(price=12900, list_price=15900, stock=5)
    cart = _cart_with(user, (product, 2))

    result = _complete(user, cart)

    order = result.order
    assert result.created
    assert order.status == OrderStatus.PAID
    assert order.subtotal == 25800
    assert order.shipping_fee == SHIPPING_FEE_PER_STORE
    assert order.total == 25800 + SHIPPING_FEE_PER_STORE
    line = order.lines.get()
    assert (line.product_name, line.unit_price, line.list_price, line.quantity, line.store_name) == (
        product.name,
        12900,
        15900,
        2,
        product.store.name,
    )
    product.refresh_from_db()
    assert product.stock == 3
    assert not cart.lines.exists()
    assert order.payment.status == PaymentStatus.APPROVED
    assert list(order.events.values_list("previous", "current")) == [
        ("", OrderStatus.PENDING_PAYMENT),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
    ]
    assert order.paid_at is not None


def test_order_line_keeps_snapshot_when_product_price_changes_later():
    order = order_via_checkout(items=[(ProductFactory(price=5000, list_price=None), 1)])
    line = order.lines.get()
    Product.objects.filter(pk=line.product_id).update(price=9000, name="새 이름")

    line.refresh_from_db()
    assert (line.unit_price, line.product_name) == (5000, line.product_name)
    assert line.product_name != "새 이름"


def test_shipping_is_free_per_shop_from_threshold():
    user = UserFactory()
    store_a, store_b = StoreFactory(), StoreFactory()
    cheap = ProductFactory(store=store_a, price=10000, list_price=None)
    pricey = ProductFactory(store=store_b, price=FREE_SHIPPING_THRESHOLD, list_price=None)
    cart = _cart_with(user, (cheap, 1), (pricey, 1))

    info = cart_info(cart=cart)

    assert [g.shipping_fee for g in info.groups] == [SHIPPING_FEE_PER_STORE, 0]
    assert info.total == 10000 + FREE_SHIPPING_THRESHOLD + SHIPPING_FEE_PER_STORE
    assert info.groups[0].free_shipping_gap == FREE_SHIPPING_THRESHOLD - 10000


def test_declined_payment_gives_stock_back_and_keeps_cart():
    user = UserFactory()
    product = ProductFactory(stock=4)
    cart = _cart_with(user, (product, 3))

    order = _complete(user, cart, demo_outcome=DEMO_DECLINE).order

    assert order.status == OrderStatus.CANCELLED
    assert order.payment.status == PaymentStatus.DECLINED
    product.refresh_from_db()
    assert product.stock == 4
    assert order.stock_released
    assert cart.lines.filter(product=product, quantity=3).exists()


def test_an_order_that_goes_through_carries_the_tour_attribution_and_takes_it_off_the_cart():
    user = UserFactory()
    cart = _cart_with(user, (ProductFactory(stock=5), 1))
    cart_attribution_set(cart=cart, source="tour:7")

    order = _complete(user, cart).order

    assert order.attribution_source == "tour:7"
    cart.refresh_from_db()
    assert cart.attribution_source == ""


def test_an_order_placed_after_a_pinned_purchase_is_not_attributed_to_the_pin():
    user = UserFactory()
    product = ProductFactory(stock=5)
    cart_attribution_set(cart=_cart_with(user, (product, 1)), source="tour:7")
    _complete(user, cart_get_or_create(user=user))

    later = _complete(user, _cart_with(user, (product, 1))).order

    assert later.attribution_source == ""


def test_a_declined_payment_keeps_the_attribution_for_the_retry():
    user = UserFactory()
    cart = _cart_with(user, (ProductFactory(stock=5), 1))
    cart_attribution_set(cart=cart, source="tour:7")
    _complete(user, cart, demo_outcome=DEMO_DECLINE)

    retry = _complete(user, cart).order

    assert (retry.status, retry.attribution_source) == (OrderStatus.PAID, "tour:7")


def test_bank_transfer_waits_for_deposit_with_virtual_account():
    order = order_via_checkout(method=PaymentMethod.BANK_TRANSFER)

    assert order.status == OrderStatus.PENDING_PAYMENT
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.AWAITING_DEPOSIT
    assert payment.bank_name
    assert payment.account_number.count("-") == 2
    assert payment.deposit_deadline > order.placed_at


def test_same_idempotency_key_returns_first_order_without_charging_again():
    user = UserFactory()
    product = ProductFactory(stock=10)
    cart = _cart_with(user, (product, 1))
    key = uuid.uuid4()
    seen = _seen(cart)

    first = _complete(user, cart, key=key, seen=seen)
    again = _complete(user, cart, key=key, seen=seen)

    assert again.order.pk == first.order.pk
    assert not again.created
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 9


def test_price_change_between_cart_and_payment_is_refused_with_the_change_listed():
    user = UserFactory()
    product = ProductFactory(price=10000, list_price=None, stock=5, name="유기농 두부")
    cart = _cart_with(user, (product, 1))
    seen = _seen(cart)
    Product.objects.filter(pk=product.pk).update(price=11000)

    with pytest.raises(CheckoutChanged) as caught:
        _complete(user, cart, seen=seen)

    assert caught.value.changes == ["유기농 두부: 가격이 10,000원에서 11,000원(으)로 바뀌었어요."]
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5


def test_stock_drop_between_cart_and_payment_is_refused():
    user = UserFactory()
    product = ProductFactory(stock=5, name="생수 2L")
    cart = _cart_with(user, (product, 3))
    seen = _seen(cart)
    Product.objects.filter(pk=product.pk).update(stock=2)

    with pytest.raises(CheckoutChanged) as caught:
        _complete(user, cart, seen=seen)

    assert caught.value.changes == ["생수 2L: 재고가 2개 남아서 3개를 주문할 수 없어요."]


def test_line_added_in_another_tab_is_refused():
    user = UserFactory()
    first, second = ProductFactory(), ProductFactory(name="새로 담은 상품")
    cart = _cart_with(user, (first, 1))
    seen = _seen(cart)
    cart_add(cart=cart, product_id=second.pk, quantity=1)

    with pytest.raises(CheckoutChanged) as caught:
        _complete(user, cart, seen=seen)

    assert caught.value.changes == ["새로 담은 상품: 주문 목록에 새로 들어왔어요."]


def test_empty_cart_cannot_be_checked_out():
    user = UserFactory()
    cart = cart_get_or_create(user=user)

    with pytest.raises(DomainError) as caught:
        checkout_place(
            user=user,
            cart=cart,
            idempotency_key=uuid.uuid4(),
            address=SHIPPING,
            seen_lines=[],
            payment_method=PaymentMethod.CARD,
        )
    assert caught.value.message == CART_EMPTY


def test_unselected_lines_stay_in_cart_and_are_not_ordered():
    from shop.services.cart import cart_select_only

    user = UserFactory()
    wanted, later = ProductFactory(), ProductFactory()
    cart = _cart_with(user, (wanted, 1), (later, 2))
    cart_select_only(cart=cart, product_id=wanted.pk)

    order = _complete(user, cart).order

    assert list(order.lines.values_list("product_id", flat=True)) == [wanted.pk]
    assert list(cart.lines.values_list("product_id", flat=True)) == [later.pk]


def test_tampered_snapshot_cannot_lower_the_price():
    user = UserFactory()
    product = ProductFactory(price=20000, list_price=None)
    cart = _cart_with(user, (product, 1))

    with pytest.raises(CheckoutChanged):
        _complete(user, cart, seen=[SeenLine(product_id=product.pk, unit_price=100, quantity=1)])
    assert not Order.objects.exists()


def test_checkout_sends_placed_and_paid_signals_after_commit(django_capture_on_commit_callbacks):
    received = []

    def on_placed(sender, order, **kwargs):
        received.append(("placed", order.number))

    def on_paid(sender, order, **kwargs):
        received.append(("paid", order.number))

    def on_changed(sender, order, previous, current, **kwargs):
        received.append(("changed", previous, current))

    signals.order_placed.connect(on_placed)
    signals.order_paid.connect(on_paid)
    signals.order_status_changed.connect(on_changed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = order_via_checkout()
    finally:
        signals.order_placed.disconnect(on_placed)
        signals.order_paid.disconnect(on_paid)
        signals.order_status_changed.disconnect(on_changed)

    assert received == [
        ("placed", order.number),
        ("changed", OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
        ("paid", order.number),
    ]


def test_order_number_is_date_and_six_digits():
    order = order_via_checkout()

    day, suffix = order.number.split("-")
    assert len(day) == 8
    assert day.isdigit()
    assert len(suffix) == 6
    assert suffix.isdigit()
    assert OrderStatusEvent.objects.filter(order=order).count() == 2
