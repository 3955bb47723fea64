"""The payment gateway's side of checkout (Toss Payments): the success return URL, the virtual-account deposit
webhook, partial refunds and the reconciliation beat job.

Every entry point may arrive twice, late, out of order or at the same moment as another, so each one ends in
`payment_result_record`, which decides under the order's row lock and changes nothing the second time. The
provider is never called while a lock is held:

    return URL: [tx: lock order, re-check amount, note the paymentKey] -> confirm -> [tx: payment_result_record]
    webhook:    check the callback's secret -> ask Toss for the payment's state -> [tx: payment_result_record]
    status:     ask Toss for the payment's state -> [tx: record a cancel made at Toss, or payment_result_record]
    beat:       confirms never recorded -> ask Toss -> [tx: payment_result_record] -> refund what must go back
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop.models import ORDER_TRANSITIONS, Cart, Order, OrderLine, OrderStatus, Payment, PaymentStatus
from shop.payments import ChargeRequest, ChargeResult, ProviderUnavailable, payment_provider
from shop.services.cart import cart_checkout_settle
from shop.services.orders import order_cancel, order_lock, order_transition_locked
from shop.services.payments import payment_refund, payment_result_record, refund_account_for

logger = logging.getLogger(__name__)

ORDER_NOT_FOUND = _("결제할 주문을 찾지 못했어요. 주문 내역에서 확인해 주세요.")
AMOUNT_MISMATCH = _("결제 금액이 주문 금액과 달라서 주문을 취소했어요. 장바구니에서 다시 주문해 주세요.")
PAYMENT_KEY_MISMATCH = _("이미 다른 결제로 진행 중인 주문이에요. 주문 내역에서 확인해 주세요.")
CONFIRM_DELAYED = _(
    "결제 확인이 늦어지고 있어요. 돈이 두 번 나가지는 않으니, 잠시 후 주문 내역에서 결제 상태를 확인해 주세요."
)
CALLBACK_REJECTED = _("확인할 수 없는 입금 알림이에요.")
REFUND_TOO_LARGE = _("환불할 수 있는 금액보다 커요.")
REFUND_FAILED = _("환불하지 못했어요: {reason}")
AMOUNT_MISMATCH_NOTE = "결제 금액 불일치로 자동 취소"
CANCELLED_AT_PROVIDER_NOTE = "토스페이먼츠에서 결제가 취소됨"
CANCELLED_AT_PROVIDER_MESSAGE = _("결제 대행사에서 결제를 취소했어요.")
CANCELLED_AT_PROVIDER = ("CANCELED", "PARTIAL_CANCELED")
PAID_OR_REFUNDING = (
    PaymentStatus.APPROVED,
    PaymentStatus.REFUND_REQUESTED,
    PaymentStatus.REFUND_FAILED,
    PaymentStatus.REFUNDED,
)
WIDGET_ABANDONED_NOTE = "결제창에서 결제를 마치지 않아 취소"
# A confirm still unanswered after this long is asked about again by the beat job.
RECONCILE_AFTER = timedelta(minutes=2)


class PaymentDelayed(DomainError):
    """The gateway timed out or failed: the payment's fate is unknown, and the beat job will settle it."""

    code = "payment_delayed"
    http_status = 503


@dataclass(frozen=True)
class ReconcileReport:
    settled: int
    refunded: int
    still_unknown: int


@transaction.atomic(durable=True)
def _confirm_prepare(*, user: User, order_number: str, payment_key: str, amount: int) -> tuple[Order, bool]:
    """Lock the order, re-check the amount against it (a mismatch cancels it) and note the paymentKey.

    Returns (order, amount_matched). Once noted, the confirm counts as sent: if its answer is lost, the beat job
    asks Toss about it rather than letting the order expire.
    """
    order = order_lock(Order.objects.filter(user=user, number=order_number)).first()
    if order is None:
        raise DomainError(ORDER_NOT_FOUND, code="order_not_found", http_status=404)
    payment = Payment.objects.select_for_update().get(order=order)
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status != PaymentStatus.REQUESTED:
        return order, True
    if amount != order.total:
        logger.warning(
            "toss return for %s carried %s won, order total %s: cancelled", order.number, amount, order.total
        )
        return order_transition_locked(order=order, target=OrderStatus.CANCELLED, note=AMOUNT_MISMATCH_NOTE), False
    if payment.provider_ref and payment.provider_ref != payment_key:
        raise DomainError(PAYMENT_KEY_MISMATCH, code="payment_key_mismatch", http_status=409)
    payment.provider_ref = payment_key
    payment.needs_reconciling = True
    payment.updated_at = timezone.now()
    payment.save(update_fields=["provider_ref", "needs_reconciling", "updated_at"])
    return order, True


