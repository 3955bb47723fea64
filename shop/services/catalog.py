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
from collections.abc import Iterable
from functools import partial
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


# What a visitor without an account sees of a product page is one shared copy (shop.views.catalog.product), kept
# under the catalog version and this per-product page stamp, plus the stamps of other apps' panels (shop.hooks).
# The stamp is renewed after commit by everything that changes the page without a catalog edit: stock taken by
# checkout or given back by a cancellation, and every saved or deleted review, photo, reply or helpful vote (with
# the rating they move). So a sale, a restock or a review shows on the next request.
PRODUCT_PAGE_KEY = "catalog:product-page:{pk}"


def product_page_stamp_key(product_id: int) -> str:
    return PRODUCT_PAGE_KEY.format(pk=product_id)


def product_page_stamps_get(*, product_id: int, extra_keys: list[str]) -> str | None:
    """The product page stamp and the panels' stamps (one cache round trip) joined in one string; None when the
    shared cache is down, so nothing may be cached. A missing stamp (never set, or evicted) is made anew, so an
    old copy can never come back under it."""
    keys = list(dict.fromkeys([product_page_stamp_key(product_id), *extra_keys]))
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                fresh = time.time_ns()
                found[key] = fresh if cache.add(key, fresh, timeout=None) else cache.get(key, fresh)
    except Exception:
        logger.warning("product page stamps unavailable", exc_info=True)
        return None
    return ".".join(str(found[key]) for key in keys)


def product_page_stamp_renew(*, product_id: int) -> None:
    cache.set(product_page_stamp_key(product_id), time.time_ns(), timeout=None)


def product_page_changed(*, product_ids: Iterable[int]) -> None:
    """Renew the product pages' stamps once the current transaction commits (at once outside one)."""
    for product_id in set(product_ids):
        transaction.on_commit(partial(_renew_softly, product_id))


def _review_row_changed(sender: Any, instance: Any, **_: Any) -> None:
    from shop.models import Review

    product_id = getattr(instance, "product_id", None)
    if product_id is None:
        product_id = Review.objects.filter(pk=instance.review_id).values_list("product_id", flat=True).first()
    if product_id is not None:
        product_page_changed(product_ids=[product_id])  # after the counts the service updates alongside


def _renew_softly(product_id: int) -> None:
    try:
        product_page_stamp_renew(product_id=product_id)
    except Exception:
        logger.warning("could not renew the page stamp of product %s", product_id, exc_info=True)


def connect_product_page_signals() -> None:
    """Called from ShopConfig.ready(): review rows renew their product's cached page."""
    from django.db.models.signals import post_delete, post_save

    from shop.models import Review, ReviewHelpfulVote, ReviewPhoto, ReviewReply

    for model in (Review, ReviewPhoto, ReviewReply, ReviewHelpfulVote):
        for signal in (post_save, post_delete):
            signal.connect(_review_row_changed, sender=model, dispatch_uid=f"product_page_{signal}_{model.__name__}")
