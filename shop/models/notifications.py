from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationEvent(models.TextChoices):
    """Transactional notices: what happened to the customer's order or subscription (never a promotion)."""

    ORDER_PLACED = "order_placed", _("주문 접수(입금 안내)")
    ORDER_PAID = "order_paid", _("결제 완료")
    ORDER_SHIPPED = "order_shipped", _("배송 시작")
    ORDER_DELIVERED = "order_delivered", _("배송 완료")
    ORDER_REFUNDED = "order_refunded", _("환불 완료")
    SUBSCRIPTION_REMINDER = "subscription_reminder", _("정기배송 하루 전 안내")
    SUBSCRIPTION_PAYMENT_FAILED = "subscription_payfail", _("정기배송 결제 실패")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("이메일")
    ALIMTALK = "alimtalk", _("카카오 알림톡")


class NotificationLog(models.Model):
    """One notice on one channel. The unique keys make sending idempotent: a retried or repeated task finds
    the row and does not send again (shop.services.notifications.notification_send)."""

    class Status(models.TextChoices):
        SENDING = "sending", _("보내는 중")
        SENT = "sent", _("보냄")
        FAILED = "failed", _("실패")
        SKIPPED = "skipped", _("보내지 않음")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("받는 분"), related_name="+", on_delete=models.CASCADE
    )
    order = models.ForeignKey(
        "shop.Order",
        verbose_name=_("주문"),
        related_name="notifications",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    subscription = models.ForeignKey(
        "shop.Subscription",
        verbose_name=_("정기배송"),
        related_name="notifications",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("정기배송 배송일"), null=True, blank=True)
    event = models.CharField(_("알림 종류"), max_length=30, choices=NotificationEvent)
    channel = models.CharField(_("채널"), max_length=20, choices=NotificationChannel)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.SENDING)
    recipient = models.CharField(_("받는 곳"), max_length=254, blank=True)
    provider_ref = models.CharField(_("발송 대행 요청 번호"), max_length=100, blank=True)
    error = models.CharField(_("오류"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    sent_at = models.DateTimeField(_("보낸 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("알림 발송 기록")
        verbose_name_plural = _("알림 발송 기록")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "event", "channel"],
                condition=models.Q(order__isnull=False),
                name="notification_once_per_order_event_channel",
            ),
            models.UniqueConstraint(
                fields=["subscription", "due_date", "event", "channel"],
                condition=models.Q(subscription__isnull=False),
                name="notification_once_per_subscription_due_channel",
            ),
            models.CheckConstraint(
                condition=models.Q(order__isnull=False) | models.Q(subscription__isnull=False),
                name="notification_about_order_or_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.get_channel_display()} · {self.get_status_display()}"
