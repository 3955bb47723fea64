"""A fake Toss Payments server for the tests: answers the documented JSON of API v1 on 127.0.0.1.

It keeps one payment per orderId, the way Toss does: `confirm` approves it (card, status DONE) or issues a virtual
account (WAITING_FOR_DEPOSIT with its `secret`), a repeated Idempotency-Key gets the first answer again, `GET`
looks a payment up by paymentKey or orderId, and `cancel` (full or partial with `cancelAmount`) cancels it; a
deposited virtual account is only cancelled with a `refundReceiveAccount`. Billing: `authorizations/issue` turns
an authKey starting `bln_` into a billing key, `POST /v1/billing/{billingKey}` charges it.
Tests steer it: `decline`, `virtual_account`, `slow_confirms` (answers after the client's read timeout, having
approved), `failing_confirms` (500s), `refuse_cancels`, `decline_billing`, `slow_billing`, `deposit()` (the
shopper pays into the virtual account), `cancel_at_console()` / `set_status()` (a change made at Toss, returning the
PAYMENT_STATUS_CHANGED body).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fake_http import FakeServer, Recorded, fake_http_server

SECRET_KEY = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"
CLIENT_KEY = "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq"
NOT_CANCELABLE = (400, {"code": "NOT_CANCELABLE_PAYMENT", "message": "취소 할 수 없는 결제 입니다."})
REFUND_ACCOUNT_REQUIRED = (
    400,
    {"code": "INVALID_REFUND_ACCOUNT_INFO", "message": "환불 계좌 정보가 필요합니다. 환불 받을 계좌를 입력해주세요."},
)
DECLINE = (400, {"code": "REJECT_CARD_PAYMENT", "message": "한도초과 혹은 잔액부족으로 결제에 실패했습니다."})


@dataclass
class FakeToss:
    server: FakeServer | None = None
    decline: bool = False
    virtual_account: bool = False
    slow_confirms: int = 0
    slow_seconds: float = 1.0
    failing_confirms: int = 0
    refuse_cancels: bool = False
    decline_billing: bool = False
    slow_billing: int = 0
    billing_keys: dict[str, str] = field(default_factory=dict)  # billingKey -> customerKey
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)  # by orderId
    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)  # by Idempotency-Key
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def confirms(self) -> list[Recorded]:
        return self.server.calls("POST", "/v1/payments/confirm")

    def cancels(self, payment_key: str) -> list[Recorded]:
        return self.server.calls("POST", f"/v1/payments/{payment_key}/cancel")

    def _payment(self, body: dict) -> dict[str, Any]:
        payment: dict[str, Any] = {
            "mId": "tvivarepublica",
            "paymentKey": body["paymentKey"],
            "orderId": body["orderId"],
            "orderName": "테스트 주문",
            "currency": "KRW",
            "totalAmount": body["amount"],
            "balanceAmount": body["amount"],
            "requestedAt": "2026-11-30T13:00:00+09:00",
            "cancels": None,
        }
        if self.virtual_account:
            payment.update(
                method="가상계좌",
                status="WAITING_FOR_DEPOSIT",
                approvedAt=None,
                secret="ps_" + body["paymentKey"][-12:],
                virtualAccount={
                    "accountType": "일반",
                    "accountNumber": "X6505636518308",
                    "bankCode": "20",
                    "customerName": "김하늘",
                    "dueDate": "2026-12-03T23:59:59+09:00",
                    "refundStatus": "NONE",
                    "expired": False,
                    "settlementStatus": "INCOMPLETED",
                },
            )
        else:
            payment.update(method="카드", status="DONE", approvedAt="2026-11-30T13:00:05+09:00", secret=None)
        return payment

    def _confirm(self, request: Recorded) -> tuple[int, Any]:
        key = request.headers.get("idempotency-key", "")
        with self.lock:
            slow = self.slow_confirms > 0
            self.slow_confirms -= 1 if slow else 0
            answer = self._confirm_answer(key, request)
        if slow:
            time.sleep(self.slow_seconds)  # Toss decided, but the answer comes after the client gave up
        return answer

    def _confirm_answer(self, key: str, request: Recorded) -> tuple[int, Any]:
        if key and key in self.answers:
            return self.answers[key]
        if self.failing_confirms:
            self.failing_confirms -= 1
            return 500, {
                "code": "FAILED_INTERNAL_SYSTEM_PROCESSING",
                "message": "내부 시스템 처리 작업이 실패했습니다.",
            }
        body = request.json()
        if self.decline:
            answer: tuple[int, Any] = DECLINE
        else:
            payment = self._payment(body)
            self.payments[body["orderId"]] = payment
            self._route_payment(payment)
            answer = (200, payment)
        if key:
            self.answers[key] = answer
        return answer

    def _route_payment(self, payment: dict[str, Any]) -> None:
        key, order_id = payment["paymentKey"], payment["orderId"]
        self.server.routes[("GET", f"/v1/payments/{key}")] = lambda request: (200, self.payments[order_id])
        self.server.routes[("GET", f"/v1/payments/orders/{order_id}")] = lambda request: (200, self.payments[order_id])
        self.server.routes[("POST", f"/v1/payments/{key}/cancel")] = lambda request: self._cancel(order_id, request)

    def _cancel(self, order_id: str, request: Recorded) -> tuple[int, Any]:
        body = request.json()
        with self.lock:
            payment = self.payments[order_id]
            if self.refuse_cancels:
                return NOT_CANCELABLE
            if payment["status"] == "CANCELED":
                return 400, {"code": "ALREADY_CANCELED_PAYMENT", "message": "이미 취소된 결제 입니다."}
            deposited = payment["method"] == "가상계좌" and payment["status"] != "WAITING_FOR_DEPOSIT"
            if deposited and not body.get("refundReceiveAccount"):
                return REFUND_ACCOUNT_REQUIRED
            return 200, self._cancelled(payment, body.get("cancelAmount"), body["cancelReason"])

    def _cancelled(self, payment: dict[str, Any], amount: int | None, reason: str) -> dict[str, Any]:
        amount = payment["balanceAmount"] if amount is None else amount
        payment["balanceAmount"] -= amount
        payment["status"] = "PARTIAL_CANCELED" if payment["balanceAmount"] else "CANCELED"
        payment["cancels"] = [*(payment["cancels"] or []), {"cancelAmount": amount, "cancelReason": reason}]
        return payment

    def cancel_at_console(self, order_id: str, *, amount: int | None = None) -> dict[str, Any]:
        """Staff cancel (all or part of) a payment in Toss's console; returns the PAYMENT_STATUS_CHANGED body."""
        with self.lock:
            self._cancelled(self.payments[order_id], amount, "상점 관리자 취소")
        return self.status_changed(order_id)

    def set_status(self, order_id: str, status: str) -> dict[str, Any]:
        """The payment became `status` at Toss (ABORTED, EXPIRED, ...); returns the webhook body."""
        with self.lock:
            self.payments[order_id]["status"] = status
        return self.status_changed(order_id)

    def status_changed(self, order_id: str) -> dict[str, Any]:
        payment = self.payments[order_id]
        return {
            "eventType": "PAYMENT_STATUS_CHANGED",
            "createdAt": "2026-11-30T16:00:00.000000",
            "data": {**payment},
        }

    # --- 자동결제 (billing) ----------------------------------------------------------------------------------
    def billing_charges(self) -> list[Recorded]:
        return [call for key in self.billing_keys for call in self.server.calls("POST", f"/v1/billing/{key}")]

    def _issue(self, request: Recorded) -> tuple[int, Any]:
        body = request.json()
        if not body.get("authKey", "").startswith("bln_"):
            return 400, {"code": "INVALID_AUTH_KEY", "message": "유효하지 않은 인증 키 입니다."}
        billing_key = "BK" + body["authKey"][4:] + "xyz="
        with self.lock:
            self.billing_keys[billing_key] = body["customerKey"]
        self.server.routes[("POST", f"/v1/billing/{billing_key}")] = lambda call: self._billing(billing_key, call)
        return 200, {
            "mId": "tosspayments",
            "customerKey": body["customerKey"],
            "authenticatedAt": "2026-11-30T13:00:00+09:00",
            "method": "카드",
            "billingKey": billing_key,
            "card": {
                "issuerCode": "41",
                "acquirerCode": "41",
                "number": "43301234****123*",
                "cardType": "신용",
                "ownerType": "개인",
            },
        }

    def _billing(self, billing_key: str, request: Recorded) -> tuple[int, Any]:
        key = request.headers.get("idempotency-key", "")
        with self.lock:
            slow = self.slow_billing > 0
            self.slow_billing -= 1 if slow else 0
            answer = self.answers.get(key) or self._billing_answer(billing_key, request.json())
            if key:
                self.answers[key] = answer
        if slow:
            time.sleep(self.slow_seconds)  # charged, but the answer comes after the client gave up
        return answer

    def _billing_answer(self, billing_key: str, body: dict) -> tuple[int, Any]:
        if self.billing_keys[billing_key] != body.get("customerKey"):
            return 400, {
                "code": "NOT_MATCHES_CUSTOMER_KEY",
                "message": "빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.",
            }
        if self.decline_billing:
            return 400, {
                "code": "REJECT_CARD_COMPANY",
                "message": "카드사에서 결제를 거절했습니다. 잔액을 확인해 주세요.",
            }
        payment_key = f"tbill_{len(self.payments) + 1:04d}{body['orderId'][-6:]}"
        payment = self._payment({"paymentKey": payment_key, "orderId": body["orderId"], "amount": body["amount"]})
        payment.update(
            method="카드", status="DONE", orderName=body["orderName"], approvedAt="2026-11-30T13:00:05+09:00"
        )
        self.payments[body["orderId"]] = payment
        self._route_payment(payment)
        return 200, payment

    def deposit(self, order_id: str) -> dict[str, Any]:
        """The shopper paid into the virtual account; returns the DEPOSIT_CALLBACK body Toss would send."""
        with self.lock:
            payment = self.payments[order_id]
            payment["status"] = "DONE"
            payment["approvedAt"] = "2026-11-30T15:00:00+09:00"
        return {
            "createdAt": "2026-11-30T15:00:00.000000",
            "secret": payment["secret"],
            "status": "DONE",
            "transactionKey": "9FF15E1A29D0E77C218F57262BFA4986",
            "orderId": order_id,
        }

    def approve_at_toss(self, *, order_id: str, payment_key: str, amount: int) -> None:
        """Toss holds an approved payment the shop never heard back about."""
        with self.lock:
            payment = self._payment({"paymentKey": payment_key, "orderId": order_id, "amount": amount})
            self.payments[order_id] = payment
            self._route_payment(payment)


@contextmanager
def fake_toss(settings) -> Iterator[FakeToss]:
    """Serve a fake Toss and point the shop at it (provider toss, short timeouts, no back-off)."""
    toss = FakeToss()
    routes = {
        ("POST", "/v1/payments/confirm"): toss._confirm,
        ("POST", "/v1/billing/authorizations/issue"): toss._issue,
    }
    with fake_http_server(routes) as server:
        toss.server = server
        settings.SHOP_PAYMENT_PROVIDER = "toss"
        settings.TOSS_API_BASE = server.url
        settings.TOSS_SECRET_KEY = SECRET_KEY
        settings.TOSS_CLIENT_KEY = CLIENT_KEY
        settings.TOSS_READ_TIMEOUT_SECONDS = 0.5
        settings.TOSS_RETRY_BACKOFF_SECONDS = 0
        yield toss
