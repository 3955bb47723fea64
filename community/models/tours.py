"""집들이 (house tours): a post of ordered photos with captions and product pins, and what readers do with it.

Counts shown on cards (likes, scraps, comments, views) are kept on the tour by the services in the same
transaction as the row they count, so a listing reads one row per tour. `popularity` is a decayed score kept by
the services too (see community.services.social): recent likes and scraps weigh more than old ones.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models.base import Moderated

TITLE_MAX = 60
BODY_MAX = 5000
CAPTION_MAX = 300
COMMENT_MAX = 1000


class Tour(Moderated):
    class Status(models.TextChoices):
        DRAFT = "draft", _("임시저장")
        PUBLISHED = "published", _("발행")

    class HomeType(models.TextChoices):
        ONE_ROOM = "one_room", _("원룸")
        OFFICETEL = "officetel", _("오피스텔")
        APARTMENT = "apartment", _("아파트")
        VILLA = "villa", _("빌라")
        HOUSE = "house", _("주택")

    class Style(models.TextChoices):
        MODERN = "modern", _("모던")
        NORDIC = "nordic", _("북유럽")
        VINTAGE = "vintage", _("빈티지")
        MINIMAL = "minimal", _("미니멀")
        NATURAL = "natural", _("내추럴")
        CLASSIC = "classic", _("클래식")
        KOREAN = "korean", _("한국적인")

    class Household(models.TextChoices):
        SINGLE = "single", _("1인 가구")
        NEWLYWED = "newlywed", _("신혼")
        KIDS = "kids", _("아이 있는 집")
        PETS = "pets", _("반려동물")
        FAMILY = "family", _("가족과 함께")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("글쓴이"), related_name="tours", on_delete=models.CASCADE
    )
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("제목"), max_length=TITLE_MAX, blank=True)
    body = models.TextField(_("이야기"), max_length=BODY_MAX, blank=True)
    cover = models.ForeignKey(
        "community.CommunityImage",
        verbose_name=_("커버 사진"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    home_type = models.CharField(_("주거 형태"), max_length=12, choices=HomeType.choices, blank=True)
    size_pyeong = models.PositiveSmallIntegerField(
        _("평수"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(300)]
    )
    style = models.CharField(_("스타일"), max_length=12, choices=Style.choices, blank=True)
    household = models.CharField(_("가족 형태"), max_length=12, choices=Household.choices, blank=True)
    budget = models.PositiveIntegerField(
        _("예산(원)"), null=True, blank=True, validators=[MaxValueValidator(2_000_000_000)]
    )
    like_count = models.PositiveIntegerField(_("좋아요 수"), default=0)
    scrap_count = models.PositiveIntegerField(_("스크랩 수"), default=0)
    comment_count = models.PositiveIntegerField(_("댓글 수"), default=0)
    view_count = models.PositiveIntegerField(_("조회 수"), default=0)
    pin_count = models.PositiveIntegerField(_("상품 핀 수"), default=0)
    # log of sum(weight * e^((t - epoch) / tau)) over publication, likes, scraps and comments: ordering by it is ordering
    # by the score decayed to any common "now", and the log form never overflows.
    popularity = models.FloatField(_("인기 점수"), default=0.0)
    published_at = models.DateTimeField(_("발행한 때"), null=True, blank=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    updated_at = models.DateTimeField(_("고친 때"), default=timezone.now)

    class Meta:
        verbose_name = _("집들이")
        verbose_name_plural = _("집들이")
        indexes = [
            models.Index(fields=["status", "is_hidden", "-popularity"], name="tour_popular"),
            models.Index(fields=["status", "is_hidden", "-published_at"], name="tour_newest"),
            models.Index(fields=["author", "status", "-published_at"], name="tour_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="tour_published_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("제목 없는 집들이"))

    def get_absolute_url(self) -> str:
        return reverse("community:tour_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def attribution_source(self) -> str:
        """What a pin click writes on the cart and shop copies onto the order (shop.Cart.attribution_source)."""
        return f"tour:{self.pk}"


class TourPhoto(models.Model):
    tour = models.ForeignKey(Tour, verbose_name=_("집들이"), related_name="photos", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "community.CommunityImage", verbose_name=_("사진"), related_name="+", on_delete=models.PROTECT
    )
    caption = models.CharField(_("설명"), max_length=CAPTION_MAX, blank=True)
    position = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("집들이 사진")
        verbose_name_plural = _("집들이 사진")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["tour", "position"], name="tourphoto_order")]

    def __str__(self) -> str:
        return f"{self.tour_id}#{self.position}"


class TourPin(models.Model):
    """A shop product pinned on a spot of a photo; x and y are percent of the photo's width and height."""

    tour = models.ForeignKey(Tour, verbose_name=_("집들이"), related_name="pins", on_delete=models.CASCADE)
    photo = models.ForeignKey(TourPhoto, verbose_name=_("사진"), related_name="pins", on_delete=models.CASCADE)
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="tour_pins", on_delete=models.CASCADE
    )
    x = models.DecimalField(
        _("가로 위치(%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    y = models.DecimalField(
        _("세로 위치(%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("상품 핀")
        verbose_name_plural = _("상품 핀")
        ordering = ["pk"]
        indexes = [models.Index(fields=["tour", "product"], name="tourpin_tour_product")]
        constraints = [
            models.CheckConstraint(condition=Q(x__gte=0, x__lte=100, y__gte=0, y__lte=100), name="tourpin_in_photo"),
        ]

    def __str__(self) -> str:
        return f"{self.photo_id}@{self.x},{self.y}"


class TourLike(models.Model):
    tour = models.ForeignKey(Tour, verbose_name=_("집들이"), related_name="likes", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="tour_likes", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("누른 때"), default=timezone.now)

    class Meta:
        verbose_name = _("집들이 좋아요")
        verbose_name_plural = _("집들이 좋아요")
        constraints = [models.UniqueConstraint(fields=["tour", "user"], name="tourlike_once")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.tour_id}"


class TourScrap(models.Model):
    tour = models.ForeignKey(Tour, verbose_name=_("집들이"), related_name="scraps", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="tour_scraps", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("스크랩한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("집들이 스크랩")
        verbose_name_plural = _("집들이 스크랩")
        constraints = [models.UniqueConstraint(fields=["tour", "user"], name="tourscrap_once")]
        indexes = [models.Index(fields=["user", "-created_at"], name="tourscrap_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} scrapped {self.tour_id}"


class TourComment(Moderated):
    """A comment on a tour, or a reply to one (one level: a reply's parent is always a top-level comment)."""

    tour = models.ForeignKey(Tour, verbose_name=_("집들이"), related_name="comments", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("글쓴이"), related_name="tour_comments", on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("원 댓글"), related_name="replies", on_delete=models.CASCADE, null=True, blank=True
    )
    body = models.TextField(_("내용"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)

    class Meta:
        verbose_name = _("집들이 댓글")
        verbose_name_plural = _("집들이 댓글")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tour", "parent", "created_at"], name="tourcomment_thread")]

    def __str__(self) -> str:
        return self.body[:30]


class TourView(models.Model):
    """One visitor's view of a tour on one (Seoul) day: the unique key makes the view count count people."""

    tour = models.ForeignKey(Tour, verbose_name=_("집들이"), related_name="+", on_delete=models.CASCADE)
    viewer = models.CharField(_("방문자"), max_length=64)
    day = models.DateField(_("날짜"))

    class Meta:
        verbose_name = _("집들이 조회")
        verbose_name_plural = _("집들이 조회")
        constraints = [models.UniqueConstraint(fields=["tour", "viewer", "day"], name="tourview_once_a_day")]
        indexes = [models.Index(fields=["day"], name="tourview_day")]

    def __str__(self) -> str:
        return f"{self.viewer[:8]} {self.tour_id} {self.day}"


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("팔로우한 사람"), related_name="following", on_delete=models.CASCADE
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("팔로우받는 사람"), related_name="followers", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("팔로우한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("팔로우")
        verbose_name_plural = _("팔로우")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=models.F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["follower", "-created_at"], name="follow_recent")]

    def __str__(self) -> str:
        return f"{self.follower_id} -> {self.followee_id}"
