"""Shop's Celery tasks: thin wrappers that load ids and call one service each (beat runs them daily)."""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from accounts.models import User
from shop.models import Subscription, SubscriptionRun
from shop.notifications import NotifierUnavailable
from shop.services.notifications import notification_send
from shop.services.points import point_expire_due_users, point_expire_for_user
from shop.services.subscriptions import subscription_order_for_due_date, subscription_remind, subscriptions_due

logger = logging.getLogger(__name__)


@shared_task(name="shop.points_expire")
def points_expire_task() -> int:
    """Write expire entries for every customer whose points have expired; returns how many customers.

    Idempotent: each customer's due amount is computed from the ledger under their account lock, so a second
    run (or a run racing a checkout) writes nothing more. Memory: one list of user ids.
    """
    expired = 0
    for user in User.objects.filter(pk__in=point_expire_due_users()).order_by("pk").iterator(chunk_size=500):
        if point_expire_for_user(user=user) is not None:
            expired += 1
    logger.info("points expired for %d customers", expired)
    return expired


@shared_task(name="shop.subscriptions_run_due")
def subscriptions_run_due_task() -> int:
    """Place today's (and any missed) subscription orders; returns how many orders this run placed.

    Idempotent: each delivery has one (subscription, due date) run and one checkout idempotency key, so a second
    run the same day places nothing. Memory: one subscription at a time.
    """
    today = timezone.localdate()
    placed = 0
    for subscription in subscriptions_due(on=today).iterator(chunk_size=200):
        before = SubscriptionRun.objects.filter(subscription=subscription, due_date=subscription.next_due_date).exists()
        run = subscription_order_for_due_date(subscription=subscription, due_date=subscription.next_due_date)
        if run is not None and not before and run.outcome == SubscriptionRun.Outcome.ORDERED:
            placed += 1
    logger.info("subscription orders placed: %d", placed)
    return placed


@shared_task(name="shop.subscriptions_remind")
def subscriptions_remind_task() -> int:
    """Send the day-before reminder of every active subscription delivering tomorrow, once per due date."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    sent = 0
    due = Subscription.objects.filter(status=Subscription.Status.ACTIVE, next_due_date=tomorrow).exclude(
        reminded_for=tomorrow
    )
    for subscription in due.order_by("pk").iterator(chunk_size=200):
        if subscription_remind(subscription=subscription, due_date=tomorrow):
            sent += 1
    return sent


@shared_task(name="shop.orders_expire_unpaid")
def orders_expire_unpaid_task() -> int:
    """Cancel unpaid orders past their deposit deadline (or never answered by the card provider); stock goes back.

    Idempotent: each order is cancelled under its own row lock and only while still pending payment.
    Memory: one order at a time.
    """
    from shop.services.orders import orders_expire_unpaid

    cancelled = orders_expire_unpaid()
    logger.info("unpaid orders cancelled: %d", cancelled)
    return cancelled


@shared_task(name="shop.carts_delete_abandoned")
def carts_delete_abandoned_task() -> int:
    """Delete visitors' carts nobody touched for a month (members' carts stay). Idempotent; one DELETE."""
    from shop.services.cart import carts_delete_abandoned

    return carts_delete_abandoned()


@shared_task(
    name="shop.notification_send",
    autoretry_for=(NotifierUnavailable,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def notification_send_task(
    *,
    event: str,
    channel: str,
    order_id: int | None = None,
    subscription_id: int | None = None,
    due_date: str | None = None,
) -> str:
    """Send one order or subscription notice on one channel (shop.services.notifications.notification_send).

    Idempotent: the (order, event, channel) log row is the claim, so a retry or a second delivery of the same
    message sends nothing more. Retries with backoff while the provider is unreachable (about an hour in all).
    """
    row = notification_send(
        event=event,
        channel=channel,
        order_id=order_id,
        subscription_id=subscription_id,
        due_date=date.fromisoformat(due_date) if due_date else None,
    )
    return row.status if row is not None else "not_sent"


@shared_task(name="shop.payments_reconcile")
def payments_reconcile_task() -> dict[str, int]:
    """Settle gateway confirms whose answer was never recorded (paid, or refunded if the order was cancelled
    meanwhile) and retry refunds the gateway did not answer.

    Idempotent: each payment is settled under its order's row lock and only while it still needs it.
    Memory: one payment at a time.
    """
    from shop.services.payments_gateway import payments_reconcile

    report = payments_reconcile()
    logger.info("payments reconciled: %s", report)
    return {"settled": report.settled, "refunded": report.refunded, "still_unknown": report.still_unknown}


@shared_task(name="shop.review_photo_process", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def review_photo_process_task(*, photo_id: int) -> bool:
    """After a review commits: clean one photo (no EXIF) and make its display sizes. Safe to run twice."""
    from shop.services.reviews import review_photo_process

    return review_photo_process(photo_id=photo_id) is not None
