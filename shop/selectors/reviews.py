"""Review reads: the product page's review section, the full list, and a customer's reviewable lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Prefetch, QuerySet

from accounts.models import User
from shop.models import Order, OrderLine, Product, Review, ReviewHelpfulVote, ReviewPhoto
from shop.selectors.subscriptions import product_image_subquery

REVIEWS_ON_PRODUCT_PAGE = 5


def reviews_for_product(*, product: Product, with_photos_only: bool = False) -> QuerySet[Review]:
    """Visible reviews, newest first, with author, photos and the shop's reply: three queries per page."""
    reviews = (
        Review.objects.filter(product=product, is_visible=True)
        .select_related("user", "reply", "reply__author")
        .prefetch_related(Prefetch("photos", queryset=ReviewPhoto.objects.order_by("sort_order", "pk")))
        .order_by("-created_at", "-pk")
    )
    if with_photos_only:
        reviews = reviews.filter(photos__isnull=False).distinct()
    return reviews


@dataclass
class RatingSummary:
    count: int
    average: float | None
    distribution: list[tuple[int, int, int]] = field(default_factory=list)  # (stars, count, percent)


def rating_summary(*, product: Product) -> RatingSummary:
    """Star distribution of the visible reviews (one grouped query, none when the product row counts no reviews);
    count and average from the product row."""
    counts = (
        dict(
            Review.objects.filter(product=product, is_visible=True)
            .values_list("rating")
            .annotate(n=Count("pk"))
            .values_list("rating", "n")
        )
        if product.review_count
        else {}
    )
    total = sum(counts.values())
    distribution = [
        (stars, counts.get(stars, 0), round(counts.get(stars, 0) * 100 / total) if total else 0)
        for stars in range(5, 0, -1)
    ]
    average = float(product.rating_average) if product.rating_average is not None else None
    return RatingSummary(count=product.review_count, average=average, distribution=distribution)


def reviewable_lines(*, user: User, order_number: str | None = None) -> list[OrderLine]:
    """Delivered order lines of the customer that have no review yet (one query), newest order first."""
    lines = (
        OrderLine.objects.filter(order__user=user, order__status=Order.Status.DELIVERED, review__isnull=True)
        .select_related("order", "product", "product__category")
        .annotate(image_path=product_image_subquery("product_id"))
        .order_by("-order__placed_at", "pk")
    )
    if order_number:
        lines = lines.filter(order__number=order_number)
    return list(lines[:50])


def reviews_by_user(*, user: User) -> QuerySet[Review]:
    return (
        Review.objects.filter(user=user)
        .select_related("product", "reply")
        .prefetch_related(Prefetch("photos", queryset=ReviewPhoto.objects.order_by("sort_order", "pk")))
        .order_by("-created_at", "-pk")
    )


def helpful_voted_ids(*, user: User, review_ids: list[int]) -> set[int]:
    if not user.is_authenticated or not review_ids:
        return set()
    return set(
        ReviewHelpfulVote.objects.filter(user=user, review_id__in=review_ids).values_list("review_id", flat=True)
    )


def low_ratings_since(*, user_ids: QuerySet | list[int], since: datetime, max_rating: int = 2) -> QuerySet:
    """Reviews of these customers rated `max_rating` or lower since `since`, newest first, as dicts (user_id,
    rating, product name, created_at): crm's morning round asks who to call back. One query."""
    return (
        Review.objects.filter(user_id__in=user_ids, rating__lte=max_rating, created_at__gte=since)
        .order_by("-created_at", "-pk")
        .values("user_id", "rating", "created_at", product_name=F("product__name"))
    )
