"""Visitors: an anonymous browser becomes a known customer when they log in."""

import logging
from functools import partial
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from feed.models import Exposure, FeedItem, TrackedEvent, Visitor
from feed.services.items import unread_count_forget

logger = logging.getLogger(__name__)
PREVIOUS_SEEN_CACHE_SECONDS = 600


def previous_seen_cache_key(visitor_id: UUID) -> str:
    return f"feed:visitor:prev:{visitor_id}"


def visitor_previous_seen_forget(visitor_id: UUID) -> None:
    """The greeting caches when a visitor was last here before today; a new visit day drops it."""
    try:
        cache.delete(previous_seen_cache_key(visitor_id))
    except Exception:
        logger.warning("could not drop the cached previous visit of %s", visitor_id, exc_info=True)


def visitor_merge(*, visitor_id: UUID, user: Any) -> int:
    """Attach the browser's anonymous history to `user`: visitor row, events, exposures and feed items
    (so a coupon a nudge offered before log-in can now be claimed). Returns feed items moved.

    Days before today whose rollups were already built are rolled up again after commit (feed.activity_rollup_days),
    so the customer's earlier browsing reaches crm's segment conditions; today's is rolled up by beat anyway.
    """
    with transaction.atomic():
        Visitor.objects.update_or_create(pk=visitor_id, defaults={"user": user})
        anonymous_events = TrackedEvent.objects.filter(visitor_id=visitor_id, user__isnull=True)
        earlier_days = [
            day.date().isoformat()
            for day in anonymous_events.filter(occurred_at__lt=_today_start()).datetimes(
                "occurred_at", "day", tzinfo=timezone.get_default_timezone()
            )
        ]
        anonymous_events.update(user=user)
        Exposure.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
        moved = FeedItem.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
    unread_count_forget(user_id=user.pk, visitor_id=visitor_id)
    if earlier_days:
        from feed.tasks import activity_rollup_days_task as _rollup_task

        transaction.on_commit(partial(_rollup_task.delay, days=earlier_days))
    return moved


def _today_start():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
