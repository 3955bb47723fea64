"""Reviews: verified buyers only (one per delivered order line), photos made safe, helpful votes, shop replies.

Photos are verified with Pillow, size-capped, turned upright and re-encoded from pixels only, so EXIF (GPS!) and
anything else hidden in the file never reaches storage.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from config.errors import DomainError
from shop.models import Order, OrderLine, Product, Review, ReviewHelpfulVote, ReviewPhoto, ReviewReply

REVIEW_NOT_YOUR_ORDER = gettext_noop("직접 주문한 상품에만 리뷰를 쓸 수 있어요.")
REVIEW_NOT_DELIVERED = gettext_noop("배송이 끝난 상품에만 리뷰를 쓸 수 있어요.")
REVIEW_ALREADY_WRITTEN = gettext_noop("이 주문 상품에는 이미 리뷰를 썼어요.")
REVIEW_RATING_INVALID = gettext_noop("별점은 1점에서 5점 사이로 골라 주세요.")
REVIEW_BODY_TOO_SHORT = gettext_noop("리뷰는 10자 이상 써 주세요.")
REVIEW_BODY_TOO_LONG = gettext_noop("리뷰는 2,000자까지 쓸 수 있어요.")
REVIEW_TOO_MANY_PHOTOS = gettext_noop("사진은 5장까지 올릴 수 있어요.")
REVIEW_PHOTO_TOO_BIG = gettext_noop("사진 한 장은 10MB까지 올릴 수 있어요.")
REVIEW_PHOTO_INVALID = gettext_noop("사진 파일을 읽을 수 없어요. JPG나 PNG 사진을 올려 주세요.")
REVIEW_OWN_HELPFUL = gettext_noop("내 리뷰에는 도움돼요를 누를 수 없어요.")
REVIEW_REPLY_NOT_TEAM = gettext_noop("이 가게 팀원만 답글을 쓸 수 있어요.")
REVIEW_REPLY_EMPTY = gettext_noop("답글 내용을 써 주세요.")

BODY_MIN = 10
BODY_MAX = 2000
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # refuse decompression bombs before decoding
PHOTO_MAX_SIDE = 1600
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


def _check_review_input(*, rating: int, body: str) -> str:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_(REVIEW_RATING_INVALID), code="review_invalid")
    body = (body or "").strip()
    if len(body) < BODY_MIN:
        raise DomainError(_(REVIEW_BODY_TOO_SHORT), code="review_invalid")
    if len(body) > BODY_MAX:
        raise DomainError(_(REVIEW_BODY_TOO_LONG), code="review_invalid")
    return body


def review_photo_clean(upload: UploadedFile) -> tuple[ContentFile, int, int]:
    """Verify an uploaded photo and re-encode it without metadata. Returns (file, width, height).

    Raises DomainError for anything that is too big, not an image, or an image format we do not take.
    """
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise DomainError(_(REVIEW_PHOTO_TOO_BIG), code="review_photo")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise DomainError(_(REVIEW_PHOTO_INVALID), code="review_photo")
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise DomainError(_(REVIEW_PHOTO_TOO_BIG), code="review_photo")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            has_alpha = upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info)
            clean = upright.convert("RGBA" if has_alpha else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(_(REVIEW_PHOTO_INVALID), code="review_photo") from exc
    clean.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    # A fresh image holds pixels only: no EXIF, GPS, ICC comments or trailing data survive.
    pixels_only = Image.new(clean.mode, clean.size)
    pixels_only.paste(clean)
    buffer = io.BytesIO()
    if has_alpha:
        pixels_only.save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        pixels_only.save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"), pixels_only.width, pixels_only.height


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
    """A verified buyer reviews one delivered order line (once). Photos are cleaned before anything is saved.

    Raises DomainError when the line is not the user's, not delivered, already reviewed, or the input is bad.
    Updates the product's rating summary in the same transaction.
    """
    body = _check_review_input(rating=rating, body=body)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_(REVIEW_TOO_MANY_PHOTOS), code="review_photo")
    cleaned = [review_photo_clean(upload) for upload in photos]
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
    for index, (content, width, height) in enumerate(cleaned):
        photo = ReviewPhoto(review=review, width=width, height=height, sort_order=index)
        photo.image.save(content.name, content, save=False)  # type: ignore[arg-type]
        photo.save()
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
