from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A shopper's cart: a logged-in user's (one per user) or an anonymous visitor's (its id kept in the session)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("회원"),
        related_name="cart",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    attribution_source = models.CharField(
        _("유입 경로"), max_length=80, blank=True, help_text=_("예: 집들이 사진의 상품 핀. 주문에 그대로 옮겨 적어요.")
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    updated_at = models.DateTimeField(_("바뀐 때"), default=timezone.now)

    class Meta:
        verbose_name = _("장바구니")
        verbose_name_plural = _("장바구니")

    def __str__(self) -> str:
        return f"cart#{self.pk}"


class CartLine(models.Model):
    """One product in a cart. `seen_price` is the unit price the shopper was last shown for it."""

    cart = models.ForeignKey(Cart, verbose_name=_("장바구니"), related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey("shop.Product", verbose_name=_("상품"), related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(_("수량"))
    seen_price = models.PositiveIntegerField(_("담을 때 가격(원)"))
    is_selected = models.BooleanField(_("주문할 상품으로 선택"), default=True)
    added_at = models.DateTimeField(_("담은 때"), default=timezone.now)

    class Meta:
        verbose_name = _("장바구니 상품")
        verbose_name_plural = _("장바구니 상품")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"
