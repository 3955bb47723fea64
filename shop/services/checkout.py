"""Checkout: cart -> order, in short steps so the payment provider is never called under a lock.

1. `checkout_place` (one durable transaction): return the first order if this idempotency key was used;
   lock the products in pk order; refuse with `CheckoutChanged` when a price, quantity or stock differs
   from what the shopper was shown; price the lines (`checkout_info_build`: lines -> subtotal ->
   discounts -> shipping -> total); create the order with snapshotted lines; reserve the stock with a
   conditional UPDATE per product (rowcount checked); record the first status event.
2. `payment_charge`: the provider call, outside any transaction.
3. `payment_result_record` (second short transaction under the order's lock): paid, declined (stock back)
   or awaiting a bank transfer.

Discounts (coupons, points) plug in at two points, both here: `discounts_compute` (pure, also used for the
checkout page preview) and `discounts_commit` (inside the placing transaction, after the order row exists).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from config.money import format_won
from shop import signals
from shop.models import (
    Address,
    Cart,
    CartLine,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusEvent,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Product,
)
from shop.payments import payment_provider
from shop.selectors.cart import CheckoutInfo, Discount, PricedLine, cart_lines_fetch, checkout_info_build
from shop.services.cart import cart_checkout_settle
from shop.services.catalog import product_page_changed
from shop.services.coupons import coupon_discounts_compute, coupon_redeem_for_order
from shop.services.orders import order_number_new
from shop.services.payments import payment_charge
from shop.services.points import points_discount_compute, points_spend_for_order

CART_EMPTY = _("주문할 상품을 골라 주세요.")
CART_CHANGED = _("주문하려는 사이에 바뀐 내용이 있어요. 아래 내용을 확인하고 다시 주문해 주세요.")
CHANGE_PRICE = _("{name}: 가격이 {old}에서 {new}(으)로 바뀌었어요.")
CHANGE_STOCK = _("{name}: 재고가 {stock}개 남아서 {quantity}개를 주문할 수 없어요.")
CHANGE_SOLD_OUT = _("{name}: 품절되었어요.")
CHANGE_NOT_ON_SALE = _("{name}: 지금은 판매하지 않아요.")
CHANGE_QUANTITY = _("{name}: 수량이 {old}개에서 {new}개로 바뀌었어요.")
CHANGE_ADDED = _("{name}: 주문 목록에 새로 들어왔어요.")
CHANGE_REMOVED = _("{name}: 주문 목록에서 빠졌어요.")
SNAPSHOT_INVALID = _("주문 정보를 다시 불러와 주세요.")
OUT_OF_STOCK = _("재고가 부족해서 주문하지 못했어요. 장바구니를 확인해 주세요.")
PAYMENT_METHOD_INVALID = _("결제 수단을 골라 주세요.")
CHECKOUT_IN_PROGRESS = _("이미 처리 중인 주문이에요. 잠시 후 주문 내역에서 확인해 주세요.")
# Seconds a client should wait before asking again about an order still being charged.
IN_PROGRESS_RETRY_AFTER = 2


class CheckoutInProgress(DomainError):
    """The same idempotency key's first request placed the order and is still charging it."""

    code = "checkout_in_progress"
    http_status = 409

    def __init__(self, order: Order) -> None:
        super().__init__(str(CHECKOUT_IN_PROGRESS))
        self.order = order


class CheckoutChanged(DomainError):
    """What the shopper saw is not what they would pay for; `changes` lists each difference."""

    code = "cart_changed"
    http_status = 409

    def __init__(self, changes: list[str]) -> None:
        super().__init__(str(CART_CHANGED))
        self.changes = changes


@dataclass(frozen=True)
class ShippingAddress:
    recipient_name: str
    phone: str
    postal_code: str
    address1: str
    address2: str = ""
    memo: str = ""


@dataclass(frozen=True)
class DiscountRequest:
    """What the shopper asked for at checkout (filled in by the coupon and points step)."""

    coupon_id: int | None = None
    points: int = 0
    # Several coupons at once (all of them stackable); coupon_id alone is the common single-coupon case.
    coupon_ids: tuple[int, ...] = ()

    @property
    def all_coupon_ids(self) -> tuple[int, ...]:
        ids = self.coupon_ids + ((self.coupon_id,) if self.coupon_id else ())
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class SeenLine:
    """A line as the shopper saw it on the checkout page: product, unit price and quantity."""

    product_id: int
    unit_price: int
    quantity: int


