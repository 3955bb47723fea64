from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    CARD = "card", _("카드 결제")
    BANK_TRANSFER = "bank_transfer", _("무통장 입금")


class PaymentStatus(models.TextChoices):
    REQUESTED = "requested", _("결제 요청")
    APPROVED = "approved", _("승인")
    DECLINED = "declined", _("거절")
    AWAITING_DEPOSIT = "awaiting_deposit", _("입금 대기")
    CANCELLED = "cancelled", _("취소")
    REFUND_REQUESTED = "refund_requested", _("환불 요청")
    REFUNDED = "refunded", _("환불 완료")


class Payment(models.Model):
    """The payment attempt for an order, as the provider reported it."""

    Method = PaymentMethod
    Status = PaymentStatus

    order = models.OneToOneField("shop.Order", verbose_name=_("주문"), related_name="payment", on_delete=models.CASCADE)
    provider = models.CharField(_("결제 대행"), max_length=30)
    method = models.CharField(_("결제 수단"), max_length=20, choices=PaymentMethod)
    amount = models.PositiveIntegerField(_("금액(원)"))
    status = models.CharField(_("결제 상태"), max_length=20, choices=PaymentStatus, default=PaymentStatus.REQUESTED)
    provider_ref = models.CharField(_("결제 대행 거래 번호"), max_length=64, blank=True)
    message = models.CharField(_("결제 대행 메시지"), max_length=200, blank=True)
    bank_name = models.CharField(_("입금 은행"), max_length=30, blank=True)
    account_number = models.CharField(_("가상 계좌 번호"), max_length=30, blank=True)
    deposit_deadline = models.DateTimeField(_("입금 기한"), null=True, blank=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    updated_at = models.DateTimeField(_("바뀐 때"), default=timezone.now)

    class Meta:
        verbose_name = _("결제")
        verbose_name_plural = _("결제")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount:,}원 ({self.get_status_display()})"
