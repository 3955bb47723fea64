"""Cart, address and order helpers for the commerce tests.

Kept beside factories.py (not in it) so parallel edits to that file never mix in one commit. Orders whose
invariants matter come from the checkout service, never from setting factory fields.
"""

from __future__ import annotations

import uuid

import factory

from accounts.models import User
from shop.models import Address, Cart, CartLine, Order, PaymentMethod, Product
from shop.selectors.cart import cart_info
from shop.services.cart import cart_add, cart_get_or_create
from shop.services.checkout import (
    CheckoutResult,
    ShippingAddress,
    checkout_complete,
    seen_lines_decode,
    seen_lines_encode,
)
from tests.accounts.factories import UserFactory
from tests.shop.factories import ProductFactory


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    seen_price = factory.SelfAttribute("product.price")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "집"
    recipient_name = "김하늘"
    phone = "010-1234-5678"
    postal_code = "04524"
    address1 = "서울특별시 중구 세종대로 110"
    address2 = "3층 301호"
    memo = "문 앞에 놓아 주세요"
    is_default = True


SHIPPING = ShippingAddress(
    recipient_name="김하늘",
    phone="010-1234-5678",
    postal_code="04524",
    address1="서울특별시 중구 세종대로 110",
    address2="3층 301호",
    memo="문 앞에 놓아 주세요",
)


def order_via_checkout(
    *,
    user: User | None = None,
    items: list[tuple[Product, int]] | None = None,
    method: str = PaymentMethod.CARD,
    demo_outcome: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Order:
    """Fill the user's cart with `items` and check out through the real services (default: approved card)."""
    user = user or UserFactory()
    items = items or [(ProductFactory(), 1)]
    cart = cart_get_or_create(user=user)
    for product, quantity in items:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    result: CheckoutResult = checkout_complete(
        user=user,
        cart=cart,
        idempotency_key=idempotency_key or uuid.uuid4(),
        address=SHIPPING,
        seen_lines=seen_lines_decode(seen_lines_encode(cart_info(cart=cart))),
        payment_method=method,
        demo_outcome=demo_outcome,
    )
    return result.order


def delivered_orders(*, user: User, count: int, products: list[Product]) -> int:
    """`count` past delivered orders for `user` through the bulk history import (fast for query-count tests)."""
    from datetime import timedelta

    from django.utils import timezone

    from shop.models import OrderStatus
    from shop.services.orders import HistoricalOrder, orders_import_historical

    now = timezone.now()
    return orders_import_historical(
        orders=[
            HistoricalOrder(
                user=user,
                items=[(products[i % len(products)], 1), (products[(i + 1) % len(products)], 2)],
                placed_at=now - timedelta(days=i + 1),
                final_status=OrderStatus.DELIVERED,
                idempotency_key=uuid.uuid4(),
                **SHIPPING.__dict__,
            )
            for i in range(count)
        ]
    )
