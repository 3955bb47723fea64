from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Address(models.Model):
    """A saved shipping address (Korean format). At most one per user is the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="addresses", on_delete=models.CASCADE
    )
    label = models.CharField(_("배송지 이름"), max_length=30, blank=True, help_text=_("예: 집, 회사"))
    recipient_name = models.CharField(_("받는 분"), max_length=30)
    phone = models.CharField(_("휴대폰"), max_length=20)
    postal_code = models.CharField(_("우편번호"), max_length=5)
    address1 = models.CharField(_("기본 주소"), max_length=200)
    address2 = models.CharField(_("상세 주소"), max_length=200, blank=True)
    memo = models.CharField(_("배송 메모"), max_length=100, blank=True)
    is_default = models.BooleanField(_("기본 배송지"), default=False)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("배송지")
        verbose_name_plural = _("배송지")
        ordering = ["-is_default", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="address_one_default_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label or self.recipient_name} · {self.address1}"