@dataclass
class CheckoutResult:
    order: Order
    created: bool
    notices: list[str] = field(default_factory=list)


def seen_lines_encode(info: CheckoutInfo) -> str:
    """The hidden form field that remembers what the page showed: "pid:price:qty,pid:price:qty"."""
    return ",".join(f"{line.product_id}:{line.unit_price}:{line.quantity}" for line in info.selected_lines)


def seen_lines_decode(raw: str) -> list[SeenLine]:
    lines = []
    try:
        for part in filter(None, (raw or "").split(",")):
            product_id, unit_price, quantity = (int(value) for value in part.split(":"))
            lines.append(SeenLine(product_id=product_id, unit_price=unit_price, quantity=quantity))
    except ValueError as exc:
        raise DomainError(SNAPSHOT_INVALID) from exc
    return lines


def seen_lines_from_cart(info: CheckoutInfo) -> list[SeenLine]:
    """For API clients that send no snapshot: the prices the cart last showed (CartLine.seen_price)."""
    return [
        SeenLine(product_id=line.product_id, unit_price=line.seen_price, quantity=line.quantity)
        for line in info.selected_lines
    ]


def discounts_compute(*, info: CheckoutInfo, user: User, request: DiscountRequest) -> list[Discount]:
    """The discount step: which discounts apply to these priced lines. Pure; raises DomainError if refused.

    Coupons first (each on its own scope), then points on what is left to pay (shop.services.coupons/points).
    """
    discounts = coupon_discounts_compute(info=info, user=user, coupon_ids=request.all_coupon_ids)
    payable = info.subtotal + info.shipping_fee - sum(discount.amount for discount in discounts)
    return discounts + points_discount_compute(user=user, points=request.points, payable=payable)


def discounts_commit(*, order: Order, info: CheckoutInfo, user: User, request: DiscountRequest) -> None:
    """Inside the placing transaction, after the order row exists: redeem what `discounts_compute` chose.

    Coupons by a conditional UPDATE each (a coupon already taken raises DomainError and rolls the order back),
    then points under the customer's point-account lock.
    """
    coupon_redeem_for_order(order=order, discounts=info.discounts)
    points_spend_for_order(order=order, amount=info.points_used)


def checkout_preview(*, cart: Cart | None, user: User, discount_request: DiscountRequest | None = None) -> CheckoutInfo:
    """The checkout page's breakdown of the selected cart lines at today's prices."""
    lines = [line for line in cart_lines_fetch(cart=cart) if line.is_selected]
    info = checkout_info_build(lines=lines)
    discounts = discounts_compute(info=info, user=user, request=discount_request or DiscountRequest())
    return checkout_info_build(lines=lines, discounts=discounts)


def _changes(*, lines: list[CartLine], products: dict[int, Product], seen: list[SeenLine]) -> list[str]:
    changes: list[str] = []
    seen_by_product = {line.product_id: line for line in seen}
    current_ids = {line.product_id for line in lines}
    for line in lines:
        product = products[line.product_id]
        name = product.name
        before = seen_by_product.get(line.product_id)
        if before is None:
            changes.append(CHANGE_ADDED.format(name=name))
            continue
        if before.unit_price != product.price:
            changes.append(
                CHANGE_PRICE.format(name=name, old=format_won(before.unit_price), new=format_won(product.price))
            )
        if before.quantity != line.quantity:
            changes.append(CHANGE_QUANTITY.format(name=name, old=before.quantity, new=line.quantity))
        if not product.is_active or not product.store.is_active:
            changes.append(CHANGE_NOT_ON_SALE.format(name=name))
        elif product.stock <= 0:
            changes.append(CHANGE_SOLD_OUT.format(name=name))
        elif product.stock < line.quantity:
            changes.append(CHANGE_STOCK.format(name=name, stock=product.stock, quantity=line.quantity))
    removed = [line.product_id for line in seen if line.product_id not in current_ids]
    if removed:
        names = dict(Product.objects.filter(pk__in=removed).values_list("pk", "name"))
        changes.extend(CHANGE_REMOVED.format(name=names.get(pid, pid)) for pid in removed)
    return changes


