"""Reviews by verified buyers: one per order line, with photos, helpful votes and one reply from the shop team."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uploads.images import ResponsiveImage


class Review(models.Model):
    order_line = models.OneToOneField(
        "shop.OrderLine", verbose_name=_("주문 상품"), related_name="review", on_delete=models.PROTECT
    )
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="reviews", on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), related_name="reviews", on_delete=models.CASCADE
    )
    rating = models.PositiveSmallIntegerField(_("별점"))
    body = models.TextField(_("리뷰 내용"), max_length=2000)
    helpful_count = models.PositiveIntegerField(_("도움돼요 수"), default=0, editable=False)
    is_visible = models.BooleanField(_("공개"), default=True)
    created_at = models.DateTimeField(_("작성일"), default=timezone.now)

    class Meta:
        verbose_name = _("리뷰")
        verbose_name_plural = _("리뷰")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5")]
        indexes = [models.Index(fields=["product", "is_visible", "-created_at"], name="review_product_recent")]

    def __str__(self) -> str:
        return f"{self.product_id} ★{self.rating}"


class ReviewPhoto(ResponsiveImage, models.Model):
    """One photo of a review: stored as uploaded, then cleaned (no EXIF) and resized by a task (uploads.images)."""

    review = models.ForeignKey(Review, verbose_name=_("리뷰"), related_name="photos", on_delete=models.CASCADE)
    image = models.ImageField(_("사진"), upload_to="reviews/%Y/%m/")
    width = models.PositiveIntegerField(_("가로"), default=0)
    height = models.PositiveIntegerField(_("세로"), default=0)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)
    # {"480": "reviews/…/w480.jpg", ...}: the display sizes made by the task, keyed by width.
    renditions = models.JSONField(_("표시용 크기"), default=dict, blank=True)
    # False from the upload until the task wrote the clean variants: the stored upload still has its EXIF.
    is_ready = models.BooleanField(_("표시 준비됨"), default=False)

    class Meta:
        verbose_name = _("리뷰 사진")
        verbose_name_plural = _("리뷰 사진")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id}#{self.sort_order}"

    @property
    def stored_name(self) -> str:
        return self.image.name


class ReviewHelpfulVote(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("리뷰"), related_name="helpful_votes", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="+", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("누른 때"), default=timezone.now)

    class Meta:
        verbose_name = _("도움돼요")
        verbose_name_plural = _("도움돼요")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_helpful_once_per_user")]

    def __str__(self) -> str:
        return f"{self.review_id}:{self.user_id}"


class ReviewReply(models.Model):
    """The shop team's answer to a review (one per review; a new answer replaces the text)."""

    review = models.OneToOneField(Review, verbose_name=_("리뷰"), related_name="reply", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("답글 쓴 직원"), related_name="+", on_delete=models.PROTECT
    )
    body = models.TextField(_("답글"), max_length=1000)
    created_at = models.DateTimeField(_("작성일"), default=timezone.now)
    updated_at = models.DateTimeField(_("고친 때"), default=timezone.now)

    class Meta:
        verbose_name = _("가게 답글")
        verbose_name_plural = _("가게 답글")

    def __str__(self) -> str:
        return f"reply:{self.review_id}"
