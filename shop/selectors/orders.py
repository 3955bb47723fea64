"""Order reads, always filtered by the owner so one shopper never sees another's orders."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.errors import DomainError
from shop.models import Address, Order, OrderLine, OrderStatusEvent, ProductImage
from shop.selectors.household import BOUGHT_STATUSES

ORDER_NOT_FOUND = _("주문을 찾을 수 없어요.")


def _line_image() -> Subquery:
    images = ProductImage.objects.filter(product=OuterRef("product_id")).order_by("sort_order", "pk").values("image")
    return Subquery(images[:1])


def _lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("product__category")
        .annotate(image_path=_line_image())
        .order_by("pk"),
    )


def order_list_for_user(*, user: User) -> QuerySet[Order]:
    """The shopper's orders, newest first, with payment and lines (each line's first image) prefetched."""
    return (
        Order.objects.filter(user=user)
        .select_related("payment")
        .prefetch_related(_lines())
        .order_by("-placed_at", "-pk")
    )


def order_get_for_user(*, user: User, number: str) -> Order:
    """One of the shopper's orders with lines, payment and status history. Raises DomainError(404)."""
    order = (
        Order.objects.filter(user=user, number=number)
        .select_related("payment")
        .prefetch_related(_lines(), Prefetch("events", queryset=OrderStatusEvent.objects.order_by("created_at", "pk")))
        .first()
    )
    if order is None:
        raise DomainError(ORDER_NOT_FOUND, code="not_found", http_status=404)
    return order


def order_for_idempotency_key(*, user: User, key: str) -> Order | None:
    """The order a checkout form with this key already made (a double submit or a retry), if any."""
    try:
        parsed = uuid.UUID(str(key))
    except ValueError:
        return None
    return Order.objects.filter(user=user, idempotency_key=parsed).first()


def order_line_names(*, order: Order, limit: int) -> tuple[list[str], int]:
    """The first `limit` product names of the order's lines, in line order, and how many lines it has."""
    lines = OrderLine.objects.filter(order=order)
    return list(lines.order_by("pk").values_list("product_name", flat=True)[:limit]), lines.count()


def addresses_for_user(*, user: User) -> list[Address]:
    return list(Address.objects.filter(user=user).order_by("-is_default", "-created_at", "-pk")[:5])


def default_addresses_for_users(*, user_ids: list[int]) -> dict[int, Address]:
    """Each user's default shipping address (users without one are absent). One query for any number of users:
    the back office reads contact data for a page or a CSV chunk at once."""
    if not user_ids:
        return {}
    return {address.user_id: address for address in Address.objects.filter(user_id__in=user_ids, is_default=True)}


def orders_recent_for_customer(*, user: User, limit: int = 10) -> list[Order]:
    """A customer's latest orders for staff (the back office's customer page): status, total and lines with their
    shop names (snapshots on the line). Two queries whatever the number of orders or lines."""
    orders = Order.objects.filter(user=user).order_by("-placed_at", "-pk")[:limit]
    return list(orders.prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))))


def attributed_buyer_counts(*, sources: list[str]) -> dict[str, int]:
    """How many different shoppers bought after each opaque attribution source (e.g. a house tour's pin click).

    One grouped query for any number of sources; sources nobody bought through are missing from the result.
    Higher apps read their own sources back through this (shop does not know what "tour:12" means).
    """
    if not sources:
        return {}
    rows = (
        Order.objects.filter(attribution_source__in=sources, status__in=BOUGHT_STATUSES, user__isnull=False)
        .values("attribution_source")
        .annotate(buyers=Count("user", distinct=True))
        .order_by()
    )
    return {row["attribution_source"]: row["buyers"] for row in rows}


def bought_orders_queryset() -> QuerySet[Order]:
    """Every order that counts as bought (paid and not cancelled or refunded), unordered, for higher apps to filter
    by customer and time inside their own aggregates (crm measures campaigns against it). Selects nothing else."""
    return Order.objects.filter(status__in=BOUGHT_STATUSES, user__isnull=False).order_by()


def bought_order_times(*, user_ids: list[int], since: datetime) -> list[tuple[int, datetime]]:
    """(customer id, placed_at) of every bought (paid, not cancelled or refunded) order of these customers placed
    since `since`, oldest first: crm measures who came back after a touch. One query."""
    return list(
        Order.objects.filter(user_id__in=user_ids, status__in=BOUGHT_STATUSES, placed_at__gte=since)
        .order_by("placed_at", "pk")
        .values_list("user_id", "placed_at")
    )
