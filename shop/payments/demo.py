"""The built-in demo provider: approves or declines a card as the shopper chose, or opens a virtual account."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import PaymentMethod
from shop.payments import (
    BillingChargeRequest,
    BillingKeyIssued,
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    RefundAccount,
    RefundResult,
)

DEMO_DECLINE = "decline"
DEMO_BANK_NAME = "동네은행"
DEPOSIT_DAYS = 3


class DemoPaymentProvider:
    code = "demo"
    uses_widget = False

    def charge(self, request: ChargeRequest) -> ChargeResult:
        ref = "demo-" + hashlib.sha256(request.order_number.encode()).hexdigest()[:16]
        if request.method == PaymentMethod.BANK_TRANSFER:
            digits = str(int(hashlib.sha256(request.order_number.encode()).hexdigest(), 16))[:12]
            return ChargeResult(
                outcome=ChargeOutcome.AWAITING_DEPOSIT,
                provider_ref=ref,
                message=_("가상 계좌를 만들었어요."),
                bank_name=DEMO_BANK_NAME,
                account_number=f"{digits[:3]}-{digits[3:9]}-{digits[9:12]}",
                deposit_deadline=timezone.now() + timedelta(days=DEPOSIT_DAYS),
            )
        if request.demo_outcome == DEMO_DECLINE:
            return ChargeResult(
                outcome=ChargeOutcome.DECLINED,
                provider_ref=ref,
                message=_("카드사에서 결제를 승인하지 않았어요. 다른 카드로 다시 시도해 주세요."),
            )
        return ChargeResult(outcome=ChargeOutcome.APPROVED, provider_ref=ref, message=_("결제가 승인되었어요."))

    def refund(
        self,
        *,
        provider_ref: str,
        amount: int,
        reason: str = "",
        partial: bool = False,
        refund_account: RefundAccount | None = None,
        retry_round: int = 0,
    ) -> RefundResult:
        return RefundResult(succeeded=True, message=_("환불되었어요."))

    def lookup(self, *, provider_ref: str = "", order_number: str = "") -> ChargeResult:
        return ChargeResult(outcome=ChargeOutcome.APPROVED, provider_ref=provider_ref)

    # The demo charges a subscription's delivery at checkout like any order: it registers no card to charge later.
    def billing_key_issue(self, *, auth_key: str, customer_key: str) -> BillingKeyIssued:
        raise NotImplementedError("the demo payment provider registers no cards (uses_widget is False)")

    def billing_charge(self, request: BillingChargeRequest) -> ChargeResult:
        raise NotImplementedError("the demo payment provider charges no registered cards (uses_widget is False)")
