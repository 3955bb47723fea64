"""Reviews: verified buyers only (one per delivered order line), photos made safe, helpful votes, shop replies.

Photos go through the shared pipeline (uploads.images): verified with Pillow and size-capped in the request, then
turned upright, re-encoded from pixels only (EXIF and GPS gone) and resized by a Celery task after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from shop.models import Order, OrderLine, Product, Review, ReviewHelpfulVote, ReviewPhoto, ReviewReply
from shop.services.catalog import product_page_changed
from uploads.images import ImageUndecodable, image_check, image_discard, image_stash, image_variants_make

logger = logging.getLogger(__name__)

REVIEW_NOT_YOUR_ORDER = gettext_noop("직접 주문한 상품에만 리뷰를 쓸 수 있어요.")
REVIEW_NOT_DELIVERED = gettext_noop("배송이 끝난 상품에만 리뷰를 쓸 수 있어요.")
REVIEW_ALREADY_WRITTEN = gettext_noop("이 주문 상품에는 이미 리뷰를 썼어요.")
REVIEW_RATING_INVALID = gettext_noop("별점은 1점에서 5점 사이로 골라 주세요.")
REVIEW_BODY_TOO_SHORT = gettext_noop("리뷰는 10자 이상 써 주세요.")
REVIEW_BODY_TOO_LONG = gettext_noop("리뷰는 2,000자까지 쓸 수 있어요.")
REVIEW_TOO_MANY_PHOTOS = gettext_noop("사진은 5장까지 올릴 수 있어요.")
REVIEW_OWN_HELPFUL = gettext_noop("내 리뷰에는 도움돼요를 누를 수 없어요.")
REVIEW_REPLY_NOT_TEAM = gettext_noop("이 가게 팀원만 답글을 쓸 수 있어요.")
REVIEW_REPLY_EMPTY = gettext_noop("답글 내용을 써 주세요.")

BODY_MIN = 10
BODY_MAX = 2000
MAX_PHOTOS = 5


def _check_review_input(*, rating: int, body: str) -> str:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_(REVIEW_RATING_INVALID), code="review_invalid")
    body = (body or "").strip()
    if len(body) < BODY_MIN:
        raise DomainError(_(REVIEW_BODY_TOO_SHORT), code="review_invalid")
    if len(body) > BODY_MAX:
        raise DomainError(_(REVIEW_BODY_TOO_LONG), code="review_invalid")
    return body


def review_photo_process(*, photo_id: int) -> ReviewPhoto | None:
    """After commit (Celery): clean one stored review photo (no EXIF, upright) and make its display sizes.

    Safe to run twice (a ready photo is left as it is). A photo whose pixels cannot be decoded after all is deleted
    with its upload (the review stays); returns None then, or when the photo is gone.
    """
    photo = ReviewPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.is_ready:
        return photo
    source = photo.image.name
    if not source:
        raise FileNotFoundError(f"review photo {photo_id} has no stored upload")
    try:
        variants = image_variants_make(source=source)
    except ImageUndecodable:
        logger.warning("review photo %s could not be decoded; removed", photo_id)
        image_discard(source=source)
        photo.delete()
        return None
    fields = {
        "image": variants.original,
        "width": variants.width,
        "height": variants.height,
        "renditions": variants.renditions,
        "is_ready": True,
    }
    ReviewPhoto.objects.filter(pk=photo.pk).update(**fields)
    for name, value in fields.items():
        setattr(photo, name, value)
    # An UPDATE sends no post_save: renew the product's cached page so it shows the finished photo.
    product_id = Review.objects.filter(pk=photo.review_id).values_list("product_id", flat=True).first()
    if product_id is not None:
        product_page_changed(product_ids=[product_id])
    return photo


def product_rating_refresh(*, product_id: int) -> None:
    """Recompute Product.review_count and rating_average from the visible reviews.

    Locks the product row first, so the aggregate runs after any competing review committed (READ COMMITTED
    gives the next statement a fresh snapshot) and the last writer writes the full truth.
    """
    Product.objects.filter(pk=product_id).select_for_update(of=("self",)).values_list("pk", flat=True).first()
    summary = Review.objects.filter(product_id=product_id, is_visible=True).aggregate(
        count=Count("pk"), average=Avg("rating")
    )
    average = summary["average"]
    Product.objects.filter(pk=product_id).update(
        review_count=summary["count"],
        rating_average=(
            Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if average is not None else None
        ),
    )


@transaction.atomic(durable=True)
def review_create(
    *, user: User, order_line: OrderLine, rating: int, body: str, photos: Sequence[UploadedFile] = ()
) -> Review:
    """A verified buyer reviews one delivered order line (once). Photos are checked before anything is saved.

    Raises DomainError when the line is not the user's, not delivered, already reviewed, or the input (photos
    included: see uploads.images.image_check) is bad. Updates the product's rating summary in the same transaction.
    After commit, the Celery task `shop.review_photo_process` cleans and resizes each photo.
    """
    body = _check_review_input(rating=rating, body=body)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_(REVIEW_TOO_MANY_PHOTOS), code="review_photo")
    checked = [image_check(upload=upload) for upload in photos]
    line = OrderLine.objects.select_related("order").get(pk=order_line.pk)
    if line.order.user_id != user.pk:
        raise DomainError(_(REVIEW_NOT_YOUR_ORDER), code="review_forbidden", http_status=403)
    if line.order.status != Order.Status.DELIVERED:
        raise DomainError(_(REVIEW_NOT_DELIVERED), code="review_not_delivered", http_status=409)
    review = Review(order_line=line, product_id=line.product_id, user=user, rating=rating, body=body)
    review.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise DomainError(_(REVIEW_ALREADY_WRITTEN), code="review_exists", http_status=409) from exc
    from shop.tasks import review_photo_process_task

    for index, picture in enumerate(checked):
        path = image_stash(checked=picture, prefix="reviews")
        photo = ReviewPhoto.objects.create(
            review=review, image=path, width=picture.width, height=picture.height, sort_order=index
        )
        transaction.on_commit(partial(review_photo_process_task.delay, photo_id=photo.pk))
    product_rating_refresh(product_id=line.product_id)
    return review


@transaction.atomic(durable=True)
def review_helpful_vote(*, review: Review, user: User) -> bool:
    """Count one 도움돼요 per user per review. Returns False when this user had already voted (no change)."""
    if review.user_id == user.pk:
        raise DomainError(_(REVIEW_OWN_HELPFUL), code="review_own_vote")
    try:
        with transaction.atomic():
            ReviewHelpfulVote.objects.create(review=review, user=user)
    except IntegrityError:
        return False
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    return True


def review_reply_allowed(*, review: Review, user: User) -> bool:
    """Staff who are members of the team running the reviewed product's shop (shop reaches crm's team members
    through the string foreign key, importing nothing from crm)."""
    if not user.is_authenticated or not user.is_staff:
        return False
    return Product.objects.filter(pk=review.product_id, store__team__members__user=user).exists()


@transaction.atomic(durable=True)
def review_reply(*, review: Review, author: User, body: str) -> ReviewReply:
    """The shop team answers a review; a second answer replaces the first one's text."""
    if not review_reply_allowed(review=review, user=author):
        raise DomainError(_(REVIEW_REPLY_NOT_TEAM), code="review_reply_forbidden", http_status=403)
    body = (body or "").strip()
    if not body:
        raise DomainError(_(REVIEW_REPLY_EMPTY), code="review_invalid")
    now = timezone.now()
    reply, created = ReviewReply.objects.select_for_update().get_or_create(
        review=review, defaults={"author": author, "body": body[:1000], "created_at": now, "updated_at": now}
    )
    if not created:
        reply.author = author
        reply.body = body[:1000]
        reply.updated_at = now
        reply.full_clean()
        reply.save(update_fields=["author", "body", "updated_at"])
    return reply
