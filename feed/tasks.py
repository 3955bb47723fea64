from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from feed.services import abandoned_carts_check
from feed.services.events import events_flush
from feed.services.retention import event_partitions_ensure, events_retention_apply
from feed.services.rollups import activity_rollup


@shared_task(name="feed.abandoned_carts")
def abandoned_carts_task() -> int:
    """Every few minutes (beat): nudge visitors whose cart has been left alone past a cart rule's window."""
    return abandoned_carts_check(now=timezone.now())


@shared_task(name="feed.flush_events")
def flush_events_task() -> int:
    """Every 2 s (beat): move buffered behaviour events into PostgreSQL in bulk. Safe to run twice at once."""
    return events_flush()


@shared_task(name="feed.events_maintain")
def events_maintain_task() -> dict:
    """Daily after midnight (beat): drop raw events past the retention, then make sure the next week's daily
    partitions exist (moving any rows that fell into the DEFAULT partition). Idempotent."""
    today = timezone.localdate()
    retention = events_retention_apply(today=today)
    partitions = event_partitions_ensure(today=today)
    return {
        "dropped": [d.isoformat() for d in retention.partitions_dropped],
        "rows_deleted": retention.rows_deleted,
        "created": [d.isoformat() for d in partitions.created],
        "moved_from_default": partitions.moved_from_default,
    }


@shared_task(name="feed.activity_rollup_today")
def activity_rollup_today_task() -> int:
    """Every 15 min (beat): roll up today's behaviour per customer, so crm's incremental segmentation sees it."""
    return activity_rollup(day=timezone.localdate())


@shared_task(name="feed.activity_rollup_previous")
def activity_rollup_previous_task(days: int = 2) -> int:
    """Daily after midnight (beat): finish yesterday's rollup, and the day before's (beacons are accepted up to
    24 h late, and log-ins merge earlier anonymous events)."""
    today = timezone.localdate()
    return sum(activity_rollup(day=today - timedelta(days=back)) for back in range(1, days + 1))


@shared_task(name="feed.activity_rollup_days")
def activity_rollup_days_task(days: list[str]) -> int:
    """After a log-in merged anonymous events of earlier days: roll those Seoul days (ISO dates) up again."""
    return sum(activity_rollup(day=date.fromisoformat(day)) for day in days)
