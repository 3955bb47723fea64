"""Point reads: the balance (a sum over the ledger), the history page and what expires soon."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from shop.models import PointEntry

EXPIRING_SOON_DAYS = 30


def points_due_to_expire(*, user: User, at: datetime) -> int:
    """How many points of `user` have expired by `at` and have no expire entry yet (FIFO, see module doc)."""
    totals = PointEntry.objects.filter(user=user).aggregate(
        expiring=Sum("amount", filter=Q(amount__gt=0, expires_at__isnull=False, expires_at__lte=at)),
        debits=Sum("amount", filter=Q(amount__lt=0) & ~Q(kind=PointEntry.Kind.EXPIRE)),
        expired=Sum("amount", filter=Q(kind=PointEntry.Kind.EXPIRE)),
        balance=Sum("amount"),
    )
    due = (totals["expiring"] or 0) + (totals["debits"] or 0) + (totals["expired"] or 0)
    return max(0, min(due, totals["balance"] or 0))


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
