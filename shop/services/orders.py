"""Order state changes: one transition table (shop.models.ORDER_TRANSITIONS), one service that applies it.

Every transition locks the order row, records an OrderStatusEvent with the time, and sends
`order_status_changed` (and `order_paid` when it becomes paid) after commit. Cancelling puts the reserved
stock back exactly once (guarded by `Order.stock_released` under the order's row lock).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop import signals
from shop.models import (
    ORDER_TRANSITIONS,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusEvent,
    Payment,
    PaymentStatus,
    Product,
)
from shop.services.points import loyalty_release_for_order, point_earn_for_order

TRANSITION_NOT_ALLOWED = _("지금 상태({current})에서는 '{target}'(으)로 바꿀 수 없어요.")
ALREADY_CANCELLED = _("이미 취소된 주문이에요.")
NOT_CANCELLABLE = _("배송이 시작된 주문은 취소할 수 없어요. 고객센터로 문의해 주세요.")
ORDER_NOT_FOUND = _("주문을 찾을 수 없어요.")

ORDER_NUMBER_ALPHABET = "0123456789"
ORDER_NUMBER_SUFFIX_LENGTH = 6

# Steps other modules (coupons, points) register to undo their part when an order is cancelled.
# Each is called inside the cancelling transaction with the locked order.
CancellationHook = Callable[[Order], None]
cancellation_hooks: list[CancellationHook] = []


def order_number_new(*, placed_at=None) -> str:
    """A human-friendly order number: the Seoul date and six random digits, e.g. 20261123-480213.

    The unique constraint on Order.number is the final guard against a collision.
    """
    day = timezone.localdate(placed_at or timezone.now())
    suffix = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _i in range(ORDER_NUMBER_SUFFIX_LENGTH))
    return f"{day:%Y%m%d}-{suffix}"


def order_lock(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.order_by("pk").select_for_update(of=("self",))


def _stock_release(order: Order) -> None:
    """Give the order's reserved stock back. The caller holds the order's row lock; runs at most once."""
    if order.stock_released:
        return
    quantities: dict[int, int] = {}
    for product_id, quantity in OrderLine.objects.filter(order=order).values_list("product_id", "quantity"):
        quantities[product_id] = quantities.get(product_id, 0) + quantity
    for product_id in sorted(quantities):
        quantity = quantities[product_id]
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity, sold_count=F("sold_count") - quantity)
    order.stock_released = True


def _event_send(*, order: Order, previous: str, current: str) -> None:
    signals.order_status_changed.send(sender=Order, order=order, previous=previous, current=current)
    if current == OrderStatus.PAID:
        signals.order_paid.send(sender=Order, order=order)


def order_transition_locked(*, order: Order, target: str, actor: User | None = None, note: str = "", at=None) -> Order:
    """Move a LOCKED order along one allowed edge. The caller holds `order_lock` inside a transaction.

    Raises DomainError when the edge is not in ORDER_TRANSITIONS. Sends the status signals after commit.
    """
    previous = order.status
    if target not in ORDER_TRANSITIONS[previous]:
        if previous == OrderStatus.CANCELLED and target == OrderStatus.CANCELLED:
            raise DomainError(ALREADY_CANCELLED, code="already_cancelled", http_status=409)
        raise DomainError(
            TRANSITION_NOT_ALLOWED.format(current=OrderStatus(previous).label, target=OrderStatus(target).label),
            code="transition_not_allowed",
            http_status=409,
        )
    now = at or timezone.now()
    order.status = target
    fields = ["status"]
    if target == OrderStatus.PAID:
        order.paid_at = now
        fields.append("paid_at")
    if target == OrderStatus.CANCELLED:
        order.cancelled_at = now
        _stock_release(order)
        fields += ["cancelled_at", "stock_released"]
        for hook in cancellation_hooks:
            hook(order)
        loyalty_release_for_order(order)
        Payment.objects.filter(order=order, status=PaymentStatus.APPROVED).update(
            status=PaymentStatus.REFUND_REQUESTED, updated_at=now
        )
        Payment.objects.filter(
            order=order, status__in=[PaymentStatus.REQUESTED, PaymentStatus.AWAITING_DEPOSIT]
        ).update(status=PaymentStatus.CANCELLED, updated_at=now)
    if target == OrderStatus.DELIVERED:
        point_earn_for_order(order=order)
    if target == OrderStatus.REFUNDED:
        loyalty_release_for_order(order)
        Payment.objects.filter(order=order, status=PaymentStatus.APPROVED).update(
            status=PaymentStatus.REFUND_REQUESTED, updated_at=now
        )
    order.save(update_fields=fields)
    OrderStatusEvent.objects.create(
        order=order, previous=previous, current=target, note=note[:200], actor=actor, created_at=now
    )
    transaction.on_commit(partial(_event_send, order=order, previous=previous, current=target))
    return order


@transaction.atomic(durable=True)
def order_transition(*, order: Order, target: str, actor: User | None = None, note: str = "") -> Order:
    """Lock the order row and move it along one allowed edge (admin actions use this)."""
    locked = order_lock(Order.objects.filter(pk=order.pk)).get()
    return order_transition_locked(order=locked, target=target, actor=actor, note=note)


def order_cancel(*, order: Order, actor: User | None = None, by_customer: bool = True, note: str = "") -> Order:
    """Cancel before shipping: stock goes back once, an approved card payment is refunded after commit.

    Customers may cancel while the order is pending payment, paid or being prepared. Calling it twice
    (even at the same moment) cancels once; the second call raises DomainError(ALREADY_CANCELLED).
    The provider's refund is called after the cancelling transaction, never under the lock.
    """
    from shop.services.payments import payment_refund

    cancelled = _order_cancel_locked(order_id=order.pk, actor=actor, by_customer=by_customer, note=note)
    payment_refund(order=cancelled)
    return cancelled


@transaction.atomic(durable=True)
def _order_cancel_locked(*, order_id: int, actor: User | None, by_customer: bool, note: str) -> Order:
    order = order_lock(Order.objects.filter(pk=order_id)).get()
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(ALREADY_CANCELLED, code="already_cancelled", http_status=409)
    if by_customer and not order.is_cancellable:
        raise DomainError(NOT_CANCELLABLE, code="not_cancellable", http_status=409)
    default_note = "고객 요청으로 취소" if by_customer else "관리자 취소"
    return order_transition_locked(order=order, target=OrderStatus.CANCELLED, actor=actor, note=note or default_note)
