"""Household purchase facts: what a household bought here and how often. Read by the 자주 사는 상품 page and
by CRM (profiles, replenishment due dates). Every function is set-based: a fixed number of queries.

"Bought" means an order that was paid and not cancelled or refunded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import Lag, TruncDate
from django.utils import timezone

from accounts.models import User
from shop.models import Category, Order, OrderLine, Product
from shop.selectors.catalog import product_cards

BOUGHT_STATUSES = (
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
)


def household_member_ids(*, user: User) -> list[int]:
    """The user and everyone in their household (just the user when they have none)."""
    if user.household_id is None:
        return [user.pk]
    return list(User.objects.filter(household_id=user.household_id).values_list("pk", flat=True))


def bought_lines(*, user_ids: list[int] | None = None, household_ids: list[int] | None = None) -> QuerySet[OrderLine]:
    """Order lines of paid, not cancelled orders of these users or households."""
    lines = OrderLine.objects.filter(order__status__in=BOUGHT_STATUSES)
    if user_ids is not None:
        lines = lines.filter(order__user_id__in=user_ids)
    if household_ids is not None:
        lines = lines.filter(order__user__household_id__in=household_ids)
    return lines


@dataclass
class FrequentProduct:
    product: Product
    times: int
    quantity: int
    last_bought_at: datetime


def household_frequent_products(*, user: User, limit: int = 24) -> list[FrequentProduct]:
    """자주 사는 상품: the household's most often bought products (orders, then recency). Three queries."""
    stats = list(
        bought_lines(user_ids=household_member_ids(user=user))
        .values("product_id")
        .annotate(times=Count("order_id", distinct=True), quantity=Sum("quantity"), last=Max("order__placed_at"))
        .order_by("-times", "-last", "product_id")[:limit]
    )
    products = product_cards().in_bulk([row["product_id"] for row in stats])
    return [
        FrequentProduct(
            product=products[row["product_id"]],
            times=row["times"],
            quantity=row["quantity"],
            last_bought_at=row["last"],
        )
        for row in stats
        if row["product_id"] in products
    ]


@dataclass
class CategoryPurchaseFacts:
    """One household's purchases in one category: the days it bought, and the gaps between them."""

    household_id: int
    category_id: int
    category_name: str
    kind: str
    purchase_dates: list[date] = field(default_factory=list)
    intervals_days: list[int] = field(default_factory=list)
    replenishment_days: int | None = None

    @property
    def first_bought_on(self) -> date | None:
        return self.purchase_dates[0] if self.purchase_dates else None

    @property
    def last_bought_on(self) -> date | None:
        return self.purchase_dates[-1] if self.purchase_dates else None

    @property
    def average_interval_days(self) -> float | None:
        if not self.intervals_days:
            return None
        return round(sum(self.intervals_days) / len(self.intervals_days), 1)

    @property
    def next_due_on(self) -> date | None:
        """When the household probably needs it again: last purchase + the average gap (else the category's
        usual replenishment days)."""
        gap = self.average_interval_days or self.replenishment_days
        if self.last_bought_on is None or not gap:
            return None
        return self.last_bought_on + timedelta(days=round(gap))


def household_category_purchase_facts(
    *, household_ids: list[int], kind: str | None = None
) -> dict[int, list[CategoryPurchaseFacts]]:
    """Per household, per category (essentials and/or preference goods): the Seoul dates it bought there, with
    the intervals between consecutive purchase days, computed in SQL with a window (LAG). One query for any
    number of households. Returns {household_id: [facts by category, most recent first]}.
    """
    lines = bought_lines(household_ids=household_ids)
    if kind is not None:
        lines = lines.filter(product__category__kind=kind)
    days = (
        lines.annotate(day=TruncDate("order__placed_at", tzinfo=timezone.get_default_timezone()))
        .values("order__user__household_id", "product__category_id", "day")
        .annotate(
            category_name=Min("product__category__name"),
            kind=Min("product__category__kind"),
            replenishment_days=Min("product__category__replenishment_days"),
        )
        .annotate(
            previous_day=Window(
                Lag("day"),
                partition_by=[F("order__user__household_id"), F("product__category_id")],
                order_by=F("day").asc(),
            )
        )
        .order_by("order__user__household_id", "product__category_id", "day")
    )
    facts: dict[tuple[int, int], CategoryPurchaseFacts] = {}
    for row in days:
        key = (row["order__user__household_id"], row["product__category_id"])
        item = facts.get(key)
        if item is None:
            item = facts[key] = CategoryPurchaseFacts(
                household_id=key[0],
                category_id=key[1],
                category_name=row["category_name"],
                kind=row["kind"],
                replenishment_days=row["replenishment_days"],
            )
        item.purchase_dates.append(row["day"])
        if row["previous_day"] is not None:
            item.intervals_days.append((row["day"] - row["previous_day"]).days)
    result: dict[int, list[CategoryPurchaseFacts]] = {household_id: [] for household_id in household_ids}
    for item in facts.values():
        result.setdefault(item.household_id, []).append(item)
    for items in result.values():
        items.sort(key=lambda item: (item.last_bought_on or date.min, item.category_id), reverse=True)
    return result


def household_essentials_facts(*, household_ids: list[int]) -> dict[int, list[CategoryPurchaseFacts]]:
    return household_category_purchase_facts(household_ids=household_ids, kind=Category.Kind.ESSENTIAL)


def household_preference_facts(*, household_ids: list[int]) -> dict[int, list[CategoryPurchaseFacts]]:
    return household_category_purchase_facts(household_ids=household_ids, kind=Category.Kind.PREFERENCE)


def household_essentials_share(*, household_ids: list[int]) -> dict[int, float]:
    """Share (0..1) of each household's spending here that went to essentials. One query."""
    rows = (
        bought_lines(household_ids=household_ids)
        .values("order__user__household_id")
        .annotate(
            total=Sum("line_total"),
            essentials=Sum("line_total", filter=Q(product__category__kind=Category.Kind.ESSENTIAL), default=0),
        )
    )
    return {
        row["order__user__household_id"]: (row["essentials"] / row["total"]) if row["total"] else 0.0 for row in rows
    }