def payment_confirm_return(*, user: User, order_number: str, payment_key: str, amount: int) -> Order:
    """The widget's success URL: confirm the payment with the gateway and record the answer.

    Raises DomainError when the amount does not match the order (the order is cancelled first, its stock back)
    and PaymentDelayed (503) when the gateway does not answer after its retries; the beat job settles it then.
    A second return for an order already settled returns it as it is, never paying or reviving it.
    Must be called outside any transaction (it talks to the gateway).
    """
    order, amount_matched = _confirm_prepare(
        user=user, order_number=order_number, payment_key=payment_key, amount=amount
    )
    if not amount_matched:
        raise DomainError(AMOUNT_MISMATCH, code="amount_mismatch", http_status=400)
    payment = Payment.objects.get(order=order)
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status != PaymentStatus.REQUESTED:
        return order
    try:
        result = payment_provider().charge(
            ChargeRequest(
                order_number=order.number,
                amount=order.total,
                method=payment.method,
                buyer_name=order.recipient_name,
                payment_key=payment_key,
            )
        )
    except ProviderUnavailable as exc:
        logger.warning("toss confirm for %s unanswered (%s); the reconcile job will settle it", order.number, exc)
        raise PaymentDelayed(CONFIRM_DELAYED) from exc
    recorded = payment_result_record(order_id=order.pk, result=result)
    payment_refund(order=recorded)
    if recorded.status != OrderStatus.CANCELLED:
        _ordered_products_leave_cart(order=recorded)
    return recorded


def _ordered_products_leave_cart(*, order: Order) -> None:
    cart = Cart.objects.filter(user_id=order.user_id).first()
    if cart is not None:
        product_ids = list(OrderLine.objects.filter(order=order).values_list("product_id", flat=True))
        cart_checkout_settle(cart_id=cart.pk, product_ids=product_ids)


def payment_fail_return(*, user: User, order_number: str) -> Order | None:
    """The widget's fail URL: the shopper closed the window or the card company refused before any confirm.

    Nothing was charged, so the waiting order is cancelled and its stock goes back (the cart still holds the
    products for another try). An order whose confirm was already sent is left to the reconcile job.
    Returns the order, or None when it is not the shopper's.
    """
    order = Order.objects.filter(user=user, number=order_number).select_related("payment").first()
    if order is None:
        return None
    payment = order.payment
    if (
        order.status == OrderStatus.PENDING_PAYMENT
        and payment.status == PaymentStatus.REQUESTED
        and not payment.needs_reconciling
    ):
        try:
            return order_cancel(order=order, actor=user, by_customer=False, note=WIDGET_ABANDONED_NOTE)
        except DomainError:
            pass
    return Order.objects.get(pk=order.pk)


def payment_deposit_callback(*, order_number: str, secret: str) -> Order:
    """Toss's DEPOSIT_CALLBACK for a virtual account (입금 완료 DONE, 입금 취소 CANCELED).

    The callback proves itself with the `secret` Toss returned when it issued the account; one that does not
    match is refused (DomainError 403). Its status is not trusted for ordering: replayed or out-of-order callbacks
    are common, so the payment's current state is read from Toss and recorded, which is idempotent.
    Raises ProviderUnavailable when Toss cannot be asked (answer 5xx: Toss sends the callback again later).
    """
    payment = Payment.objects.filter(order__number=order_number).select_related("order").first()
    if payment is None or not secret:
        raise DomainError(CALLBACK_REJECTED, code="callback_rejected", http_status=403)
    if payment.callback_secret and not constant_time_compare(payment.callback_secret, secret):
        raise DomainError(CALLBACK_REJECTED, code="callback_rejected", http_status=403)
    current = payment_provider().lookup(provider_ref=payment.provider_ref, order_number=order_number)
    # A callback that overtook the return URL's confirm: only Toss knows the secret so far.
    if not constant_time_compare(current.callback_secret or payment.callback_secret, secret):
        raise DomainError(CALLBACK_REJECTED, code="callback_rejected", http_status=403)
    recorded = payment_result_record(order_id=payment.order_id, result=current)
    payment_refund(order=recorded)
    return recorded


def payment_status_changed(*, order_number: str) -> Order | None:
    """Toss's PAYMENT_STATUS_CHANGED webhook: a payment changed at Toss (cancelled in Toss's console, aborted,
    expired, approved).

    The body proves nothing (the webhook carries no secret), so it only says which payment to look at: its state
    is read from Toss and decided under the order's row lock, as for the deposit callback. Cancelled at Toss
    (CANCELED / PARTIAL_CANCELED) for a paid order: the payment is marked refunded (partly: the amount is
    recorded) and a fully cancelled order is cancelled (stock back) or, once delivered, refunded; nothing is sent
    back to Toss. Anything else (ABORTED, EXPIRED, DONE, ...) goes through `payment_result_record`, so a pending
    order is let go or paid. Replays and out-of-order events read the same current state and change nothing more.
    Returns None for an order that is not ours or a payment Toss does not hold; raises ProviderUnavailable when
    Toss cannot be asked (the webhook is answered 503 and Toss sends it again).
    """
    payment = Payment.objects.filter(order__number=order_number).select_related("order").first()
    if payment is None:
        return None
    current = payment_provider().lookup(provider_ref=payment.provider_ref, order_number=order_number)
    if not current.status:
        return None  # Toss holds no such payment: a forged or early event must not cancel a shopper's order
    recorded = None
    if current.status in CANCELLED_AT_PROVIDER:
        recorded = _cancellation_at_provider_record(order_id=payment.order_id, result=current)
    if recorded is None:
        recorded = payment_result_record(order_id=payment.order_id, result=current)
    payment_refund(order=recorded)
    return recorded


