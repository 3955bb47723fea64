"""Payments: the provider is called between two short transactions, never while a row is locked.

checkout: [tx1: create order + reserve stock] -> payment_charge (provider call) -> [tx2: payment_result_record]
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop.models import BANK_CHOICES, Order, OrderStatus, Payment, PaymentMethod, PaymentStatus
from shop.payments import (
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    ProviderUnavailable,
    RefundAccount,
    payment_provider,
)
from shop.services.orders import order_lock, order_transition_locked

logger = logging.getLogger(__name__)

NOT_AWAITING_DEPOSIT = _("입금을 기다리는 주문이 아니에요.")
PAYMENT_DECLINED_NOTE = "결제 거절: 예약한 재고를 되돌렸어요"
DEPOSIT_CONFIRMED_NOTE = "무통장 입금 확인"
DEPOSIT_CANCELLED_NOTE = "결제 대행사에서 결제가 취소됨"
REFUND_NOT_FAILED = _("환불에 실패한 결제가 아니에요.")
REFUND_ACCOUNT_INVALID = _("환불 받을 계좌를 확인해 주세요: 은행, 숫자 10~16자리 계좌 번호, 예금주를 모두 적어 주세요.")
REFUND_ACCOUNT_NOT_NEEDED = _("환불 계좌가 필요한 결제가 아니에요.")
REFUND_ACCOUNT_DIGITS = (10, 16)


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

    A provider that does not answer leaves it refund-requested; `payments_reconcile` (beat) tries again. One that
    refuses it (a 4xx: a virtual account without a refund account, ...) makes it refund-failed with the provider's
    code and message: retrying would be refused again, so it waits for staff (`payment_refund_retry`).
    """
    payment = Payment.objects.filter(order_id=order.pk, status=PaymentStatus.REFUND_REQUESTED).first()
    if payment is None:
        return None
    try:
        result = payment_provider().refund(
            provider_ref=payment.provider_ref,
            amount=payment.amount,
            refund_account=refund_account_for(payment),
            retry_round=payment.refund_retry_round,
        )
    except ProviderUnavailable:
        logger.warning("refund for order %s not answered; the reconcile job retries it", order.number)
        return payment
    still_requested = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.REFUND_REQUESTED)
    if result.succeeded:
        still_requested.update(
            status=PaymentStatus.REFUNDED, message=str(result.message)[:200], updated_at=timezone.now()
        )
    else:
        logger.warning("refund for order %s refused: %s %s", order.number, result.code, result.message)
        still_requested.update(
            status=PaymentStatus.REFUND_FAILED,
            refund_error_code=(result.code or "REFUSED")[:60],
            message=str(result.message)[:200],
            updated_at=timezone.now(),
        )
    payment.refresh_from_db()
    return payment


def refund_account_for(payment: Payment) -> RefundAccount | None:
    """The account a bank transfer's money goes back to, once the shopper or staff gave one."""
    if payment.method != PaymentMethod.BANK_TRANSFER or not payment.refund_account_number:
        return None
    return RefundAccount(
        bank_code=payment.refund_bank_code,
        account_number=payment.refund_account_number,
        holder_name=payment.refund_account_holder,
    )


def payment_refund_retry(*, order: Order) -> Payment:
    """Send a refused refund again once its cause is fixed (a refund account entered, ...): staff's action.

    Only a refund-failed payment moves back to refund-requested (a conditional UPDATE, so two clicks send one
    request), as a new round so the provider does not replay its earlier refusal. Raises DomainError (409)
    for any other payment. The provider is called outside any lock, as for every refund.
    """
    moved = Payment.objects.filter(order_id=order.pk, status=PaymentStatus.REFUND_FAILED).update(
        status=PaymentStatus.REFUND_REQUESTED,
        refund_error_code="",
        refund_retry_round=F("refund_retry_round") + 1,
        updated_at=timezone.now(),
    )
    if not moved:
        raise DomainError(REFUND_NOT_FAILED, code="refund_not_failed", http_status=409)
    refunded = payment_refund(order=order)
    if refunded is None:
        # The reconcile job refunded it between the UPDATE and here: it is settled all the same.
        return Payment.objects.get(order_id=order.pk)
    return refunded


def refund_account_number_normalize(value: str) -> str:
    """An account number as the bank prints it (110-123-456789) to digits only; DomainError when it is not one."""
    digits = "".join(character for character in value if character not in " -")
    if not digits.isdigit() or not REFUND_ACCOUNT_DIGITS[0] <= len(digits) <= REFUND_ACCOUNT_DIGITS[1]:
        raise DomainError(REFUND_ACCOUNT_INVALID, code="refund_account_invalid", http_status=400)
    return digits


def payment_refund_account_set(*, order: Order, bank_code: str, account_number: str, holder_name: str) -> Payment:
    """Record where a virtual account's money goes back (Toss needs it to cancel a deposited bank transfer).

    Only for bank-transfer payments not refunded yet; DomainError (400) for an unknown bank, a malformed number
    or no holder, (409) for any other payment. A targeted UPDATE: it never overwrites the payment's status.
    """
    holder = holder_name.strip()
    if bank_code not in dict(BANK_CHOICES) or not holder or len(holder) > 60:
        raise DomainError(REFUND_ACCOUNT_INVALID, code="refund_account_invalid", http_status=400)
    digits = refund_account_number_normalize(account_number)
    updated = (
        Payment.objects.filter(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER)
        .exclude(status=PaymentStatus.REFUNDED)
        .update(
            refund_bank_code=bank_code,
            refund_account_number=digits,
            refund_account_holder=holder,
            updated_at=timezone.now(),
        )
    )
    if not updated:
        raise DomainError(REFUND_ACCOUNT_NOT_NEEDED, code="refund_account_not_needed", http_status=409)
    return Payment.objects.get(order_id=order.pk)


def payment_refund_account_provide(*, order: Order, bank_code: str, account_number: str, holder_name: str) -> Payment:
    """The shopper gives the refund account a refused virtual-account refund waits for: record it and, when the
    refund had been refused, send it again. DomainError as payment_refund_account_set."""
    payment = payment_refund_account_set(
        order=order, bank_code=bank_code, account_number=account_number, holder_name=holder_name
    )
    if payment.status == PaymentStatus.REFUND_FAILED:
        return payment_refund_retry(order=order)
    return payment
