"""Essentials subscriptions (정기배송): a product delivered every few weeks with a stored address and payment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("배송 중")
        PAUSED = "paused", _("잠시 멈춤")
        CANCELLED = "cancelled", _("해지")

    class Interval(models.IntegerChoices):
        TWO_WEEKS = 2, _("2주마다")
        FOUR_WEEKS = 4, _("4주마다")
        EIGHT_WEEKS = 8, _("8주마다")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="subscriptions", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="subscriptions", on_delete=models.PROTECT
    )
    quantity = models.PositiveSmallIntegerField(_("수량"), default=1)
    interval_weeks = models.PositiveSmallIntegerField(_("배송 주기"), choices=Interval.choices)
    address = models.ForeignKey(
        "shop.Address",
        verbose_name=_("배송지"),
        related_name="subscriptions",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    payment_method = models.CharField(_("결제 수단"), max_length=20, choices=[("card", _("카드 결제"))], default="card")
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    next_due_date = models.DateField(_("다음 배송 예정일"))
    reminded_for = models.DateField(_("알림 보낸 배송일"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("신청일"), default=timezone.now)
    paused_at = models.DateTimeField(_("멈춘 때"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("해지한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("정기배송")
        verbose_name_plural = _("정기배송")
        ordering = ["next_due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="subscription_quantity_positive"),
            models.CheckConstraint(condition=Q(interval_weeks__in=[2, 4, 8]), name="subscription_interval_known"),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=~Q(status="cancelled"),
                name="subscription_one_live_per_product",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_due_date"], name="subscription_due")]

    def __str__(self) -> str:
        return f"{self.product} · {self.get_interval_weeks_display()}"


class SubscriptionRun(models.Model):
    """One due date of a subscription. The (subscription, due_date) key makes the beat task idempotent."""

    class Outcome(models.TextChoices):
        ORDERED = "ordered", _("주문 완료")
        SKIPPED = "skipped", _("건너뜀")
        FAILED = "failed", _("주문 실패")

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("정기배송"), related_name="runs", on_delete=models.CASCADE
    )
    due_date = models.DateField(_("배송 예정일"))
    outcome = models.CharField(_("결과"), max_length=10, choices=Outcome.choices)
    order = models.OneToOneField(
        "shop.Order",
        verbose_name=_("주문"),
        related_name="subscription_run",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    message = models.CharField(_("메시지"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("정기배송 회차")
        verbose_name_plural = _("정기배송 회차")
        ordering = ["-due_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "due_date"], name="subscription_run_once_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}@{self.due_date}: {self.outcome}"
