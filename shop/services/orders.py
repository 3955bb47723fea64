"""Order state changes: one transition table (shop.models.ORDER_TRANSITIONS), one service that applies it.

Every transition locks the order row, records an OrderStatusEvent with the time, and sends
`order_status_changed` (and `order_paid` when it becomes paid) after commit. Cancelling puts the reserved
stock back exactly once (guarded by `Order.stock_released` under the order's row lock).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from itertools import pairwise

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop import signals
from shop.history_notes import order_note_encode
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
from shop.services.catalog import product_page_changed
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


def _order_number_candidate(day) -> str:
    suffix = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _i in range(ORDER_NUMBER_SUFFIX_LENGTH))
    return f"{day:%Y%m%d}-{suffix}"


def order_number_new(*, placed_at=None) -> str:
    """A human-friendly order number: the Seoul date and six random digits, e.g. 20261123-480213.

    Numbers already taken are drawn again; the unique constraint on Order.number is the final guard.
    """
    day = timezone.localdate(placed_at or timezone.now())
    while True:
        number = _order_number_candidate(day)
        if not Order.objects.filter(number=number).exists():
            return number


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
    product_page_changed(product_ids=quantities)
    order.stock_released = True


def _event_send(*, order: Order, previous: str, current: str) -> None:
    signals.order_status_changed.send(sender=Order, order=order, previous=previous, current=current)
    if current == OrderStatus.PAID:
        signals.order_paid.send(sender=Order, order=order)


def order_transition_locked(
    *,
    order: Order,
    target: str,
    actor: User | None = None,
    note: str = "",
    note_params: dict[str, str] | None = None,
    at=None,
) -> Order:
    """Move a LOCKED order along one allowed edge. The caller holds `order_lock` inside a transaction.

    `note` is a code of shop.history_notes.ORDER_NOTES (with `note_params`), which pages render in the reader's
    language; a known Korean note text is stored as its code too, anything else as free text.

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
    note_code, free_text = order_note_encode(note)
    OrderStatusEvent.objects.create(
        order=order,
        previous=previous,
        current=target,
        note=free_text[:200],
        note_code=note_code,
        note_params=note_params or {},
        actor=actor,
        created_at=now,
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
    default_note = "cancelled_by_customer" if by_customer else "cancelled_by_admin"
    return order_transition_locked(order=order, target=OrderStatus.CANCELLED, actor=actor, note=note or default_note)


UNANSWERED_CARD_PAYMENT_MINUTES = 30
EXPIRED_NOTE = "expired_unpaid"


def orders_expire_unpaid(*, now: datetime | None = None) -> int:
    """Cancel orders that will not be paid: bank transfers past their deposit deadline, and card payments the
    provider never answered (older than UNANSWERED_CARD_PAYMENT_MINUTES). Their stock goes back.

    Each order is cancelled through `order_cancel`, under its own row lock; an order paid in the meantime is
    skipped. Running twice cancels nothing more. Returns how many orders were cancelled.
    """
    now = now or timezone.now()
    due = Order.objects.filter(status=OrderStatus.PENDING_PAYMENT).filter(
        Q(payment__status=PaymentStatus.AWAITING_DEPOSIT, payment__deposit_deadline__lt=now)
        | Q(
            payment__status=PaymentStatus.REQUESTED,
            # A confirm already sent to the gateway is settled by `payments_reconcile`, never expired blind.
            payment__needs_reconciling=False,
            placed_at__lt=now - timedelta(minutes=UNANSWERED_CARD_PAYMENT_MINUTES),
        )
    )
    cancelled = 0
    for order in due.order_by("pk").iterator(chunk_size=200):
        try:
            order_cancel(order=order, by_customer=False, note=EXPIRED_NOTE)
        except DomainError:
            continue
        cancelled += 1
    return cancelled


# --- historical import (demo history, benchmarks) ---------------------------------------------------------------

# The way an order travels to each final state, one allowed edge at a time.
HISTORY_PATHS: dict[str, tuple[str, ...]] = {
    OrderStatus.PENDING_PAYMENT: (OrderStatus.PENDING_PAYMENT,),
    OrderStatus.PAID: (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
    OrderStatus.PREPARING: (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PREPARING),
    OrderStatus.SHIPPED: (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PREPARING, OrderStatus.SHIPPED),
    OrderStatus.DELIVERED: (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.PREPARING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ),
    OrderStatus.CANCELLED: (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.REFUNDED: (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.PREPARING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.REFUNDED,
    ),
}
# How long after the previous step each step happened, in hours (paid minutes later, delivery days later).
_STEP_HOURS: dict[str, float] = {
    OrderStatus.PAID: 0.05,
    OrderStatus.PREPARING: 14,
    OrderStatus.SHIPPED: 20,
    OrderStatus.DELIVERED: 30,
    OrderStatus.CANCELLED: 3,
    OrderStatus.REFUNDED: 96,
}
_PAYMENT_STATUS_FOR: dict[str, str] = {
    OrderStatus.PENDING_PAYMENT: PaymentStatus.AWAITING_DEPOSIT,
    OrderStatus.CANCELLED: PaymentStatus.REFUNDED,
    OrderStatus.REFUNDED: PaymentStatus.REFUNDED,
}
_STEP_NOTES: dict[str, str] = {
    OrderStatus.PENDING_PAYMENT: "placed",
    OrderStatus.CANCELLED: "cancelled_by_customer",
    OrderStatus.REFUNDED: "returned_refunded",
}


@dataclass(frozen=True)
class HistoricalOrder:
    """One past order to import: who, what (product, quantity), when, and where it ended up."""

    user: User
    items: Sequence[tuple[Product, int]]
    placed_at: datetime
    final_status: str
    idempotency_key: object  # uuid.UUID; the natural key that makes the import idempotent
    recipient_name: str
    phone: str
    postal_code: str
    address1: str
    address2: str = ""
    memo: str = ""
    payment_method: str = "card"


def orders_import_historical(*, orders: Sequence[HistoricalOrder], provider: str = "demo") -> int:
    """Write past orders in bulk with the same invariants as checkout, and return how many were new.

    Same as checkout: line prices and the address are snapshotted, totals follow the cart's pricing rule
    (per-shop shipping), every status step is one allowed edge of ORDER_TRANSITIONS with its own time, one
    payment per order. Different on purpose: stock is not reserved (these goods left the shelves in the past;
    today's stock is today's count), and no signals are sent (history must not trigger live nudges).
    Idempotent on (user, idempotency_key): orders already imported are skipped.
    """
    from shop.models import PaymentMethod
    from shop.selectors.cart import PricedLine, checkout_info_build

    if not orders:
        return 0
    existing = set(
        Order.objects.filter(
            user_id__in={o.user.pk for o in orders}, idempotency_key__in=[o.idempotency_key for o in orders]
        ).values_list("user_id", "idempotency_key")
    )
    todo = [o for o in orders if (o.user.pk, o.idempotency_key) not in existing and o.items]
    if not todo:
        return 0
    numbers = _historical_numbers(todo)
    rows: list[Order] = []
    infos = []
    for entry, number in zip(todo, numbers, strict=True):
        path = HISTORY_PATHS[entry.final_status]
        for previous, current in pairwise(path):
            if current not in ORDER_TRANSITIONS[previous]:
                raise DomainError(TRANSITION_NOT_ALLOWED.format(current=previous, target=current))
        info = checkout_info_build(
            lines=[PricedLine(product=product, quantity=qty, seen_price=product.price) for product, qty in entry.items]
        )
        infos.append(info)
        times = _step_times(entry.placed_at, path)
        rows.append(
            Order(  # type: ignore[misc]
                number=number,
                user=entry.user,
                status=entry.final_status,
                idempotency_key=entry.idempotency_key,
                recipient_name=entry.recipient_name,
                phone=entry.phone,
                postal_code=entry.postal_code,
                address1=entry.address1,
                address2=entry.address2,
                memo=entry.memo,
                subtotal=info.subtotal,
                shipping_fee=info.shipping_fee,
                total=info.total,
                stock_released=entry.final_status == OrderStatus.CANCELLED,
                placed_at=entry.placed_at,
                paid_at=times.get(OrderStatus.PAID),
                cancelled_at=times.get(OrderStatus.CANCELLED),
            )
        )
    with transaction.atomic():
        created = Order.objects.bulk_create(rows, batch_size=1000)
        lines, payments, events = [], [], []
        for order, entry, info in zip(created, todo, infos, strict=True):
            path = HISTORY_PATHS[entry.final_status]
            times = _step_times(entry.placed_at, path)
            for line in info.lines:
                lines.append(
                    OrderLine(
                        order=order,
                        product=line.product,
                        store_id=line.product.store_id,
                        product_name=line.product.name,
                        store_name=line.product.store.name,
                        unit_price=line.unit_price,
                        list_price=line.list_price,
                        quantity=line.quantity,
                        line_total=line.line_total,
                    )
                )
            method = entry.payment_method
            if entry.final_status == OrderStatus.PENDING_PAYMENT:
                method = PaymentMethod.BANK_TRANSFER
            payments.append(
                Payment(
                    order=order,
                    provider=provider,
                    method=method,
                    amount=order.total,
                    status=_PAYMENT_STATUS_FOR.get(entry.final_status, PaymentStatus.APPROVED),
                    provider_ref=f"{provider}-history-{order.number}",
                    bank_name="동네은행" if method == PaymentMethod.BANK_TRANSFER else "",
                    account_number=f"100-{order.number.replace('-', '')[-9:]}"
                    if method == PaymentMethod.BANK_TRANSFER
                    else "",
                    deposit_deadline=entry.placed_at + timedelta(days=3)
                    if method == PaymentMethod.BANK_TRANSFER
                    else None,
                    created_at=entry.placed_at,
                    updated_at=times[path[-1]],
                )
            )
            previous = ""
            for status in path:
                note_code = _STEP_NOTES.get(status, "")
                if status == OrderStatus.PAID:
                    note_code = "deposit_confirmed" if method == PaymentMethod.BANK_TRANSFER else "card_approved"
                events.append(
                    OrderStatusEvent(
                        order=order,
                        previous=previous,
                        current=status,
                        note_code=note_code,
                        created_at=times[status],
                    )
                )
                previous = status
        OrderLine.objects.bulk_create(lines, batch_size=2000)
        Payment.objects.bulk_create(payments, batch_size=2000)
        OrderStatusEvent.objects.bulk_create(events, batch_size=2000)
    return len(created)


def _step_times(placed_at: datetime, path: Sequence[str]) -> dict[str, datetime]:
    times = {path[0]: placed_at}
    at = placed_at
    for status in path[1:]:
        at = at + timedelta(hours=_STEP_HOURS[status])
        times[status] = at
    return times


def _historical_numbers(entries: Sequence[HistoricalOrder]) -> list[str]:
    """Order numbers for a batch: unique within the batch and against the table (one query per retry round)."""
    numbers = [_order_number_candidate(timezone.localdate(entry.placed_at)) for entry in entries]
    while True:
        seen: set[str] = set()
        clashes = set(Order.objects.filter(number__in=numbers).values_list("number", flat=True))
        redo = False
        for index, number in enumerate(numbers):
            if number in seen or number in clashes:
                numbers[index] = _order_number_candidate(timezone.localdate(entries[index].placed_at))
                redo = True
            seen.add(numbers[index])
        if not redo:
            return numbers
