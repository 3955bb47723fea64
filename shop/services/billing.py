"""정기배송 with a payment gateway (Toss 자동결제): the shopper registers a card once, each delivery is charged with
its billing key.

    register: requestBillingAuth (browser) -> success URL with authKey -> issue the billing key -> store it encrypted
    delivery: [tx: lock order, mark the charge as sent] -> POST /v1/billing/{billingKey} -> [tx: payment_result_record]

The charge's Idempotency-Key is the delivery's order (one order per subscription and due date), so a retried or
repeated charge is answered with the first result, never charged twice; an unanswered one is settled by the
reconcile beat job (it asks Toss by orderId), exactly like a widget confirm whose answer was lost.
"""

from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop.models import BillingKey, Order, OrderLine, OrderStatus, Payment, PaymentStatus
from shop.payments import (
    BillingChargeRequest,
    ChargeOutcome,
    ChargeResult,
    ProviderRefused,
    ProviderUnavailable,
    payment_provider,
)
from shop.services.orders import order_lock
from shop.services.payments import payment_refund, payment_result_record

logger = logging.getLogger(__name__)

CARD_REGISTER_MISMATCH = _("카드 등록 정보가 맞지 않아요. 다시 시도해 주세요.")
CARD_REGISTER_REFUSED = _("카드를 등록하지 못했어요: {reason}")
CARD_REGISTER_DELAYED = _("카드 등록 확인이 늦어지고 있어요. 잠시 후 다시 시도해 주세요.")
NO_BILLING_CARD = _("정기결제 카드가 없어 결제하지 못했어요. 정기배송 페이지에서 카드를 등록해 주세요.")


def customer_key_for(user: User) -> str:
    """The opaque customerKey Toss knows the shopper by (never the user id itself)."""
    return "c" + salted_hmac("toss-customer-key", str(user.pk)).hexdigest()[:40]


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"billing-key:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def billing_key_register(*, user: User, auth_key: str, customer_key: str) -> BillingKey:
    """The billing-auth success URL: exchange the authKey for a billing key and keep it (encrypted) as the
    shopper's card for 정기배송, replacing an earlier one. Must be called outside any transaction.

    DomainError 400 when the customerKey is not this shopper's or Toss refuses the authKey, 503 when Toss does not
    answer (the authKey can be used again).
    """
    provider = payment_provider()
    if not provider.uses_widget or not auth_key or not constant_time_compare(customer_key, customer_key_for(user)):
        # The demo provider charges subscriptions on the server: it registers no card.
        raise DomainError(CARD_REGISTER_MISMATCH, code="billing_auth_mismatch", http_status=400)
    try:
        issued = provider.billing_key_issue(auth_key=auth_key, customer_key=customer_key)
    except ProviderRefused as exc:
        raise DomainError(
            CARD_REGISTER_REFUSED.format(reason=exc.message), code="billing_auth_refused", http_status=400
        ) from exc
    except ProviderUnavailable as exc:
        raise DomainError(CARD_REGISTER_DELAYED, code="billing_auth_delayed", http_status=503) from exc
    card, _created = BillingKey.objects.update_or_create(
        user=user,
        defaults={
            "provider": provider.code,
            "customer_key": customer_key,
            "encrypted_key": _fernet().encrypt(issued.billing_key.encode()).decode(),
            "card_label": issued.card_label[:60],
            "created_at": timezone.now(),
        },
    )
    return card


@transaction.atomic(durable=True)
def _charge_prepare(*, order_id: int) -> bool:
    """Under the order's lock: is this delivery still to be charged? If so, mark the charge as sent, so a lost
    answer is asked about by the reconcile job rather than the order expiring while the card was charged."""
    order = order_lock(Order.objects.filter(pk=order_id)).get()
    payment = Payment.objects.select_for_update().get(order=order)
    if order.status != OrderStatus.PENDING_PAYMENT or payment.status != PaymentStatus.REQUESTED:
        return False
    payment.needs_reconciling = True
    payment.updated_at = timezone.now()
    payment.save(update_fields=["needs_reconciling", "updated_at"])
    return True


def payment_billing_charge(*, order: Order) -> Order:
    """Charge one subscription delivery's order to the shopper's registered card and record the answer.

    No card: the order is cancelled (stock back) with a message saying to register one. A decline cancels it
    with the card company's message. No answer: it stays pending with the charge marked as sent, and the reconcile
    job settles it. Calling it again for the same order charges nothing twice (same Idempotency-Key, and a settled
    order is not charged at all). Must be called outside any transaction.
    """
    card = BillingKey.objects.filter(user_id=order.user_id).first()
    if card is None:
        return payment_result_record(
            order_id=order.pk, result=ChargeResult(outcome=ChargeOutcome.DECLINED, message=str(NO_BILLING_CARD))
        )
    if not _charge_prepare(order_id=order.pk):
        return Order.objects.get(pk=order.pk)
    names = list(OrderLine.objects.filter(order=order).order_by("pk").values_list("product_name", flat=True)[:1])
    request = BillingChargeRequest(
        billing_key=_fernet().decrypt(card.encrypted_key.encode()).decode(),
        customer_key=card.customer_key,
        order_number=order.number,
        order_name=(names[0] if names else order.number)[:100],
        amount=order.total,
    )
    try:
        result = payment_provider().billing_charge(request)
    except ProviderUnavailable as exc:
        logger.warning("billing charge for %s unanswered (%s); the reconcile job settles it", order.number, exc)
        return Order.objects.get(pk=order.pk)
    recorded = payment_result_record(order_id=order.pk, result=result)
    payment_refund(order=recorded)
    return recorded
