"""Payment providers: one small interface, chosen by the SHOP_PAYMENT_PROVIDER setting.

A provider talks to the outside world (a PG company), so callers never call it while holding a database
lock: shop.services.payments calls it between two short transactions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "shop.payments.demo.DemoPaymentProvider"


class ChargeOutcome(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    AWAITING_DEPOSIT = "awaiting_deposit"


@dataclass(frozen=True)
class ChargeRequest:
    order_number: str
    amount: int
    method: str  # shop.models.PaymentMethod value
    buyer_name: str
    # The demo provider lets the shopper pick the outcome; real providers ignore it.
    demo_outcome: str = ""


@dataclass(frozen=True)
class ChargeResult:
    outcome: ChargeOutcome
    provider_ref: str = ""
    message: str = ""
    bank_name: str = ""
    account_number: str = ""
    deposit_deadline: datetime | None = None


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    message: str = ""


class PaymentProvider(Protocol):
    code: str

    def charge(self, request: ChargeRequest) -> ChargeResult: ...

    def refund(self, *, provider_ref: str, amount: int) -> RefundResult: ...


def payment_provider() -> PaymentProvider:
    path = getattr(settings, "SHOP_PAYMENT_PROVIDER", DEFAULT_PROVIDER)
    return import_string(path)()
