"""Wishlist (찜): products a customer keeps an eye on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WishlistItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="wishlist_items", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="wishlisted_by", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("찜한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("찜")
        verbose_name_plural = _("찜")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="wishlist_once_per_product")]

    def __str__(self) -> str:
        return f"{self.user_id}♥{self.product_id}"