def _stock_reserve(quantities: dict[int, int]) -> None:
    """Take the stock, product by product in pk order; a product without enough rolls everything back."""
    for product_id in sorted(quantities):
        quantity = quantities[product_id]
        updated = Product.objects.filter(pk=product_id, stock__gte=quantity).update(
            stock=F("stock") - quantity, sold_count=F("sold_count") + quantity
        )
        if updated != 1:
            raise DomainError(OUT_OF_STOCK, code="out_of_stock", http_status=409)
    product_page_changed(product_ids=quantities)


def address_save(*, user: User, address: ShippingAddress, make_default: bool = False, label: str = "") -> Address:
    """Save a shipping address for next time; the first one (or `make_default`) becomes the default."""
    existing = Address.objects.filter(
        user=user,
        recipient_name=address.recipient_name,
        phone=address.phone,
        postal_code=address.postal_code,
        address1=address.address1,
        address2=address.address2,
    ).first()
    make_default = make_default or not Address.objects.filter(user=user).exists()
    if make_default:
        Address.objects.filter(user=user, is_default=True).exclude(pk=getattr(existing, "pk", None)).update(  # type: ignore[misc]
            is_default=False
        )
    if existing is not None:
        if make_default and not existing.is_default:
            existing.is_default = True
            existing.save(update_fields=["is_default"])
        if existing.memo != address.memo:
            existing.memo = address.memo
            existing.save(update_fields=["memo"])
        return existing
    saved = Address(user=user, label=label, is_default=make_default, **address.__dict__)
    saved.full_clean(validate_constraints=False)
    saved.save()
    return saved


def _order_find(*, user: User, idempotency_key: uuid.UUID) -> Order | None:
    return Order.objects.filter(user=user, idempotency_key=idempotency_key).first()


def checkout_place(
    *,
    user: User,
    cart: Cart,
    idempotency_key: uuid.UUID,
    address: ShippingAddress,
    seen_lines: list[SeenLine],
    payment_method: str,
    discount_request: DiscountRequest | None = None,
    save_address: bool = False,
) -> CheckoutResult:
    """Create the order and reserve its stock in one transaction; a repeated key returns the first order.

    Two submits with the same key at the same moment: the second waits on the cart's row lock, then finds the
    first order and returns it, before it looks at stock (the first order took that stock, so judging it again
    would report a false shortage). The unique index on the key is the last line: an IntegrityError rolls the
    second transaction back and the first order is returned.
    Raises CheckoutChanged (409) listing every difference from `seen_lines`; DomainError for an empty cart.
    """
    existing = _order_find(user=user, idempotency_key=idempotency_key)
    if existing is not None:
        return CheckoutResult(order=existing, created=False)
    if payment_method not in PaymentMethod.values:
        raise DomainError(PAYMENT_METHOD_INVALID)
    try:
        order, created = _checkout_place_atomic(
            user=user,
            cart=cart,
            idempotency_key=idempotency_key,
            address=address,
            seen_lines=seen_lines,
            payment_method=payment_method,
            discount_request=discount_request or DiscountRequest(),
            save_address=save_address,
        )
    except IntegrityError:
        existing = _order_find(user=user, idempotency_key=idempotency_key)
        if existing is None:
            raise
        return CheckoutResult(order=existing, created=False)
    return CheckoutResult(order=order, created=created)


