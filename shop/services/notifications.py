"""Order and subscription notices: which channels, what they say, and sending each exactly once.

Flow: a shop signal (sent after commit) -> `notifications_queue` picks the channels the customer wants and this
deployment has, and queues one Celery task per channel after commit -> the task calls `notification_send`, which
claims the (order, event, channel) NotificationLog row, sends outside any transaction, and marks the row.

Idempotency: the row's unique key is the claim. A second run (a retried task, a duplicated queue message) finds the
row and sends nothing, unless the earlier attempt failed, in which case it takes the row back (conditional update)
and tries again. A worker that dies between the provider's acceptance and marking the row leaves it "sending":
it is not sent again (at most once; a missed notice beats a duplicate one).

These notices are transactional (the customer's own order), so they need no marketing consent; they carry no
promotion and go out whatever the hour.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from shop.models import (
    NotificationChannel,
    NotificationEvent,
    NotificationLog,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    Subscription,
)
from shop.notifications import Notice, NotifierError, NotifierUnavailable, notifiers

logger = logging.getLogger(__name__)

# Order status reached -> the notice it sends (placed is sent from order_placed, for bank transfers only).
STATUS_EVENTS: dict[str, str] = {
    OrderStatus.PAID: NotificationEvent.ORDER_PAID,
    OrderStatus.SHIPPED: NotificationEvent.ORDER_SHIPPED,
    OrderStatus.DELIVERED: NotificationEvent.ORDER_DELIVERED,
    OrderStatus.REFUNDED: NotificationEvent.ORDER_REFUNDED,
}


def notification_channels_for(*, user: User) -> list[str]:
    """The channels this customer gets notices on: the ones they kept on, among the ones configured."""
    wanted: dict[str, bool] = {
        NotificationChannel.EMAIL: user.notify_by_email,
        NotificationChannel.ALIMTALK: user.notify_by_alimtalk,
    }
    return [channel for channel in notifiers() if wanted.get(channel)]


def notifications_queue(
    *,
    event: str,
    user: User,
    order: Order | None = None,
    subscription: Subscription | None = None,
    due_date: dt.date | None = None,
) -> list[str]:
    """Queue one send task per channel the customer wants, after commit. Returns the channels queued."""
    from shop.tasks import notification_send_task

    channels = notification_channels_for(user=user)
    for channel in channels:
        transaction.on_commit(
            partial(
                notification_send_task.delay,
                event=event,
                channel=channel,
                order_id=order.pk if order else None,
                subscription_id=subscription.pk if subscription else None,
                due_date=due_date.isoformat() if due_date else None,
            )
        )
    return channels


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _items_summary(order: Order) -> str:
    lines = list(order.lines.all())
    if not lines:
        return ""
    first = lines[0].product_name
    if len(lines) == 1:
        return first
    return _("%(first)s 외 %(count)s건") % {"first": first, "count": len(lines) - 1}


def _won(amount: int) -> str:
    return _("%(amount)s원") % {"amount": formats.number_format(amount, force_grouping=True)}


def notice_for_order(*, order: Order, event: str) -> Notice:
    """The notice for one order event: every value already formatted for reading (won, Seoul time)."""
    user = order.user
    variables = {
        "nickname": user.display_name,
        "order_number": order.number,
        "items": _items_summary(order),
        "total": _won(order.total),
        "link": _absolute(reverse("shop:order_detail", kwargs={"number": order.number})),
    }
    payment = getattr(order, "payment", None)
    if payment is not None and payment.method == PaymentMethod.BANK_TRANSFER:
        account = " ".join(part for part in (payment.bank_name, payment.account_number) if part)
        variables["deposit_account"] = account or _("주문 상세에서 확인해 주세요")
        variables["deposit_deadline"] = (
            formats.date_format(timezone.localtime(payment.deposit_deadline), "Y년 n월 j일 H:i")
            if payment.deposit_deadline
            else _("주문 상세에서 확인해 주세요")
        )
    if event == NotificationEvent.ORDER_SHIPPED:
        variables["carrier"] = order.get_carrier_display() if order.carrier else _("직접 배송")
        variables["tracking_number"] = order.tracking_number or _("없음")
        variables["tracking_url"] = order.tracking_url or variables["link"]
    return Notice(
        event=event,
        nickname=user.display_name,
        email=user.email,
        phone=order.phone or user.phone,
        variables=variables,
        link=variables["link"],
    )


def notice_for_subscription(
    *, subscription: Subscription, due_date: dt.date, event: str = NotificationEvent.SUBSCRIPTION_REMINDER
) -> Notice:
    user = subscription.user
    link = _absolute(reverse("shop:subscriptions"))
    variables = {
        "nickname": user.display_name,
        "product_name": subscription.product.name,
        "items": subscription.product.name,
        "quantity": str(subscription.quantity),
        "due_date": formats.date_format(due_date, "n월 j일 (D)"),
        "link": link,
    }
    phone = subscription.address.phone if subscription.address_id else user.phone  # type: ignore[union-attr]
    return Notice(
        event=event,
        nickname=user.display_name,
        email=user.email,
        phone=phone or user.phone,
        variables=variables,
        link=link,
    )


def _claim(*, user: User, event: str, channel: str, order_id: int | None, subscription_id: int | None, due_date):
    """Create the log row, or take back a failed one. Returns (row, claimed)."""
    keys: dict[str, Any] = {"event": event, "channel": channel}
    if order_id is not None:
        keys["order_id"] = order_id
    else:
        keys.update(subscription_id=subscription_id, due_date=due_date)
    try:
        with transaction.atomic():
            return NotificationLog.objects.create(user=user, attempts=1, **keys), True
    except IntegrityError:
        pass
    row = NotificationLog.objects.get(**keys)
    retaken = NotificationLog.objects.filter(pk=row.pk, status=NotificationLog.Status.FAILED).update(
        status=NotificationLog.Status.SENDING, attempts=F("attempts") + 1, error=""
    )
    row.refresh_from_db()
    return row, bool(retaken)


def _finish(row: NotificationLog, **fields) -> NotificationLog:
    NotificationLog.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def notification_send(
    *,
    event: str,
    channel: str,
    order_id: int | None = None,
    subscription_id: int | None = None,
    due_date: dt.date | None = None,
) -> NotificationLog | None:
    """Send one notice on one channel, at most once per (order, event, channel) or (subscription, due date, ...).

    Returns the log row, or None when nothing is to be sent (the customer turned the channel off, the channel is
    not configured, the order is gone). Must not be called inside a transaction: the provider is called outside
    one. Raises NotifierUnavailable (after marking the row failed) so the task retries; a permanent refusal is
    marked failed and not raised.
    """
    if order_id is not None:
        order = Order.objects.select_related("user", "payment").prefetch_related("lines").filter(pk=order_id).first()
        if order is None:
            return None
        user = order.user
        notice_make = partial(notice_for_order, order=order, event=event)
    else:
        subscription = (
            Subscription.objects.select_related("user", "product", "address").filter(pk=subscription_id).first()  # type: ignore[misc]
        )
        if subscription is None or due_date is None:
            return None
        user = subscription.user
        notice_make = partial(notice_for_subscription, subscription=subscription, due_date=due_date, event=event)
    if channel not in notification_channels_for(user=user):
        return None  # turned off since the task was queued, or the channel's keys were removed
    notifier = notifiers()[channel]

    row, claimed = _claim(
        user=user, event=event, channel=channel, order_id=order_id, subscription_id=subscription_id, due_date=due_date
    )
    if not claimed:
        return row
    notice = notice_make()
    recipient = notifier.recipient(notice)
    if not recipient:
        return _finish(row, status=NotificationLog.Status.SKIPPED, error=_("받을 주소가 없어요."))
    try:
        reference = notifier.send(notice=notice, recipient=recipient)
    except NotifierUnavailable as exc:
        _finish(row, status=NotificationLog.Status.FAILED, recipient=recipient, error=str(exc)[:300])
        raise
    except NotifierError as exc:
        logger.warning("notice %s on %s refused: %s", event, channel, exc)
        return _finish(row, status=NotificationLog.Status.FAILED, recipient=recipient, error=str(exc)[:300])
    return _finish(
        row,
        status=NotificationLog.Status.SENT,
        recipient=recipient,
        provider_ref=reference[:100],
        sent_at=timezone.now(),
    )


# --- signal receivers (connected in ShopConfig.ready; the signals are sent after commit) --------------------------


def on_order_placed(sender, order: Order, **kwargs) -> None:
    """A bank-transfer order waits for the deposit: tell the customer where and by when (card orders hear 'paid')."""
    method = Payment.objects.filter(order=order).values_list("method", flat=True).first()
    if method == PaymentMethod.BANK_TRANSFER:
        notifications_queue(event=NotificationEvent.ORDER_PLACED, user=order.user, order=order)


def on_order_status_changed(sender, order: Order, previous: str, current: str, **kwargs) -> None:
    event = STATUS_EVENTS.get(current)
    if event is not None:
        notifications_queue(event=event, user=order.user, order=order)


def on_subscription_reminder_due(sender, subscription: Subscription, **kwargs) -> None:
    notifications_queue(
        event=NotificationEvent.SUBSCRIPTION_REMINDER,
        user=subscription.user,
        subscription=subscription,
        due_date=subscription.reminded_for or subscription.next_due_date,
    )