@transaction.atomic(durable=True)
def _cancellation_at_provider_record(*, order_id: int, result: ChargeResult) -> Order | None:
    """Record money Toss gave back by itself, under the order's lock. None when the payment was never paid
    (pending: payment_result_record lets that order go)."""
    order = order_lock(Order.objects.filter(pk=order_id)).get()
    payment = Payment.objects.select_for_update().get(order=order)
    if payment.status not in PAID_OR_REFUNDING:
        return None
    payment.refunded_amount = max(payment.refunded_amount, min(result.cancelled_amount, payment.amount))
    payment.updated_at = timezone.now()
    fields = ["refunded_amount", "updated_at"]
    if result.status != "CANCELED":
        payment.save(update_fields=fields)
        return order
    # Marked refunded first, so the order's cancellation below asks for no refund of its own.
    payment.status = PaymentStatus.REFUNDED
    payment.message = str(CANCELLED_AT_PROVIDER_MESSAGE)
    payment.save(update_fields=[*fields, "status", "message"])
    target = OrderStatus.REFUNDED if order.status == OrderStatus.DELIVERED else OrderStatus.CANCELLED
    if target in ORDER_TRANSITIONS[order.status]:
        return order_transition_locked(order=order, target=target, note=CANCELLED_AT_PROVIDER_NOTE)
    if order.status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        logger.warning("payment for %s cancelled at Toss while the order is %s", order.number, order.status)
    return order


def payment_refund_partial(*, order: Order, amount: int, reason: str) -> Payment:
    """Give part of an approved payment back (부분 취소). Calls the provider outside any lock, then records it.

    Two shoppers' clicks cannot refund more than was paid: the amount is re-checked by a conditional UPDATE.
    """
    payment = Payment.objects.get(order=order)
    if payment.status != PaymentStatus.APPROVED or amount <= 0 or payment.refunded_amount + amount > payment.amount:
        raise DomainError(REFUND_TOO_LARGE, code="refund_too_large", http_status=409)
    result = payment_provider().refund(
        provider_ref=payment.provider_ref,
        amount=amount,
        reason=reason,
        partial=True,
        refund_account=refund_account_for(payment),
    )
    if not result.succeeded:
        raise DomainError(REFUND_FAILED.format(reason=result.message), code="refund_failed", http_status=502)
    if result.cancelled_total is not None:
        # The provider's own total: a status-changed webhook that already recorded this cancel is not added twice.
        Payment.objects.filter(pk=payment.pk).update(
            refunded_amount=Greatest(F("refunded_amount"), result.cancelled_total), updated_at=timezone.now()
        )
    else:
        Payment.objects.filter(pk=payment.pk, refunded_amount__lte=payment.amount - amount).update(
            refunded_amount=F("refunded_amount") + amount, updated_at=timezone.now()
        )
    payment.refresh_from_db()
    return payment


def payments_reconcile(*, now: datetime | None = None) -> ReconcileReport:
    """The beat job: settle confirms whose answer was never recorded, and retry refunds that failed.

    A payment whose confirm was sent (`needs_reconciling`) more than RECONCILE_AFTER ago is looked up at the
    gateway: approved -> the order is paid (or, if it was cancelled meanwhile, refunded); declined -> cancelled.
    Payments marked for refund are refunded again. Idempotent: each payment is settled through
    `payment_result_record` under its order's lock. Memory: one payment at a time.
    """
    now = now or timezone.now()
    provider = payment_provider()
    settled = refunded = unknown = 0
    due = Payment.objects.filter(needs_reconciling=True, updated_at__lt=now - RECONCILE_AFTER).select_related("order")
    for payment in due.order_by("pk").iterator(chunk_size=100):
        try:
            current = provider.lookup(provider_ref=payment.provider_ref, order_number=payment.order.number)
        except ProviderUnavailable as exc:
            logger.warning("reconcile: payment for %s still unknown (%s)", payment.order.number, exc)
            unknown += 1
            continue
        payment_result_record(order_id=payment.order_id, result=current)
        settled += 1
    refund_due = Payment.objects.filter(status=PaymentStatus.REFUND_REQUESTED).select_related("order")
    for payment in refund_due.order_by("pk").iterator(chunk_size=100):
        done = payment_refund(order=payment.order)
        if done is not None and done.status == PaymentStatus.REFUNDED:
            refunded += 1
    return ReconcileReport(settled=settled, refunded=refunded, still_unknown=unknown)
