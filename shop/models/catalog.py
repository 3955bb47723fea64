from functools import lru_cache
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.money import discount_rate as money_discount_rate

_URL_MARKER = "987654321987"


@lru_cache(maxsize=16)
def _url_parts(name: str, kwarg: str) -> tuple[str, str]:
    """(before, after) of a route around its one argument: product grids build 24+ URLs without 24 reverse()s."""
    before, _, after = reverse(name, kwargs={kwarg: _URL_MARKER}).partition(_URL_MARKER)
    return before, after


def _fast_url(name: str, kwarg: str, value: object) -> str:
    before, after = _url_parts(name, kwarg)
    return f"{before}{quote(str(value), safe='')}{after}"


class Category(models.Model):
    """A node of the category tree. Every category is either an essential or a preference good."""

    class Kind(models.TextChoices):
        ESSENTIAL = "essential", _("필수품")
        PREFERENCE = "preference", _("기호품")

    name = models.CharField(_("이름"), max_length=50)
    slug = models.SlugField(_("슬러그"), max_length=60, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("상위 카테고리"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices)
    replenishment_days = models.PositiveSmallIntegerField(
        _("보충 주기(일)"),
        null=True,
        blank=True,
        help_text=_("필수품이 보통 다시 필요해지는 날 수 (예: 세제 30, 생수 14)"),
    )
    sort_order = models.PositiveSmallIntegerField(_("표시 순서"), default=0)
    is_active = models.BooleanField(_("판매 중"), default=True)

    class Meta:
        verbose_name = _("카테고리")
        verbose_name_plural = _("카테고리")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})

    @property
    def is_essential(self) -> bool:
        return self.kind == self.Kind.ESSENTIAL

    @property
    def placeholder_url(self) -> str:
        """The drawing that says what this category is (a bottle for 세제 …) for products without a photo."""
        from shop.placeholders import placeholder_static_url

        return placeholder_static_url(slug=self.slug)

    @property
    def share_picture_url(self) -> str:
        """The generated PNG with the category's name, for share cards (link previews show no SVG)."""
        return _fast_url("shop:category_placeholder", "slug", self.slug)


class Store(models.Model):
    """A corner shop, run by one MD team whose faces shoppers see on the shop page."""

    name = models.CharField(_("가게 이름"), max_length=60)
    slug = models.SlugField(_("슬러그"), max_length=60, unique=True, allow_unicode=True)
    team = models.ForeignKey("crm.Team", verbose_name=_("운영 MD 팀"), related_name="stores", on_delete=models.PROTECT)
    tagline = models.CharField(_("한 줄 소개"), max_length=120, blank=True)
    greeting = models.TextField(_("MD 리더 인사말"), blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("동네 가게")
        verbose_name_plural = _("동네 가게")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:store", kwargs={"slug": self.slug})


class Product(models.Model):
    store = models.ForeignKey(Store, verbose_name=_("가게"), related_name="products", on_delete=models.PROTECT)
    category = models.ForeignKey(
        Category, verbose_name=_("카테고리"), related_name="products", on_delete=models.PROTECT
    )
    name = models.CharField(_("상품명"), max_length=120)
    description = models.TextField(_("상품 설명"), blank=True)
    price = models.PositiveIntegerField(_("판매가(원)"))
    list_price = models.PositiveIntegerField(_("정가(원)"), null=True, blank=True)
    stock = models.IntegerField(_("재고"), default=0)
    is_active = models.BooleanField(_("판매 중"), default=True)
    is_subscribable = models.BooleanField(_("정기배송 가능"), default=False)
    sold_count = models.PositiveIntegerField(_("판매량"), default=0)
    # Denormalised from reviews (maintained by the reviews service) so product cards need no aggregate query.
    review_count = models.PositiveIntegerField(_("리뷰 수"), default=0)
    rating_average = models.DecimalField(_("평균 별점"), max_digits=2, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("등록일"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("상품")
        verbose_name_plural = _("상품")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_never_negative"),
            models.CheckConstraint(
                condition=models.Q(list_price__isnull=True) | models.Q(list_price__gte=models.F("price")),
                name="product_list_price_not_below_price",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "is_active", "-sold_count"], name="product_cat_popular"),
            models.Index(fields=["category", "is_active", "price"], name="product_cat_price"),
            models.Index(fields=["category", "is_active", "-created_at"], name="product_cat_new"),
            models.Index(fields=["store", "is_active", "-sold_count"], name="product_store_popular"),
            models.Index(fields=["is_active", "-sold_count"], name="product_popular"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _fast_url("shop:product", "pk", self.pk)

    @property
    def discount_rate(self) -> int:
        return money_discount_rate(price=self.price, list_price=self.list_price)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def card_image_url(self) -> str:
        """The first image, from the `primary_image` annotation of the card selectors; else the category drawing.

        Reads the annotation (not the images relation) so that a grid of cards makes no query per card.
        """
        return self.image_url_for(getattr(self, "primary_image", None))

    def image_url_for(self, image_path: str | None) -> str:
        """The stored image at `image_path`, else the category's drawing (needs the category loaded)."""
        if image_path:
            return default_storage.url(image_path)
        return self.category.placeholder_url

    @property
    def gallery(self) -> list["ProductImage"]:
        """Ordered images for the product page (prefetched by the detail selector)."""
        return list(self.images.all())


class ProductImage(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("상품"), related_name="images", on_delete=models.CASCADE)
    image = models.ImageField(_("이미지"), upload_to="products/")
    alt = models.CharField(_("대체 텍스트"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("상품 이미지")
        verbose_name_plural = _("상품 이미지")
        ordering = ["sort_order", "pk"]
        indexes = [models.Index(fields=["product", "sort_order", "id"], name="productimage_order")]

    def __str__(self) -> str:
        return self.alt or f"{self.product_id}#{self.sort_order}"
