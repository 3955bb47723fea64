"""Point reads: the balance (a sum over the ledger), the history page and what expires soon."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from shop.models import PointEntry
from shop.services.points import points_due_to_expire

EXPIRING_SOON_DAYS = 30


def point_balance(*, user: User, now: datetime | None = None) -> int:
    """The usable balance: the ledger sum minus points whose expiry passed but the beat task has not
    written yet (so the page never shows points that a spend would refuse). Two aggregate queries."""
    now = now or timezone.now()
    raw = PointEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0
    return raw - points_due_to_expire(user=user, at=now)


def point_history(*, user: User) -> QuerySet[PointEntry]:
    """The customer's entries, newest first, with the order number ready for the template."""
    return PointEntry.objects.filter(user=user).select_related("order").order_by("-created_at", "-pk")


@dataclass(frozen=True)
class PointSummary:
    balance: int
    expiring_soon: int
    expiring_by: datetime


def point_summary(*, user: User, now: datetime | None = None) -> PointSummary:
    """Balance and how much of it expires within EXPIRING_SOON_DAYS (two queries)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=EXPIRING_SOON_DAYS)
    balance = point_balance(user=user, now=now)
    expiring = min(balance, points_due_to_expire(user=user, at=horizon) - points_due_to_expire(user=user, at=now))
    return PointSummary(balance=balance, expiring_soon=max(0, expiring), expiring_by=horizon)
