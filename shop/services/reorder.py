"""다시 담기: put a past order's lines back into the cart, saying which ones are gone or short on stock."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from shop.models import Cart, Order, OrderLine
from shop.services.cart import cart_add

REORDER_NOT_YOURS = gettext_noop("내 주문만 다시 담을 수 있어요.")


@dataclass
class ReorderResult:
    added: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        lines = []
        if self.added:
            lines.append(_("%(count)d개 상품을 장바구니에 담았어요.") % {"count": len(self.added)})
        lines.extend(self.short)
        if self.gone:
            lines.append(_("지금은 살 수 없는 상품이 있어요: %(names)s") % {"names": ", ".join(self.gone)})
        return lines


def order_reorder(*, order: Order, user: User, cart: Cart) -> ReorderResult:
    """Add every still-available line of `order` to `cart` through the cart service (one lock per add).

    A product no longer on sale (or sold out) is reported as gone; one with less stock than ordered is added
    with what is left and reported as short. Raises DomainError when the order is someone else's.
    """
    if order.user_id != user.pk:
        raise DomainError(_(REORDER_NOT_YOURS), code="not_found", http_status=404)
    quantities: dict[int, int] = {}
    names: dict[int, str] = {}
    lines = OrderLine.objects.filter(order=order).select_related("product", "product__store").order_by("pk")
    products = {}
    for line in lines:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
        names[line.product_id] = line.product_name
        products[line.product_id] = line.product
    result = ReorderResult()
    for product_id, wanted in quantities.items():
        product = products[product_id]
        name = names[product_id]
        if not product.is_active or not product.store.is_active or product.stock <= 0:
            result.gone.append(name)
            continue
        quantity = min(wanted, product.stock)
        try:
            cart_add(cart=cart, product_id=product_id, quantity=quantity)
        except DomainError as exc:
            result.short.append(f"{name}: {exc.message}")
            continue
        result.added.append(name)
        if quantity < wanted:
            result.short.append(
                _("%(name)s: 재고가 %(stock)d개 남아서 %(stock)d개만 담았어요.") % {"name": name, "stock": quantity}
            )
    return result
