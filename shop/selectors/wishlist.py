"""찜 reads: the wishlist page and which hearts are filled on a page of products."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet

from accounts.models import User
from shop.models import Product, WishlistItem
from shop.selectors.catalog import product_cards


def wishlist_products(*, user: User) -> QuerySet[Product]:
    """The customer's wishlisted products (active ones), most recently wishlisted first, ready for product cards."""
    return (
        product_cards()
        .filter(wishlisted_by__user=user)
        .annotate(wishlisted_at=F("wishlisted_by__created_at"))  # the join the filter made, not a second one
        .order_by("-wishlisted_at", "-pk")
    )


def wishlisted_ids(*, user: User, product_ids: Iterable[int] | None = None) -> set[int]:
    """Which of these products the customer has wishlisted (one query; empty for visitors)."""
    if not user.is_authenticated:
        return set()
    items = WishlistItem.objects.filter(user=user)
    if product_ids is not None:
        items = items.filter(product_id__in=list(product_ids))
    return set(items.values_list("product_id", flat=True))
