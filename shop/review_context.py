"""The product page's review section as template context, shared by the product page and the reviews pages."""

from __future__ import annotations

from typing import Any

from shop.models import Product, Review
from shop.selectors.reviews import REVIEWS_ON_PRODUCT_PAGE, helpful_voted_ids, rating_summary, reviews_for_product
from shop.services.reviews import review_reply_allowed


def _reviews_mark_voted(*, user: Any, reviews: list[Review]) -> list[Review]:
    """Sets `voted` on each review: whether `user` found it helpful (one query; none for a visitor)."""
    voted = helpful_voted_ids(user=user, review_ids=[review.pk for review in reviews])
    for review in reviews:
        review.voted = review.pk in voted  # type: ignore[attr-defined]
    return reviews


def review_section_context(*, user: Any, product: Product, reviews: list[Review] | None = None) -> dict[str, Any]:
    """A review section: star summary and `reviews` (default: the product page's newest, with no query for a
    product whose row counts no reviews, which services.reviews keeps up to date), each marked with whether
    `user` found it helpful, and whether `user` may reply. A fixed number of queries."""
    if reviews is None:
        reviews = list(reviews_for_product(product=product)[:REVIEWS_ON_PRODUCT_PAGE]) if product.review_count else []
    reviews = _reviews_mark_voted(user=user, reviews=reviews)
    return {
        "review_summary": rating_summary(product=product),
        "reviews": reviews,
        "can_reply": bool(reviews) and review_reply_allowed(review=reviews[0], user=user),
    }
