"""Shipping: staff hand an order to a carrier with its waybill number (admin order page, `order_ship`)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop.models import Carrier, Order, OrderStatus
from shop.services.orders import order_lock, order_transition_locked

CARRIER_UNKNOWN = _("택배사를 골라 주세요.")
TRACKING_NUMBER_INVALID = _("운송장 번호는 숫자 8~20자리로 적어 주세요.")
NOT_SHIPPABLE = _("결제가 끝나고 아직 배송 전인 주문만 발송할 수 있어요. (지금 상태: {current})")


def tracking_number_normalize(tracking_number: str) -> str:
    """'6123-4567-8901' or ' 612345678901 ' -> '612345678901'. Raises DomainError unless 8-20 digits remain."""
    digits = re.sub(r"[\s-]", "", tracking_number or "")
    if not re.fullmatch(r"\d{8,20}", digits):
        raise DomainError(TRACKING_NUMBER_INVALID, code="tracking_number_invalid")
    return digits


@transaction.atomic(durable=True)
def order_ship(*, order: Order, carrier: str, tracking_number: str, actor: User | None = None) -> Order:
    """Ship the order in its own transaction (see `order_ship_locked`)."""
    return order_ship_locked(order=order, carrier=carrier, tracking_number=tracking_number, actor=actor)


def order_ship_locked(*, order: Order, carrier: str, tracking_number: str, actor: User | None = None) -> Order:
    """Hand the order to a carrier: record the carrier and waybill number and move it to shipped.

    Must run inside a transaction (the admin's change view, or `order_ship`); locks the order row. A paid order passes through 'preparing' first (both steps are recorded). On an order
    already shipped it corrects the carrier or number without a new status step (and without a second notice).
    Raises DomainError (carrier_unknown / tracking_number_invalid / not_shippable). After commit the status
    signal queues the customer's '배송 시작' notice with the tracking link.
    """
    if carrier not in Carrier.values:
        raise DomainError(CARRIER_UNKNOWN, code="carrier_unknown")
    number = tracking_number_normalize(tracking_number)
    locked = order_lock(Order.objects.filter(pk=order.pk)).get()
    if locked.status not in (OrderStatus.PAID, OrderStatus.PREPARING, OrderStatus.SHIPPED):
        raise DomainError(
            NOT_SHIPPABLE.format(current=OrderStatus(locked.status).label), code="not_shippable", http_status=409
        )
    now = timezone.now()
    locked.carrier, locked.tracking_number = carrier, number
    fields = ["carrier", "tracking_number"]
    if locked.shipped_at is None:
        locked.shipped_at = now
        fields.append("shipped_at")
    locked.save(update_fields=fields)
    if locked.status == OrderStatus.PAID:
        order_transition_locked(order=locked, target=OrderStatus.PREPARING, actor=actor, at=now)
    if locked.status == OrderStatus.PREPARING:
        order_transition_locked(
            order=locked,
            target=OrderStatus.SHIPPED,
            actor=actor,
            note="shipped_with",
            note_params={"carrier": carrier, "number": number},
            at=now,
        )
    return locked
