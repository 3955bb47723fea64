"""Toss Payments (토스페이먼츠) through its documented REST API v1; the card is taken by the payment widget.

The widget in the shopper's browser hands back `paymentKey`, `orderId` and `amount` on the success URL; the server
confirms with `POST /v1/payments/confirm` (Basic auth: base64 of "<secret key>:"), cancels with
`POST /v1/payments/{paymentKey}/cancel` (`cancelReason`, `cancelAmount` for a partial cancel) and looks a payment
up with `GET /v1/payments/{paymentKey}`. Every POST carries an `Idempotency-Key` derived from the order, so a
confirm retried after a timeout or a 5xx cannot charge twice: Toss answers a repeated key with the first result.
Keys come from the environment (TOSS_CLIENT_KEY, TOSS_SECRET_KEY, TOSS_API_BASE); tests point TOSS_API_BASE at a
local fake server.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from datetime import datetime
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from shop.models import BANK_CHOICES
from shop.payments import (
    BillingChargeRequest,
    BillingKeyIssued,
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    ProviderRefused,
    ProviderUnavailable,
    RefundAccount,
    RefundResult,
)

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 3
# Toss's own guidance is to wait up to 60 s for a confirm answer; a shorter read timeout with retries on the
# same Idempotency-Key keeps the shopper's request bounded and is just as safe.
DEFAULT_READ_TIMEOUT_SECONDS = 15
CONFIRM_ATTEMPTS = 3
DEFAULT_CANCEL_REASON = "주문 취소"

# Toss answers with these statuses (Payment.status in the API reference).
STATUS_OUTCOMES = {
    "DONE": ChargeOutcome.APPROVED,
    "PARTIAL_CANCELED": ChargeOutcome.APPROVED,
    "WAITING_FOR_DEPOSIT": ChargeOutcome.AWAITING_DEPOSIT,
    "CANCELED": ChargeOutcome.CANCELLED,
    "ABORTED": ChargeOutcome.DECLINED,
    "EXPIRED": ChargeOutcome.CANCELLED,
}
BANK_NAMES = dict(BANK_CHOICES)
# Card issuer codes (Toss "카드사 코드") for the cards shoppers use most; others show Toss's own name.
CARD_COMPANIES = {
    "3K": "기업BC",
    "46": "광주카드",
    "71": "롯데카드",
    "30": "KDB산업은행",
    "31": "BC카드",
    "51": "삼성카드",
    "38": "새마을금고",
    "41": "신한카드",
    "62": "신협",
    "36": "씨티카드",
    "33": "우리BC카드",
    "W1": "우리카드",
    "37": "우체국예금보험",
    "39": "저축은행중앙회",
    "35": "전북카드",
    "42": "제주카드",
    "15": "카카오뱅크",
    "3A": "케이뱅크",
    "24": "토스뱅크",
    "21": "하나카드",
    "61": "현대카드",
    "11": "KB국민카드",
    "91": "NH농협카드",
    "34": "Sh수협은행",
}


def idempotency_key(*parts: object) -> str:
    return "donggeu-" + hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:48]


class TossPaymentProvider:
    code = "toss"
    uses_widget = True

    def __init__(self) -> None:
        self.api_base = settings.TOSS_API_BASE.rstrip("/")
        secret = f"{settings.TOSS_SECRET_KEY}:".encode()
        self.authorization = "Basic " + base64.b64encode(secret).decode()
        self.read_timeout = getattr(settings, "TOSS_READ_TIMEOUT_SECONDS", DEFAULT_READ_TIMEOUT_SECONDS)
        self.retry_backoff = getattr(settings, "TOSS_RETRY_BACKOFF_SECONDS", 0.5)

    # --- HTTP ----------------------------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, body: dict | None = None, key: str = "") -> tuple[int, dict]:
        headers = {"Authorization": self.authorization, "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        try:
            response = requests.request(
                method,
                self.api_base + path,
                json=body,
                headers=headers,
                timeout=(CONNECT_TIMEOUT_SECONDS, self.read_timeout),
            )
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"toss unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            # 401/403 mean our keys are wrong: an operations problem, never the shopper's card.
            raise ProviderUnavailable(f"toss answered {response.status_code}: {response.text[:200]}")
        try:
            data = response.json()
        except ValueError as exc:
            raise ProviderUnavailable(f"toss answered {response.status_code} without JSON") from exc
        return response.status_code, data if isinstance(data, dict) else {}

    def _send_retrying(self, method: str, path: str, *, body: dict | None, key: str) -> tuple[int, dict]:
        """Retry a timeout or 5xx with the same Idempotency-Key (never a new one: that could charge twice)."""
        for attempt in range(1, CONFIRM_ATTEMPTS + 1):
            try:
                return self._send(method, path, body=body, key=key)
            except ProviderUnavailable:
                if attempt == CONFIRM_ATTEMPTS:
                    raise
                logger.warning("toss %s %s unavailable (attempt %d); retrying with the same key", method, path, attempt)
                time.sleep(self.retry_backoff * attempt)
        raise AssertionError("unreachable")

    # --- the provider interface ------------------------------------------------------------------------------
    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Confirm (승인) what the widget authorised. A 4xx is a decline with Toss's own message."""
        status, data = self._send_retrying(
            "POST",
            "/v1/payments/confirm",
            body={"paymentKey": request.payment_key, "orderId": request.order_number, "amount": request.amount},
            key=idempotency_key("confirm", request.order_number, request.payment_key),
        )
        if status >= 400:
            if data.get("code") == "ALREADY_PROCESSED_PAYMENT":
                return self.lookup(provider_ref=request.payment_key)
            return ChargeResult(
                outcome=ChargeOutcome.DECLINED,
                provider_ref=request.payment_key,
                message=data.get("message") or _("결제가 승인되지 않았어요. 다른 결제 수단으로 다시 시도해 주세요."),
            )
        return self._result(data)

    def lookup(self, *, provider_ref: str = "", order_number: str = "") -> ChargeResult:
        """What Toss knows about a payment now: `GET /v1/payments/{paymentKey}`, or by `orderId` when the key is
        not known yet (`GET /v1/payments/orders/{orderId}`)."""
        path = f"/v1/payments/{provider_ref}" if provider_ref else f"/v1/payments/orders/{order_number}"
        status, data = self._send("GET", path)
        if status == 404:
            # Toss holds no such payment: nothing was, or ever will be, charged under this key.
            return ChargeResult(
                outcome=ChargeOutcome.DECLINED, provider_ref=provider_ref, message=data.get("message", "")
            )
        if status >= 400:
            raise ProviderUnavailable(f"toss lookup answered {status}: {data.get('code')}")
        return self._result(data)

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
        """Cancel a payment (`cancelAmount` only for a partial cancel; `refundReceiveAccount` for a virtual
        account's money). A timeout or 5xx raises; a 4xx is a refusal carrying Toss's code and message."""
        body: dict[str, Any] = {"cancelReason": reason or DEFAULT_CANCEL_REASON}
        if partial:
            body["cancelAmount"] = amount
        if refund_account is not None:
            body["refundReceiveAccount"] = {
                "bank": refund_account.bank_code,
                "accountNumber": refund_account.account_number,
                "holderName": refund_account.holder_name,
            }
        status, data = self._send_retrying(
            "POST",
            f"/v1/payments/{provider_ref}/cancel",
            body=body,
            # A refused cancel retried after staff fixed its cause is a new request (a new round), not a replay.
            key=idempotency_key("cancel", provider_ref, amount if partial else "all", reason, retry_round),
        )
        if status >= 400:
            if data.get("code") == "ALREADY_CANCELED_PAYMENT":
                return RefundResult(succeeded=True, message=_("환불되었어요."))
            return RefundResult(
                succeeded=False, message=str(data.get("message") or "")[:200], code=str(data.get("code") or "")[:60]
            )
        return RefundResult(succeeded=True, message=_("환불되었어요."), cancelled_total=_cancelled_amount(data))

    # --- 자동결제 (billing) ------------------------------------------------------------------------------------
    def billing_key_issue(self, *, auth_key: str, customer_key: str) -> BillingKeyIssued:
        """Exchange the authKey of requestBillingAuth's success URL for a billing key
        (`POST /v1/billing/authorizations/issue`). Raises ProviderRefused (4xx) or ProviderUnavailable."""
        status, data = self._send(
            "POST", "/v1/billing/authorizations/issue", body={"authKey": auth_key, "customerKey": customer_key}
        )
        if status >= 400 or not data.get("billingKey"):
            raise ProviderRefused(str(data.get("code") or status), str(data.get("message") or ""))
        card = data.get("card") or {}
        company = CARD_COMPANIES.get(card.get("issuerCode", ""), data.get("cardCompany") or _("카드"))
        return BillingKeyIssued(
            billing_key=data["billingKey"], card_label=f"{company} {card.get('number') or data.get('cardNumber') or ''}"
        )

    def billing_charge(self, request: BillingChargeRequest) -> ChargeResult:
        """Charge a registered card (`POST /v1/billing/{billingKey}`). The Idempotency-Key is the order's (one per
        subscription delivery), so a retried or repeated charge of the same delivery is answered, not charged,
        again. A 4xx is a decline with Toss's message; a timeout or 5xx raises ProviderUnavailable."""
        status, data = self._send_retrying(
            "POST",
            f"/v1/billing/{request.billing_key}",
            body={
                "customerKey": request.customer_key,
                "amount": request.amount,
                "orderId": request.order_number,
                "orderName": request.order_name,
            },
            key=idempotency_key("billing", request.order_number),
        )
        if status >= 400:
            return ChargeResult(
                outcome=ChargeOutcome.DECLINED,
                message=str(data.get("message") or _("카드 결제가 승인되지 않았어요."))[:200],
            )
        return self._result(data)

    def _result(self, data: dict) -> ChargeResult:
        status = data.get("status", "")
        if status not in STATUS_OUTCOMES:
            # READY / IN_PROGRESS: not settled yet; ask again later.
            raise ProviderUnavailable(f"toss payment is {status or 'unknown'}")
        account = data.get("virtualAccount") or {}
        deadline = account.get("dueDate")
        return ChargeResult(
            outcome=STATUS_OUTCOMES[status],
            provider_ref=data.get("paymentKey", ""),
            message=_("결제가 승인되었어요.") if status == "DONE" else "",
            bank_name=BANK_NAMES.get(account.get("bankCode", ""), account.get("bankCode", "")),
            account_number=account.get("accountNumber", ""),
            deposit_deadline=datetime.fromisoformat(deadline) if deadline else None,
            callback_secret=data.get("secret") or "",
            amount=data.get("totalAmount"),
            status=status,
            cancelled_amount=_cancelled_amount(data) or 0,
        )


def _cancelled_amount(payment: dict) -> int | None:
    total, balance = payment.get("totalAmount"), payment.get("balanceAmount")
    if isinstance(total, int) and isinstance(balance, int):
        return total - balance
    return None
