"""Cart reads and the one pricing function every cart, checkout and order page shares.

The cart is fetched once into `PricedLine`s; `checkout_info_build` turns lines into the money breakdown
(lines -> subtotal -> discounts -> shipping -> total) without touching the ORM again (saleor's CheckoutInfo).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from config.money import discount_rate
from shop.models import Cart, CartLine, Product, ProductImage, Store

# The shipping rule shown on the cart page: each shop ships its own box.
SHIPPING_FEE_PER_STORE = 3000
FREE_SHIPPING_THRESHOLD = 30000


@dataclass(frozen=True)
class PricedLine:
    """One product in a cart (or about to become an order line), priced at the product's current price."""

    product: Product
    quantity: int
    seen_price: int
    line_id: int | None = None
    is_selected: bool = True
    image_path: str = ""

    @property
    def product_id(self) -> int:
        return self.product.pk

    @property
    def image_url(self) -> str:
        return self.product.image_url_for(self.image_path)

    @property
    def store(self) -> Store:
        return self.product.store

    @property
    def unit_price(self) -> int:
        return self.product.price

    @property
    def list_price(self) -> int | None:
        return self.product.list_price

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def list_total(self) -> int:
        return (self.list_price or self.unit_price) * self.quantity

    @property
    def discount_rate(self) -> int:
        return discount_rate(price=self.unit_price, list_price=self.list_price)

    @property
    def price_changed(self) -> bool:
        return self.seen_price != self.unit_price

    @property
    def is_available(self) -> bool:
        return self.product.is_active and self.product.store.is_active and self.product.stock > 0

    @property
    def stock_short(self) -> bool:
        return self.product.stock < self.quantity

    @property
    def can_order(self) -> bool:
        return self.is_available and not self.stock_short


@dataclass(frozen=True)
class Discount:
    """One discount on the order: kind "coupon" or "points" (helper modules add their own kinds)."""

    kind: str
    label: str
    amount: int
    ref: str = ""


@dataclass
class StoreGroup:
    store: Store
    lines: list[PricedLine]
    subtotal: int
    shipping_fee: int

    @property
    def free_shipping_gap(self) -> int:
        """How much more from this shop would make its shipping free (0 when it already is)."""
        if self.subtotal == 0 or self.shipping_fee == 0:
            return 0
        return max(0, FREE_SHIPPING_THRESHOLD - self.subtotal)


@dataclass
class CheckoutInfo:
    """The money breakdown of a cart or an order about to be placed. Only selected lines are priced."""

    lines: list[PricedLine]
    groups: list[StoreGroup]
    subtotal: int
    shipping_fee: int
    discounts: list[Discount] = field(default_factory=list)

    @property
    def selected_lines(self) -> list[PricedLine]:
        return [line for line in self.lines if line.is_selected]

    @property
    def discount_total(self) -> int:
        return sum(discount.amount for discount in self.discounts)

    @property
    def coupon_discount(self) -> int:
        return sum(discount.amount for discount in self.discounts if discount.kind == "coupon")

    @property
    def points_used(self) -> int:
        return sum(discount.amount for discount in self.discounts if discount.kind == "points")

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee - self.discount_total

    @property
    def list_total(self) -> int:
        return sum(line.list_total for line in self.selected_lines)

    @property
    def product_savings(self) -> int:
        return self.list_total - self.subtotal

    @property
    def can_order(self) -> bool:
        selected = self.selected_lines
        return bool(selected) and all(line.can_order for line in selected)

    @property
    def item_count(self) -> int:
        return len(self.lines)


def shipping_fee_for(subtotal: int) -> int:
    if subtotal <= 0 or subtotal >= FREE_SHIPPING_THRESHOLD:
        return 0
    return SHIPPING_FEE_PER_STORE


def checkout_info_build(*, lines: Iterable[PricedLine], discounts: Sequence[Discount] = ()) -> CheckoutInfo:
    """Group lines by shop, apply the shipping rule per shop, then the discounts. Pure: no queries."""
    all_lines = list(lines)
    by_store: dict[int, list[PricedLine]] = {}
    for line in all_lines:
        by_store.setdefault(line.product.store_id, []).append(line)
    groups = []
    for store_lines in by_store.values():
        subtotal = sum(line.line_total for line in store_lines if line.is_selected)
        groups.append(
            StoreGroup(
                store=store_lines[0].store,
                lines=store_lines,
                subtotal=subtotal,
                shipping_fee=shipping_fee_for(subtotal),
            )
        )
    subtotal = sum(group.subtotal for group in groups)
    shipping_fee = sum(group.shipping_fee for group in groups)
    discount_list = list(discounts)
    # A discount can never take the total below zero; the last discount absorbs the cap.
    room = subtotal + shipping_fee
    capped = []
    for discount in discount_list:
        amount = min(discount.amount, room)
        room -= amount
        capped.append(Discount(kind=discount.kind, label=discount.label, amount=amount, ref=discount.ref))
    return CheckoutInfo(lines=all_lines, groups=groups, subtotal=subtotal, shipping_fee=shipping_fee, discounts=capped)


def _first_image_path() -> Subquery:
    images = ProductImage.objects.filter(product=OuterRef("product_id")).order_by("sort_order", "pk").values("image")
    return Subquery(images[:1])


def cart_lines_queryset(*, cart_id: int) -> QuerySet[CartLine]:
    return (
        CartLine.objects.filter(cart_id=cart_id)
        .select_related("product", "product__store", "product__category")
        .annotate(image_path=_first_image_path())
        .order_by("added_at", "pk")
    )


def cart_lines_fetch(*, cart: Cart | None) -> list[PricedLine]:
    """Every line of the cart with its product and shop, in one query."""
    if cart is None or cart.pk is None:
        return []
    return [
        PricedLine(
            product=line.product,
            quantity=line.quantity,
            seen_price=line.seen_price,
            line_id=line.pk,
            is_selected=line.is_selected,
            image_path=line.image_path or "",  # type: ignore[attr-defined]
        )
        for line in cart_lines_queryset(cart_id=cart.pk)
    ]


def cart_info(*, cart: Cart | None) -> CheckoutInfo:
    return checkout_info_build(lines=cart_lines_fetch(cart=cart))


def cart_find(*, user_id: int | None, cart_id: int | None) -> Cart | None:
    """The cart of a logged-in user, or the anonymous cart whose id the session holds."""
    if user_id is not None:
        return Cart.objects.filter(user_id=user_id).first()
    if cart_id is not None:
        return Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    return None


def cart_line_count(*, user_id: int | None, cart_id: int | None) -> int:
    """The badge number in the top bar: distinct products in the cart (one query, none without a cart)."""
    if user_id is not None:
        return CartLine.objects.filter(cart__user_id=user_id).count()
    if cart_id is not None:
        return CartLine.objects.filter(cart_id=cart_id, cart__user__isnull=True).count()
    return 0
