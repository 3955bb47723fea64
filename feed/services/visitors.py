"""Visitors: an anonymous browser becomes a known customer when they log in."""

import logging
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import transaction

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
    (so a coupon a nudge offered before log-in can now be claimed). Returns feed items moved."""
    with transaction.atomic():
        Visitor.objects.update_or_create(pk=visitor_id, defaults={"user": user})
        TrackedEvent.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
        Exposure.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
        moved = FeedItem.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
    unread_count_forget(user_id=user.pk, visitor_id=visitor_id)
    return moved
