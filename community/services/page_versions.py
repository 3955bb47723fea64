"""Version stamps of what visitors see of 집들이, kept in the shared cache next to the copies they validate
(community.page_cache). A service that changes something a visitor sees replaces the stamp, so the old copies are
not shown again: at once by the process that made the change, within config.local_memo.LOCAL_SECONDS by the others.

- a tour's stamp covers its page: facts, story, photos, pins, counts and comments. Replaced on a like, scrap,
  comment, any edit by the author, publishing, deleting, hiding or restoring by moderation (the tour or one of its
  comments), and when a picture's display sizes are ready. Only the view count is not worth a new page: it lags by
  at most the page's cache lifetime.
- the listing stamp covers which tours are listed and what their cards say: replaced on publishing, an edit of a
  published tour, deleting, hiding and restoring. Likes and scraps move a card's counts and the popular order
  within the listing's short cache lifetime instead, so a busy tour does not re-render every listing.

- a product's panels stamp covers what visitors see of the product page's 상품 Q&A and 체험단 후기 panels
  (shop.hooks shares one rendered copy of them between visitors): replaced when a question or report is saved or
  deleted, answered, hidden or restored, and when a report picture's display sizes are ready.

Deleted tours and comments replace their stamps through post_delete receivers (connect_page_version_signals), so
a deletion by cascade, such as an account's, is covered as well as one through the services.

A stamp is replaced after the transaction commits: a reader holding the old stamp may still render the old rows,
but stores that copy under the old stamp, which nobody asks for any more.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from community.models import ProductQuestion, Tour, TourComment, TourPhoto, TrialReport, TrialReportPhoto
from config import local_memo

logger = logging.getLogger(__name__)

LISTING_KEY = "community:stamp:tour-list"
STAMP_SECONDS = 24 * 3600  # outlives every copy it validates; a lost stamp is made again (a miss, never a stale hit)


def tour_stamp_key(tour_id: int) -> str:
    return f"community:stamp:tour:{tour_id}"


def product_panels_stamp_key(product_id: int) -> str:
    return f"community:stamp:product-panels:{product_id}"


def _replace(key: str) -> None:
    stamp = str(time.time_ns())
    local_memo.set(key, stamp)  # this process at once; the others within local_memo.LOCAL_SECONDS
    try:
        cache.set(key, stamp, STAMP_SECONDS)
    except Exception:  # the shared cache is down: the copies in it are unreachable too
        logger.warning("shared cache unavailable for %s", key, exc_info=True)


def tour_changed(*, tour_id: int, listing: bool = False) -> None:
    """What visitors see of this tour (and, with `listing`, of the tour listing) changed: new stamps after commit."""
    transaction.on_commit(lambda: _replace(tour_stamp_key(tour_id)))
    if listing:
        transaction.on_commit(lambda: _replace(LISTING_KEY))


def product_panels_changed(*, product_id: int) -> None:
    """What visitors see of the product page's community panels changed: a new stamp after commit."""
    transaction.on_commit(lambda: _replace(product_panels_stamp_key(product_id)))


def image_renditions_ready(*, image_id: int) -> None:
    """A picture's display sizes were made (its srcset changed): the tours and trial reports showing it changed."""
    tour_ids = set(Tour.objects.filter(cover_id=image_id).values_list("pk", flat=True))
    tour_ids.update(TourPhoto.objects.filter(image_id=image_id).values_list("tour_id", flat=True))
    for tour_id in tour_ids:
        tour_changed(tour_id=tour_id, listing=True)
    product_ids = TrialReportPhoto.objects.filter(image_id=image_id).values_list("report__product_id", flat=True)
    for product_id in set(product_ids):
        product_panels_changed(product_id=product_id)


def stamp_current(key: str, found: str | None) -> str:
    """The stamp `found` under `key`, or a new one stored there when there was none (first use, or evicted)."""
    if found is not None:
        return found
    fresh = str(time.time_ns())
    if cache.add(key, fresh, STAMP_SECONDS):
        return fresh
    return cache.get(key) or fresh


def _deleted(sender: type, instance: Any, **_: Any) -> None:
    if isinstance(instance, TourComment):
        tour_changed(tour_id=instance.tour_id)
    else:
        tour_changed(tour_id=instance.pk, listing=True)


def _product_panel_row_changed(sender: type, instance: Any, **_: Any) -> None:
    product_panels_changed(product_id=instance.product_id)


def _report_photo_changed(sender: type, instance: Any, **_: Any) -> None:
    product_id = TrialReport.objects.filter(pk=instance.report_id).values_list("product_id", flat=True).first()
    if product_id is not None:
        product_panels_changed(product_id=product_id)


def connect_page_version_signals() -> None:
    """Called from CommunityConfig.ready(). Saved or deleted questions and reports (their photos too) renew their
    product's panels stamp; updates that send no signal (answers, moderation) call product_panels_changed."""
    for model in (Tour, TourComment):
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"community_page_version_{model.__name__}")
    for panel_model in (ProductQuestion, TrialReport):
        for signal in (post_save, post_delete):
            uid = f"product_panels_{signal}_{panel_model.__name__}"
            signal.connect(_product_panel_row_changed, sender=panel_model, dispatch_uid=uid)
    for signal in (post_save, post_delete):
        signal.connect(_report_photo_changed, sender=TrialReportPhoto, dispatch_uid=f"product_panels_{signal}_photo")
