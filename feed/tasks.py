from celery import shared_task
from django.utils import timezone

from feed.services import abandoned_carts_check
from feed.services.events import events_flush


@shared_task(name="feed.abandoned_carts")
def abandoned_carts_task() -> int:
    """Every few minutes (beat): nudge visitors whose cart has been left alone past a cart rule's window."""
    return abandoned_carts_check(now=timezone.now())


@shared_task(name="feed.flush_events")
def flush_events_task() -> int:
    """Every 2 s (beat): move buffered behaviour events into PostgreSQL in bulk. Safe to run twice at once."""
    return events_flush()
