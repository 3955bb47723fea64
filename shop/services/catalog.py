"""Catalog writes that other code relies on: the version stamp that keys every cached product-grid fragment.

Rendered product grids (category, shop, search, home sections) are cached across visitors because nothing in a
card is personal. Every catalog edit that goes through the ORM's save/delete (admin, services, demo data) bumps
the version, so the next request renders afresh. Bulk `.update()` calls (checkout decrementing stock, reviews
refreshing a rating) send no signal; for those the fragment's short lifetime (GRID_CACHE_SECONDS, plus up to
shop.views.catalog.NEAR_CACHE_SECONDS in a server process's own memory) bounds how long a card may show an old
sold-out badge. The product page and the cart always read live rows.
"""

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction

from config import local_memo

logger = logging.getLogger(__name__)
CATALOG_VERSION_KEY = "catalog:version"
GRID_CACHE_SECONDS = 120


def catalog_version_bump(**_: Any) -> str:
    """New catalog version (a time stamp, so a cache flush can never bring an old version back)."""
    version = str(time.time_ns())
    cache.set(CATALOG_VERSION_KEY, version, timeout=None)
    local_memo.set(CATALOG_VERSION_KEY, version)
    return version


def catalog_version_get() -> str:
    """The current version; other processes' edits show here within config.local_memo.LOCAL_SECONDS."""

    def load() -> str:
        version = cache.get(CATALOG_VERSION_KEY)
        return version if version is not None else catalog_version_bump()

    try:
        return local_memo.get(CATALOG_VERSION_KEY, load)
    except Exception:  # the shared cache is down: pages still render, from this process's own copies
        logger.warning("catalog version unavailable", exc_info=True)
        return "unavailable"


def connect_catalog_cache_signals() -> None:
    """Called from ShopConfig.ready(): any saved or deleted catalog row invalidates cached grids."""
    from django.db.models.signals import post_delete, post_save

    from shop.models import Category, Product, ProductImage, Store

    for model in (Category, Store, Product, ProductImage):
        for signal in (post_save, post_delete):
            signal.connect(
                catalog_version_bump, sender=model, dispatch_uid=f"catalog_version_{signal}_{model.__name__}"
            )


# The product page body a visitor without an account sees is cached (shop.views.catalog.product) under the catalog
# version, the product's live price/stock/rating and this per-product review stamp, which every saved or deleted
# review, photo, reply or helpful vote renews: a new review or reply shows on the next request.
PRODUCT_REVIEWS_KEY = "catalog:product-reviews:{pk}"


def product_reviews_stamp_get(*, product_id: int) -> str:
    try:
        return str(cache.get(PRODUCT_REVIEWS_KEY.format(pk=product_id)) or "0")
    except Exception:  # the shared cache is down: the page renders without its cached body anyway
        logger.warning("product review stamp unavailable", exc_info=True)
        return "unavailable"


def product_reviews_stamp_renew(*, product_id: int) -> None:
    cache.set(PRODUCT_REVIEWS_KEY.format(pk=product_id), time.time_ns(), timeout=None)


def _review_row_changed(sender: Any, instance: Any, **_: Any) -> None:
    from shop.models import Review

    product_id = getattr(instance, "product_id", None)
    if product_id is None:
        product_id = Review.objects.filter(pk=instance.review_id).values_list("product_id", flat=True).first()
    if product_id is not None:
        transaction.on_commit(lambda: _renew_softly(product_id))  # after the counts the service updates alongside


def _renew_softly(product_id: int) -> None:
    try:
        product_reviews_stamp_renew(product_id=product_id)
    except Exception:
        logger.warning("could not renew the review stamp of product %s", product_id, exc_info=True)


def connect_product_page_signals() -> None:
    """Called from ShopConfig.ready(): review rows renew their product's cached page."""
    from django.db.models.signals import post_delete, post_save

    from shop.models import Review, ReviewHelpfulVote, ReviewPhoto, ReviewReply

    for model in (Review, ReviewPhoto, ReviewReply, ReviewHelpfulVote):
        for signal in (post_save, post_delete):
            signal.connect(_review_row_changed, sender=model, dispatch_uid=f"product_page_{signal}_{model.__name__}")
