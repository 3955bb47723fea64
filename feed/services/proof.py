"""Orders, seen from the feed: social proof ("N분 전에 주문됐어요") and attribution of nudges and benefits."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from feed import counters
from feed.models import Exposure

logger = logging.getLogger(__name__)


def attribution_days() -> int:
    return int(getattr(settings, "FEED_ATTRIBUTION_DAYS", 7))


def _order_product_ids(order: Any) -> list[int]:
    for name in ("lines", "items"):
        manager = getattr(order, name, None)
        if manager is not None and hasattr(manager, "values_list"):
            return [pid for pid in manager.values_list("product_id", flat=True) if pid]
    return []


def order_paid_record(*, order: Any) -> int:
    """Remember when each product was last ordered and credit the customer's recent exposures
    (treatment and control alike) within the attribution window. Returns exposures credited."""
    now = timezone.now()
    try:
        counters.last_ordered_set(_order_product_ids(order), now.timestamp())
    except Exception:
        logger.warning("could not update last-ordered counters", exc_info=True)
    user_id = getattr(order, "user_id", None)
    if user_id is None:
        return 0
    reference = str(getattr(order, "number", "") or getattr(order, "pk", ""))[:40]
    return Exposure.objects.filter(
        user_id=user_id,
        ordered_at__isnull=True,
        fired_at__gte=now - timedelta(days=attribution_days()),
        fired_at__lte=now,
    ).update(ordered_at=now, order_ref=reference)
