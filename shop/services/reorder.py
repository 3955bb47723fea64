"""다시 담기: put a past order's lines back into the cart, saying which ones are gone or short on stock."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from shop.models import Cart, Category, Order, OrderLine, Product
from shop.selectors.household import BOUGHT_STATUSES
from shop.services.cart import cart_add

REORDER_NOT_YOURS = gettext_noop("내 주문만 다시 담을 수 있어요.")
CATEGORY_NEVER_BOUGHT = gettext_noop("이 카테고리에서 우리 집이 산 상품이 아직 없어요.")


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


@dataclass(frozen=True)
class CategoryReorderChoice:
    """What 다시 담기 for a category would add: the household's latest available purchase in it, and how many."""

    category: Category
    product: Product | None
    quantity: int
    last_bought_name: str

    @property
    def ever_bought(self) -> bool:
        return bool(self.last_bought_name)


def category_reorder_choice(*, user: User, category_id: int) -> CategoryReorderChoice | None:
    """The most recently bought product of the category (by any household member) that is on sale, from an open
    shop and in stock, with the quantity last bought (capped by the stock). None when the category does not exist;
    `product` is None when the household never bought there (`ever_bought` False) or everything it bought there is
    gone. Two queries.
    """
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        return None
    household = Q(order__user=user)
    if user.household_id is not None:
        household |= Q(order__user__household_id=user.household_id)
    lines = list(
        OrderLine.objects.filter(household, order__status__in=BOUGHT_STATUSES, product__category_id=category_id)
        .select_related("product", "product__store", "product__category")
        .order_by("-order__placed_at", "-pk")[:50]
    )
    if not lines:
        return CategoryReorderChoice(category=category, product=None, quantity=0, last_bought_name="")
    for line in lines:
        product = line.product
        if product.is_active and product.store.is_active and product.stock > 0:
            return CategoryReorderChoice(
                category=category,
                product=product,
                quantity=min(line.quantity, product.stock),
                last_bought_name=lines[0].product_name,
            )
    return CategoryReorderChoice(category=category, product=None, quantity=0, last_bought_name=lines[0].product_name)


def category_reorder(*, user: User, cart: Cart, category_id: int) -> ReorderResult:
    """다시 담기 for an essential category (the feed's "세제 떨어질 때 됐죠?"): add the household's most recently
    bought product of that category that can still be bought, in the quantity bought last time, through
    cart_add (which locks the cart). Messages follow order_reorder's ReorderResult.

    Raises DomainError (404) when the household never bought in this category; reports the last product as gone
    when nothing it bought there is on sale any more.
    """
    choice = category_reorder_choice(user=user, category_id=category_id)
    if choice is None or not choice.ever_bought:
        raise DomainError(_(CATEGORY_NEVER_BOUGHT), code="not_found", http_status=404)
    result = ReorderResult()
    if choice.product is None:
        result.gone.append(choice.last_bought_name)
        return result
    try:
        cart_add(cart=cart, product_id=choice.product.pk, quantity=choice.quantity)
    except DomainError as exc:
        result.short.append(f"{choice.product.name}: {exc.message}")
        return result
    result.added.append(choice.product.name)
    return result
