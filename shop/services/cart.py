"""Cart writes. Every change re-reads the product, so stock and price are checked each time.

Each service locks the cart row first, so two tabs changing the same cart take turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from config.money import format_won
from shop.models import Cart, CartLine, Product

MAX_QUANTITY = 99

PRODUCT_NOT_FOUND = _("찾는 상품이 없어요. 다시 확인해 주세요.")
PRODUCT_NOT_ON_SALE = _("지금은 판매하지 않는 상품이에요.")
SOLD_OUT = _("아쉽지만 품절된 상품이에요.")
STOCK_LIMIT = _("재고가 {stock}개 남아서 {stock}개까지 담을 수 있어요.")
QUANTITY_TOO_SMALL = _("수량은 1개 이상으로 골라 주세요.")
QUANTITY_TOO_LARGE = _("한 번에 {max}개까지 담을 수 있어요.")
LINE_NOT_FOUND = _("장바구니에 없는 상품이에요. 새로고침해 주세요.")
PRICE_CHANGED = _("{name} 가격이 {old}에서 {new}(으)로 바뀌었어요.")


@dataclass
class CartChange:
    """What a cart change did, with notes for the shopper (price changes, quantities capped)."""

    line: CartLine | None
    notices: list[str] = field(default_factory=list)


def _cart_lock(cart: Cart) -> Cart:
    return Cart.objects.select_for_update(of=("self",)).get(pk=cart.pk)


def _touch(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def _check_quantity(quantity: int) -> None:
    if quantity < 1:
        raise DomainError(QUANTITY_TOO_SMALL)
    if quantity > MAX_QUANTITY:
        raise DomainError(QUANTITY_TOO_LARGE.format(max=MAX_QUANTITY))


def _check_stock(product: Product, quantity: int) -> None:
    if not product.is_active or not product.store.is_active:
        raise DomainError(PRODUCT_NOT_ON_SALE)
    if product.stock <= 0:
        raise DomainError(SOLD_OUT, code="out_of_stock", http_status=409)
    if quantity > product.stock:
        raise DomainError(STOCK_LIMIT.format(stock=product.stock), code="out_of_stock", http_status=409)


def _price_notice(line: CartLine, product: Product) -> list[str]:
    if line.seen_price == product.price:
        return []
    return [PRICE_CHANGED.format(name=product.name, old=format_won(line.seen_price), new=format_won(product.price))]


def cart_get_or_create(*, user: User | None, cart_id: int | None = None) -> Cart:
    """The user's cart (made on first use), or the anonymous cart with `cart_id`, or a new anonymous cart."""
    if user is not None:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if cart_id is not None:
        cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first()  # type: ignore[assignment]
        if cart is not None:
            return cart
    return Cart.objects.create()


@transaction.atomic
def cart_add(*, cart: Cart, product_id: int, quantity: int = 1) -> CartChange:
    """Add `quantity` of a product (adding to a line already there). Locks the cart row.

    Raises DomainError when the product is not on sale or the new quantity is more than the stock.
    """
    _check_quantity(quantity)
    cart = _cart_lock(cart)
    product = Product.objects.select_related("store").filter(pk=product_id).first()
    if product is None:
        raise DomainError(PRODUCT_NOT_FOUND, code="not_found", http_status=404)
    line = CartLine.objects.filter(cart=cart, product=product).first()
    new_quantity = quantity + (line.quantity if line else 0)
    _check_quantity(new_quantity)
    _check_stock(product, new_quantity)
    notices: list[str] = []
    if line is None:
        line = CartLine(cart=cart, product=product, quantity=new_quantity, seen_price=product.price)
        line.full_clean(validate_constraints=False)
        line.save()
    else:
        notices = _price_notice(line, product)
        line.quantity = new_quantity
        line.seen_price = product.price
        line.save(update_fields=["quantity", "seen_price"])
    _touch(cart)
    return CartChange(line=line, notices=notices)


