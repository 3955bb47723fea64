"""Payment providers: one small interface, chosen by the SHOP_PAYMENT_PROVIDER setting.

A provider talks to the outside world (a PG company), so callers never call it while holding a database
lock: shop.services.payments calls it between two short transactions.

Two kinds of provider: the demo one charges on the server at checkout (`uses_widget = False`); Toss Payments
takes the card in its own widget in the shopper's browser, and the server then confirms the payment with the
`payment_key` the widget handed back (`uses_widget = True`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "shop.payments.demo.DemoPaymentProvider"
PROVIDER_ALIASES = {
    "demo": DEFAULT_PROVIDER,
    "toss": "shop.payments.toss.TossPaymentProvider",
}


class ChargeOutcome(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    AWAITING_DEPOSIT = "awaiting_deposit"
    # The provider says the payment was cancelled on its side (a deposit cancelled, a payment aborted).
    CANCELLED = "cancelled"


class ProviderRefused(Exception):
    """The provider answered 4xx to a request that is not a charge (issuing a billing key): its code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ProviderUnavailable(Exception):
    """The provider timed out or answered 5xx: nobody knows whether money moved, so the caller must not decide."""


@dataclass(frozen=True)
class ChargeRequest:
    order_number: str
    amount: int
    method: str  # shop.models.PaymentMethod value
    buyer_name: str
    # The demo provider lets the shopper pick the outcome; real providers ignore it.
    demo_outcome: str = ""
    # Widget providers (Toss): the key the widget returned, confirmed on the server.
    payment_key: str = ""


@dataclass(frozen=True)
class ChargeResult:
    outcome: ChargeOutcome
    provider_ref: str = ""
    message: str = ""
    bank_name: str = ""
    account_number: str = ""
    deposit_deadline: datetime | None = None
    # Toss: the value a virtual account's deposit callback must carry (checked by the webhook).
    callback_secret: str = ""
    # What the provider says was charged, to compare with the order.
    amount: int | None = None
    # The provider's own word for the payment's state (Toss: DONE, CANCELED, ...); empty when it holds none.
    status: str = ""
    # How much of it the provider has given back so far (all of it once cancelled).
    cancelled_amount: int = 0


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    message: str = ""
    # The provider's reason for refusing (Toss's error code), empty when it succeeded.
    code: str = ""
    # How much of the payment the provider has given back in all after this refund, when it says so.
    cancelled_total: int | None = None


@dataclass(frozen=True)
class RefundAccount:
    """Where a virtual account's money goes back (the bank transfer has no card to refund to)."""

    bank_code: str
    account_number: str
    holder_name: str


@dataclass(frozen=True)
class BillingKeyIssued:
    """A card registered for automatic payments. `billing_key` charges it: keep it secret."""

    billing_key: str
    card_label: str


@dataclass(frozen=True)
class BillingChargeRequest:
    billing_key: str
    customer_key: str
    order_number: str
    order_name: str
    amount: int


class PaymentProvider(Protocol):
    code: str
    uses_widget: bool

    def charge(self, request: ChargeRequest) -> ChargeResult: ...

    def refund(
        self,
        *,
        provider_ref: str,
        amount: int,
        reason: str = "",
        partial: bool = False,
        refund_account: RefundAccount | None = None,
        retry_round: int = 0,
    ) -> RefundResult: ...

    def lookup(self, *, provider_ref: str = "", order_number: str = "") -> ChargeResult: ...

    # 자동결제 (정기배송): only widget providers register cards; callers check `uses_widget` first.
    def billing_key_issue(self, *, auth_key: str, customer_key: str) -> BillingKeyIssued: ...

    def billing_charge(self, request: BillingChargeRequest) -> ChargeResult: ...


def payment_provider_path() -> str:
    configured = getattr(settings, "SHOP_PAYMENT_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER
    return PROVIDER_ALIASES.get(configured, configured)


def payment_provider() -> PaymentProvider:
    return import_string(payment_provider_path())()


def demo_payments_configured() -> bool:
    return payment_provider_path() == DEFAULT_PROVIDER
