"""The two-yearly marketing-consent notice (정보통신망법 제50조 ⑧ and its decree, art. 62-3): every customer who
gave marketing consent is told, two years after giving it and every two years after that, who we are, on which
date they consented and to what (marketing, night-time), and how to keep or change it (a link to their settings).

Sent as a feed notice (not an advertisement: no consent needed, no quiet hours), set-based: one INSERT ... SELECT
per group of customers with the same consent date and night-time choice, then one upsert of their ConsentNotice
rows. A customer is due when both their consent and their last notice are at least two years old, so each is told
once per two years however often the job runs. Customers who never consented have nothing to be told.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crm.feed_messages import CONSENT_AGREED, CONSENT_NOT_AGREED, CONSENT_NOTICE
from crm.models import ConsentNotice
from feed.models import FeedItem
from feed.services.bulk import BulkMessage, feed_items_create_bulk

NOTICE_YEARS = 2
NOTICE_BATCH = 5000


def two_years_before(now: datetime) -> datetime:
    """The same moment NOTICE_YEARS calendar years earlier (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - NOTICE_YEARS)
    except ValueError:
        return now.replace(year=now.year - NOTICE_YEARS, day=28)


def consent_notice_due_ids(*, now: datetime, limit: int = NOTICE_BATCH) -> list[int]:
    """Customers with marketing consent given at least two years ago and no notice in the last two years."""
    threshold = two_years_before(now)
    recent = ConsentNotice.objects.filter(sent_at__gt=threshold).values("customer_id")
    return list(
        get_user_model()
        .objects.filter(is_active=True, marketing_consented_at__lte=threshold)
        .exclude(pk__in=recent)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _notice(*, consented_on: date, night: bool) -> BulkMessage:
    return BulkMessage(
        kind=FeedItem.Kind.NOTICE,
        message_code=CONSENT_NOTICE,
        message_params={
            "date": consented_on.strftime("%Y.%m.%d"),
            "night": CONSENT_AGREED if night else CONSENT_NOT_AGREED,
        },
        link=reverse("accounts:profile"),
        is_promotional=False,
        source="consent-notice",
    )


def consent_notices_send(*, now: datetime | None = None, limit: int = NOTICE_BATCH) -> int:
    """Tell the due customers (up to `limit` per call; beat calls it daily) which consents they gave. One
    transaction: the feed notices and the ConsentNotice rows are written together. Returns notices sent."""
    now = now or timezone.now()
    ids = consent_notice_due_ids(now=now, limit=limit)
    if not ids:
        return 0
    groups: dict[tuple[date, bool], list[int]] = defaultdict(list)
    rows = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .values_list("pk", "marketing_consented_at", "night_marketing_consented_at")
    )
    for pk, consented_at, night_at in rows:
        groups[(timezone.localdate(consented_at), night_at is not None)].append(pk)
    sent = 0
    with transaction.atomic():
        for (consented_on, night), user_ids in groups.items():
            made = feed_items_create_bulk(
                user_ids=user_ids, message=_notice(consented_on=consented_on, night=night), now=now
            )
            sent += len(made)
        ConsentNotice.objects.bulk_create(
            [ConsentNotice(customer_id=pk, sent_at=now) for pk in ids],
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=["sent_at"],
        )
    return sent