@transaction.atomic(durable=True)
def _checkout_place_atomic(
    *,
    user: User,
    cart: Cart,
    idempotency_key: uuid.UUID,
    address: ShippingAddress,
    seen_lines: list[SeenLine],
    payment_method: str,
    discount_request: DiscountRequest,
    save_address: bool,
) -> tuple[Order, bool]:
    # One checkout per cart at a time: a retry of the same key waits here and then sees the first order.
    Cart.objects.filter(pk=cart.pk).select_for_update().first()
    existing = _order_find(user=user, idempotency_key=idempotency_key)
    if existing is not None:
        return existing, False
    cart_lines = list(CartLine.objects.filter(cart=cart, is_selected=True).order_by("added_at", "pk"))
    if not cart_lines and not seen_lines:
        raise DomainError(CART_EMPTY, code="cart_empty")
    product_ids = sorted({line.product_id for line in cart_lines})
    products = {
        product.pk: product
        for product in Product.objects.filter(pk__in=product_ids)
        .select_related("store")
        .order_by("pk")
        .select_for_update(of=("self",))
    }
    changes = _changes(lines=cart_lines, products=products, seen=seen_lines)
    if changes:
        raise CheckoutChanged(changes)
    if not cart_lines:
        raise DomainError(CART_EMPTY, code="cart_empty")

    priced = [
        PricedLine(product=products[line.product_id], quantity=line.quantity, seen_price=line.seen_price)
        for line in cart_lines
    ]
    base = checkout_info_build(lines=priced)
    info = checkout_info_build(
        lines=priced, discounts=discounts_compute(info=base, user=user, request=discount_request)
    )
    now = timezone.now()
    order = Order(
        number=order_number_new(placed_at=now),
        user=user,
        idempotency_key=idempotency_key,
        subtotal=info.subtotal,
        shipping_fee=info.shipping_fee,
        coupon_discount=info.coupon_discount,
        points_used=info.points_used,
        total=info.total,
        attribution_source=Cart.objects.filter(pk=cart.pk).values_list("attribution_source", flat=True).first() or "",
        placed_at=now,
        **address.__dict__,
    )
    # The database constraints (unique key, totals) are the authority; they also hold under concurrency.
    order.full_clean(validate_unique=False, validate_constraints=False)
    order.save()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product=line.product,
                store=line.store,
                product_name=line.product.name,
                store_name=line.store.name,
                unit_price=line.unit_price,
                list_price=line.list_price,
                quantity=line.quantity,
                line_total=line.line_total,
            )
            for line in priced
        ]
    )
    _stock_reserve({line.product_id: line.quantity for line in priced})
    Payment.objects.create(
        order=order,
        provider=payment_provider().code,
        method=payment_method,
        amount=order.total,
        created_at=now,
        updated_at=now,
    )
    OrderStatusEvent.objects.create(
        order=order, previous="", current=OrderStatus.PENDING_PAYMENT, note="주문 접수", actor=user, created_at=now
    )
    discounts_commit(order=order, info=info, user=user, request=discount_request)
    if save_address:
        address_save(user=user, address=address)
    transaction.on_commit(partial(signals.order_placed.send, sender=Order, order=order))
    return order, True


def _still_charging(order: Order) -> bool:
    """The first request of this key is between placing the order and recording the server-side charge."""
    if order.status != OrderStatus.PENDING_PAYMENT or payment_provider().uses_widget:
        return False
    return Payment.objects.filter(order=order, status=PaymentStatus.REQUESTED).exists()


def checkout_complete(
    *,
    user: User,
    cart: Cart,
    idempotency_key: uuid.UUID,
    address: ShippingAddress,
    seen_lines: list[SeenLine],
    payment_method: str,
    demo_outcome: str = "",
    discount_request: DiscountRequest | None = None,
    save_address: bool = False,
) -> CheckoutResult:
    """Place the order, charge it, and take the ordered products out of the cart unless payment failed.

    A repeated idempotency key returns the first order as it is now, without charging again; while the first
    request is still charging it, raises CheckoutInProgress (409, "이미 처리 중인 주문이에요").
    """
    placed = checkout_place(
        user=user,
        cart=cart,
        idempotency_key=idempotency_key,
        address=address,
        seen_lines=seen_lines,
        payment_method=payment_method,
        discount_request=discount_request,
        save_address=save_address,
    )
    if not placed.created:
        if _still_charging(placed.order):
            raise CheckoutInProgress(placed.order)
        return placed
    if payment_provider().uses_widget:
        # The shopper pays in the gateway's widget next; the success URL confirms (shop.services.payments_gateway).
        return placed
    order = payment_charge(order=placed.order, demo_outcome=demo_outcome)
    if order.status != OrderStatus.CANCELLED:
        product_ids = list(OrderLine.objects.filter(order=order).values_list("product_id", flat=True))
        cart_checkout_settle(cart_id=cart.pk, product_ids=product_ids)
    return CheckoutResult(order=order, created=True)
