"""Payments: the provider is called between two short transactions, never while a row is locked.

checkout: [tx1: create order + reserve stock] -> payment_charge (provider call) -> [tx2: payment_result_record]
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop.models import Order, OrderStatus, Payment, PaymentMethod, PaymentStatus
from shop.payments import ChargeOutcome, ChargeRequest, ChargeResult, ProviderUnavailable, payment_provider
from shop.services.orders import order_lock, order_transition_locked

logger = logging.getLogger(__name__)

NOT_AWAITING_DEPOSIT = _("입금을 기다리는 주문이 아니에요.")
PAYMENT_DECLINED_NOTE = "결제 거절: 예약한 재고를 되돌렸어요"
DEPOSIT_CONFIRMED_NOTE = "무통장 입금 확인"
DEPOSIT_CANCELLED_NOTE = "결제 대행사에서 결제가 취소됨"


def payment_charge(*, order: Order, demo_outcome: str = "") -> Order:
    """Ask the provider to charge the order, then record the result under the order's lock.

    Must be called outside any transaction that holds locks (it talks to the provider).
    A provider that fails or times out leaves the order pending payment with its stock reserved (we cannot
    know whether money moved); `orders_expire_unpaid` cancels it later if no answer comes.
    """
    payment = Payment.objects.get(order=order)
    if payment.status != PaymentStatus.REQUESTED:
        return Order.objects.get(pk=order.pk)
    try:
        result = payment_provider().charge(
            ChargeRequest(
                order_number=order.number,
                amount=order.total,
                method=payment.method,
                buyer_name=order.recipient_name,
                demo_outcome=demo_outcome,
            )
        )
    except Exception:
        logger.exception("payment provider failed for order %s; left pending for expiry", order.number)
        return Order.objects.get(pk=order.pk)
    recorded = payment_result_record(order_id=order.pk, result=result)
    payment_refund(order=recorded)
    return recorded


@transaction.atomic(durable=True)
def payment_result_record(*, order_id: int, result: ChargeResult) -> Order:
    """Record what the provider answered, under the order's lock.

    Pending order: approved -> paid; declined or cancelled -> cancelled (stock back); deposit -> awaits it, and a
    deposit that then arrives (approved) -> paid. A cancelled order is never revived: money approved for it is
    marked for refund (refunded by the caller after commit, outside the lock). Anything else changes nothing,
    so the same answer recorded twice (a retried return URL, a replayed webhook) is harmless.
    """
    order = order_lock(Order.objects.filter(pk=order_id)).get()
    payment = Payment.objects.select_for_update().get(order=order)
    now = timezone.now()
    fields = ["needs_reconciling", "updated_at"]
    payment.needs_reconciling = False
    payment.updated_at = now
    if result.callback_secret and not payment.callback_secret:
        payment.callback_secret = result.callback_secret
        fields.append("callback_secret")
    if order.status == OrderStatus.CANCELLED:
        if result.outcome == ChargeOutcome.APPROVED and payment.status in (
            PaymentStatus.CANCELLED,
            PaymentStatus.REQUESTED,
            PaymentStatus.AWAITING_DEPOSIT,
        ):
            # The approval came after the order had been cancelled: the money goes back.
            payment.status = PaymentStatus.REFUND_REQUESTED
            payment.provider_ref = result.provider_ref or payment.provider_ref
            fields += ["status", "provider_ref"]
        payment.save(update_fields=fields)
        return order
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status not in (
        PaymentStatus.REQUESTED,
        PaymentStatus.AWAITING_DEPOSIT,
    ):
        payment.save(update_fields=fields)
        return order
    if payment.status == PaymentStatus.AWAITING_DEPOSIT and result.outcome == ChargeOutcome.AWAITING_DEPOSIT:
        payment.save(update_fields=fields)
        return order
    payment.provider_ref = result.provider_ref or payment.provider_ref
    payment.message = str(result.message)[:200]
    fields += ["provider_ref", "message"]
    if result.outcome == ChargeOutcome.APPROVED:
        note = DEPOSIT_CONFIRMED_NOTE if payment.status == PaymentStatus.AWAITING_DEPOSIT else "카드 결제 승인"
        payment.status = PaymentStatus.APPROVED
        payment.save(update_fields=[*fields, "status"])
        return order_transition_locked(order=order, target=OrderStatus.PAID, note=note)
    if result.outcome == ChargeOutcome.AWAITING_DEPOSIT:
        payment.status = PaymentStatus.AWAITING_DEPOSIT
        payment.method = PaymentMethod.BANK_TRANSFER  # the widget may open a virtual account for a "card" order
        payment.bank_name = result.bank_name
        payment.account_number = result.account_number
        payment.deposit_deadline = result.deposit_deadline
        payment.save(update_fields=[*fields, "status", "method", "bank_name", "account_number", "deposit_deadline"])
        return order
    payment.status = PaymentStatus.DECLINED
    payment.save(update_fields=[*fields, "status"])
    note = PAYMENT_DECLINED_NOTE if result.outcome == ChargeOutcome.DECLINED else DEPOSIT_CANCELLED_NOTE
    return order_transition_locked(order=order, target=OrderStatus.CANCELLED, note=note)


@transaction.atomic(durable=True)
def payment_deposit_confirm(*, order: Order, actor: User | None = None) -> Order:
    """입금 확인 (admin): a bank transfer arrived, so the order becomes paid. Locks the order row."""
    locked = order_lock(Order.objects.filter(pk=order.pk)).get()
    payment = Payment.objects.select_for_update().filter(order=locked).first()
    if (
        payment is None
        or payment.method != PaymentMethod.BANK_TRANSFER
        or payment.status != PaymentStatus.AWAITING_DEPOSIT
        or locked.status != OrderStatus.PENDING_PAYMENT
    ):
        raise DomainError(NOT_AWAITING_DEPOSIT, code="not_awaiting_deposit", http_status=409)
    payment.status = PaymentStatus.APPROVED
    payment.updated_at = timezone.now()
    payment.save(update_fields=["status", "updated_at"])
    return order_transition_locked(order=locked, target=OrderStatus.PAID, actor=actor, note=DEPOSIT_CONFIRMED_NOTE)


def payment_refund(*, order: Order) -> Payment | None:
    """Refund a payment marked refund-requested (after a cancel). Calls the provider outside any lock.

    A provider that does not answer leaves it refund-requested; `payments_reconcile` (beat) tries again.
    """
    payment = Payment.objects.filter(order_id=order.pk, status=PaymentStatus.REFUND_REQUESTED).first()
    if payment is None:
        return None
    try:
        result = payment_provider().refund(provider_ref=payment.provider_ref, amount=payment.amount)
    except ProviderUnavailable:
        logger.warning("refund for order %s not answered; the reconcile job retries it", order.number)
        return payment
    if result.succeeded:
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.REFUND_REQUESTED).update(
            status=PaymentStatus.REFUNDED, message=str(result.message)[:200], updated_at=timezone.now()
        )
    payment.refresh_from_db()
    return payment
