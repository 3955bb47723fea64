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
from shop.payments import ChargeOutcome, ChargeRequest, ChargeResult, payment_provider
from shop.services.orders import order_lock, order_transition_locked

logger = logging.getLogger(__name__)

NOT_AWAITING_DEPOSIT = _("입금을 기다리는 주문이 아니에요.")
PAYMENT_DECLINED_NOTE = "결제 거절: 예약한 재고를 되돌렸어요"
DEPOSIT_CONFIRMED_NOTE = "무통장 입금 확인"


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
    """Finalise a charge: approved -> paid, declined -> cancelled (stock back), deposit -> awaits it.

    Locks the order row. A result for an order that is no longer waiting (a retry, or a cancel that came
    first) changes nothing, so recording twice is harmless.
    """
    order = order_lock(Order.objects.filter(pk=order_id)).get()
    payment = Payment.objects.select_for_update().get(order=order)
    if (
        order.status == OrderStatus.CANCELLED
        and payment.status == PaymentStatus.CANCELLED
        and result.outcome == ChargeOutcome.APPROVED
    ):
        # The approval came after the order had expired: the money goes back (refunded after commit).
        payment.status = PaymentStatus.REFUND_REQUESTED
        payment.provider_ref = result.provider_ref
        payment.updated_at = timezone.now()
        payment.save(update_fields=["status", "provider_ref", "updated_at"])
        return order
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status != PaymentStatus.REQUESTED:
        return order
    now = timezone.now()
    payment.provider_ref = result.provider_ref
    payment.message = str(result.message)[:200]
    payment.updated_at = now
    if result.outcome == ChargeOutcome.APPROVED:
        payment.status = PaymentStatus.APPROVED
        payment.save(update_fields=["status", "provider_ref", "message", "updated_at"])
        return order_transition_locked(order=order, target=OrderStatus.PAID, note="카드 결제 승인")
    if result.outcome == ChargeOutcome.AWAITING_DEPOSIT:
        payment.status = PaymentStatus.AWAITING_DEPOSIT
        payment.bank_name = result.bank_name
        payment.account_number = result.account_number
        payment.deposit_deadline = result.deposit_deadline
        payment.save(
            update_fields=[
                "status",
                "provider_ref",
                "message",
                "bank_name",
                "account_number",
                "deposit_deadline",
                "updated_at",
            ]
        )
        return order
    payment.status = PaymentStatus.DECLINED
    payment.save(update_fields=["status", "provider_ref", "message", "updated_at"])
    return order_transition_locked(order=order, target=OrderStatus.CANCELLED, note=PAYMENT_DECLINED_NOTE)


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
    """Refund a payment marked refund-requested (after a cancel). Calls the provider outside any lock."""
    payment = Payment.objects.filter(order_id=order.pk, status=PaymentStatus.REFUND_REQUESTED).first()
    if payment is None:
        return None
    result = payment_provider().refund(provider_ref=payment.provider_ref, amount=payment.amount)
    if result.succeeded:
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.REFUND_REQUESTED).update(
            status=PaymentStatus.REFUNDED, message=str(result.message)[:200], updated_at=timezone.now()
        )
    payment.refresh_from_db()
    return payment
