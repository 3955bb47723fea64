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
    # The provider refused the refund (a 4xx: no refund account for a virtual account, ...): not retried by
    # the beat job until staff fix the cause and retry it (admin action "환불 다시 시도").
    REFUND_FAILED = "refund_failed", _("환불 실패")


# Bank codes (Toss "은행 코드", the Korean clearing house's two digits) for the banks shoppers use most.
BANK_CHOICES = [
    ("03", "IBK기업은행"),
    ("04", "KB국민은행"),
    ("07", "Sh수협은행"),
    ("11", "NH농협은행"),
    ("20", "우리은행"),
    ("23", "SC제일은행"),
    ("31", "iM뱅크"),
    ("32", "부산은행"),
    ("34", "광주은행"),
    ("37", "전북은행"),
    ("39", "경남은행"),
    ("71", "우체국예금보험"),
    ("81", "하나은행"),
    ("88", "신한은행"),
    ("89", "케이뱅크"),
    ("90", "카카오뱅크"),
    ("92", "토스뱅크"),
]


class Payment(models.Model):
    """The payment attempt for an order, as the provider reported it."""

    Method = PaymentMethod
    Status = PaymentStatus

    order = models.OneToOneField("shop.Order", verbose_name=_("주문"), related_name="payment", on_delete=models.CASCADE)
    provider = models.CharField(_("결제 대행"), max_length=30)
    method = models.CharField(_("결제 수단"), max_length=20, choices=PaymentMethod)
    amount = models.PositiveIntegerField(_("금액(원)"))
    status = models.CharField(_("결제 상태"), max_length=20, choices=PaymentStatus, default=PaymentStatus.REQUESTED)
    # Toss's paymentKey is up to 200 characters.
    provider_ref = models.CharField(_("결제 대행 거래 번호"), max_length=200, blank=True)
    # The value Toss puts in a virtual account's deposit callback; a callback without it is not from Toss.
    callback_secret = models.CharField(_("입금 알림 확인 값"), max_length=100, blank=True)
    refunded_amount = models.PositiveIntegerField(_("부분 환불한 금액(원)"), default=0)
    # A confirm was sent to the provider and its answer is not recorded yet (a timeout, a crash): the beat job
    # `shop.payments_reconcile` asks the provider and settles or refunds it.
    needs_reconciling = models.BooleanField(_("결제 대행 확인 필요"), default=False)
    message = models.CharField(_("결제 대행 메시지"), max_length=200, blank=True)
    bank_name = models.CharField(_("입금 은행"), max_length=30, blank=True)
    account_number = models.CharField(_("가상 계좌 번호"), max_length=30, blank=True)
    deposit_deadline = models.DateTimeField(_("입금 기한"), null=True, blank=True)
    # Why the provider refused the refund (Toss's error code; its message goes to `message`).
    refund_error_code = models.CharField(_("환불 실패 코드"), max_length=60, blank=True)
    # Where a virtual account's money goes back (Toss's cancel needs refundReceiveAccount for those).
    refund_bank_code = models.CharField(_("환불 받을 은행"), max_length=4, choices=BANK_CHOICES, blank=True)
    refund_account_number = models.CharField(_("환불 받을 계좌 번호"), max_length=20, blank=True)
    refund_account_holder = models.CharField(_("환불 받을 예금주"), max_length=60, blank=True)
    # How many times a refused refund was retried: each retry is a new request to the provider.
    refund_retry_round = models.PositiveSmallIntegerField(_("환불 재시도 횟수"), default=0)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    updated_at = models.DateTimeField(_("바뀐 때"), default=timezone.now)

    class Meta:
        verbose_name = _("결제")
        verbose_name_plural = _("결제")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount:,}원 ({self.get_status_display()})"