@transaction.atomic
def cart_line_set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartChange:
    """Set a line's quantity (the stepper). Raises DomainError over stock; the line keeps its quantity then."""
    _check_quantity(quantity)
    cart = _cart_lock(cart)
    line = CartLine.objects.select_related("product__store").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise DomainError(LINE_NOT_FOUND, code="not_found", http_status=404)
    _check_stock(line.product, quantity)
    notices = _price_notice(line, line.product)
    line.quantity = quantity
    line.seen_price = line.product.price
    line.save(update_fields=["quantity", "seen_price"])
    _touch(cart)
    return CartChange(line=line, notices=notices)


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> None:
    cart = _cart_lock(cart)
    deleted, _rows = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise DomainError(LINE_NOT_FOUND, code="not_found", http_status=404)
    _touch(cart)


@transaction.atomic
def cart_line_select(*, cart: Cart, line_id: int, selected: bool) -> None:
    """Tick or untick a line for the next order."""
    cart = _cart_lock(cart)
    if not CartLine.objects.filter(cart=cart, pk=line_id).update(is_selected=selected):
        raise DomainError(LINE_NOT_FOUND, code="not_found", http_status=404)


@transaction.atomic
def cart_select_only(*, cart: Cart, product_id: int) -> None:
    """바로구매: the next order is this product alone; the rest stays in the cart, unticked."""
    cart = _cart_lock(cart)
    CartLine.objects.filter(cart=cart).exclude(product_id=product_id).update(is_selected=False)
    CartLine.objects.filter(cart=cart, product_id=product_id).update(is_selected=True)


@transaction.atomic
def cart_merge(*, source: Cart, user: User) -> Cart:
    """Move an anonymous cart into the user's cart on log-in. Quantities add up, capped by the stock.

    Locks both carts in pk order. The anonymous cart is deleted.
    """
    target, _created = Cart.objects.get_or_create(user=user)
    if source.pk == target.pk or source.user_id is not None:
        return target
    locked = {c.pk: c for c in Cart.objects.filter(pk__in=[source.pk, target.pk]).order_by("pk").select_for_update()}
    if source.pk not in locked:
        return target
    existing = {line.product_id: line for line in CartLine.objects.filter(cart=target)}
    for line in CartLine.objects.filter(cart_id=source.pk).select_related("product"):
        product = line.product
        current = existing.get(product.pk)
        wanted = line.quantity + (current.quantity if current else 0)
        capped = min(wanted, max(product.stock, 0), MAX_QUANTITY)
        if current is not None:
            if capped >= 1:
                current.quantity = capped
                current.save(update_fields=["quantity"])
        elif capped >= 1:
            CartLine.objects.create(
                cart=target, product=product, quantity=capped, seen_price=line.seen_price, added_at=line.added_at
            )
    if not target.attribution_source and locked[source.pk].attribution_source:
        Cart.objects.filter(pk=target.pk).update(attribution_source=locked[source.pk].attribution_source)
    Cart.objects.filter(pk=source.pk).delete()
    _touch(target)
    return target


def cart_checkout_settle(*, cart_id: int, product_ids: list[int]) -> None:
    """After an order went through (paid, or waiting for a deposit): the ordered products leave the cart, and the
    cart forgets where the shopper came from, since the order now carries it (a later order is not that pin's).
    A declined payment never gets here, so a retry keeps both."""
    CartLine.objects.filter(cart_id=cart_id, product_id__in=product_ids).delete()
    Cart.objects.filter(pk=cart_id).exclude(attribution_source="").update(attribution_source="")


def cart_attribution_set(*, cart: Cart, source: str) -> None:
    """Remember where the shopper came from (e.g. a house-tour pin); the order copies it."""
    Cart.objects.filter(pk=cart.pk).update(attribution_source=source[:80])


ABANDONED_GUEST_CART_DAYS = 30


def carts_delete_abandoned(*, now=None, older_than_days: int = ABANDONED_GUEST_CART_DAYS) -> int:
    """Delete visitors' (not members') carts untouched for `older_than_days`; returns how many carts went.

    Members' carts are kept: they are the member's, and they merge nothing anymore. Running twice deletes
    nothing more.
    """
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    stale = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff)
    deleted = stale.count()
    CartLine.objects.filter(cart__in=stale).delete()
    stale.delete()
    return deleted
