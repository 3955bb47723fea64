from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BillingKey(models.Model):
    """A shopper's card registered for 정기배송 (Toss 자동결제): the provider's billing key, encrypted at rest.

    The key charges the card without the shopper, so it is never shown, logged or sent anywhere but the
    provider (shop.services.billing decrypts it only to charge).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="billing_key", on_delete=models.CASCADE
    )
    provider = models.CharField(_("결제 대행"), max_length=30)
    customer_key = models.CharField(_("고객 키"), max_length=64)
    encrypted_key = models.TextField(_("빌링키(암호화)"), editable=False)
    card_label = models.CharField(_("카드"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("등록한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("정기결제 카드")
        verbose_name_plural = _("정기결제 카드")

    def __str__(self) -> str:
        return self.card_label or str(_("등록된 카드"))
