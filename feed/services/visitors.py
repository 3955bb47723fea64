"""Visitors: an anonymous browser becomes a known customer when they log in."""

from typing import Any
from uuid import UUID

from django.db import transaction

from feed.models import Exposure, FeedItem, TrackedEvent, Visitor


def visitor_merge(*, visitor_id: UUID, user: Any) -> int:
    """Attach the browser's anonymous history to `user`: visitor row, events, exposures and feed items
    (so a coupon a nudge offered before log-in can now be claimed). Returns feed items moved."""
    with transaction.atomic():
        Visitor.objects.update_or_create(pk=visitor_id, defaults={"user": user})
        TrackedEvent.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
        Exposure.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
        return FeedItem.objects.filter(visitor_id=visitor_id, user__isnull=True).update(user=user)
