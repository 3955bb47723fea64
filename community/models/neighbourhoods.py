"""동네: dong-level neighbourhoods with a centroid, who verified living there, and the local stores residents review."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models.base import Moderated


class Neighbourhood(models.Model):
    """A 동 (e.g. 마포구 망원동). Its centroid is what a browser location is measured against; no shape is stored."""

    name = models.CharField(_("동 이름"), max_length=30)
    district = models.CharField(_("구"), max_length=30)
    city = models.CharField(_("시"), max_length=30, default="서울특별시")
    slug = models.SlugField(_("슬러그"), max_length=60, unique=True, allow_unicode=True)
    latitude = models.DecimalField(
        _("중심 위도"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("중심 경도"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    class Meta:
        verbose_name = _("동네")
        verbose_name_plural = _("동네")
        ordering = ["district", "name"]

    def __str__(self) -> str:
        return f"{self.district} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("community:board", kwargs={"slug": self.slug})


class Residency(models.Model):
    """A user's verified neighbourhood (one at a time, like a 동네 인증). Only the result and its time are kept:
    the coordinates the browser sent are used for the distance check and then forgotten."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="community_residency", on_delete=models.CASCADE
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("동네"), related_name="residents", on_delete=models.CASCADE
    )
    verified_at = models.DateTimeField(_("인증한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("동네 인증")
        verbose_name_plural = _("동네 인증")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.neighbourhood_id}"


class LocalStore(Moderated):
    """A shop on the street (빵집, 세탁소, 반찬가게 ...), optionally the same people as a mall shop."""

    class Kind(models.TextChoices):
        BAKERY = "bakery", _("빵집")
        LAUNDRY = "laundry", _("세탁소")
        SIDE_DISHES = "side_dishes", _("반찬가게")
        CAFE = "cafe", _("카페")
        BUTCHER = "butcher", _("정육점")
        GREENGROCER = "greengrocer", _("과일·채소가게")
        FLORIST = "florist", _("꽃집")
        RESTAURANT = "restaurant", _("식당")
        REPAIR = "repair", _("수선·수리")
        OTHER = "other", _("기타")

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("동네"), related_name="local_stores", on_delete=models.CASCADE
    )
    name = models.CharField(_("가게 이름"), max_length=60)
    kind = models.CharField(_("업종"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("주소"), max_length=200)
    hours = models.CharField(_("영업시간"), max_length=120, blank=True)
    introduction = models.CharField(_("한 줄 소개"), max_length=200, blank=True)
    mall_store = models.ForeignKey(
        "shop.Store",
        verbose_name=_("동네가게 입점 가게"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("등록한 사람"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    # Denormalised from reviews (maintained by the review service) so lists need no aggregate query.
    review_count = models.PositiveIntegerField(_("후기 수"), default=0)
    rating_average = models.DecimalField(_("평균 별점"), max_digits=2, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("등록한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("우리 동네 가게")
        verbose_name_plural = _("우리 동네 가게")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "name", "address"], name="local_store_unique_place")
        ]
        indexes = [models.Index(fields=["neighbourhood", "is_hidden", "-review_count"], name="local_store_list")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:local_store", kwargs={"pk": self.pk})


class LocalStoreReview(Moderated):
    """A resident's rating (1-5) and words about a local store; one per resident and store (edited in place)."""

    store = models.ForeignKey(LocalStore, verbose_name=_("가게"), related_name="reviews", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성자"),
        related_name="local_store_reviews",
        on_delete=models.CASCADE,
    )
    rating = models.PositiveSmallIntegerField(_("별점"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    body = models.TextField(_("후기"), max_length=1000)
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)

    class Meta:
        verbose_name = _("동네 가게 후기")
        verbose_name_plural = _("동네 가게 후기")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "author"], name="local_store_review_one_per_author"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="local_store_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} ★{self.rating}"

    def get_absolute_url(self) -> str:
        return reverse("community:local_store", kwargs={"pk": self.store_id})
