from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """A team's feed message (optionally with a coupon to claim) to one of its segments, now or at a set time.

    Life: scheduled -> sending (recipients drawn, control group held out, batches delivering) -> sent (every
    recipient decided). Results keep growing after "sent" while the attribution window is open.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("예약됨")
        SENDING = "sending", _("보내는 중")
        SENT = "sent", _("보냄")
        CANCELLED = "cancelled", _("취소됨")

    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="campaigns", on_delete=models.PROTECT)
    segment = models.ForeignKey(
        "crm.Segment", verbose_name=_("세그먼트"), related_name="campaigns", on_delete=models.PROTECT
    )
    title = models.CharField(_("제목"), max_length=60)
    body = models.CharField(_("메시지"), max_length=300, help_text=_("{nickname} 을 쓰면 고객의 닉네임이 들어가요."))
    link = models.CharField(_("링크"), max_length=300, blank=True)
    coupon_rule = models.ForeignKey(
        "shop.CouponRule",
        verbose_name=_("받을 수 있는 쿠폰"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    is_promotional = models.BooleanField(_("광고성 메시지"), default=True)
    control_percent = models.PositiveSmallIntegerField(
        _("대조군 비율(%)"), default=10, validators=[MaxValueValidator(50)]
    )
    scheduled_at = models.DateTimeField(_("보낼 때"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    audience_size = models.PositiveIntegerField(_("대상 고객 수"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("만든 사람"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    launched_at = models.DateTimeField(_("보내기 시작한 때"), null=True, blank=True)
    finished_at = models.DateTimeField(_("다 보낸 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("캠페인")
        verbose_name_plural = _("캠페인")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-scheduled_at"], name="campaign_team_recent"),
            models.Index(fields=["status", "scheduled_at"], name="campaign_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def source(self) -> str:
        """The opaque reference feed items and claimed coupons of this campaign carry."""
        return f"campaign:{self.pk}"


class CampaignRecipient(models.Model):
    """One customer of a campaign's audience, drawn at launch, with the group they were assigned to at random.

    `decided_at` is set once, by the delivery batch that claims the row (a conditional update), together with the
    outcome: delivered (treated), held out (control), or skipped with the reason (consent, night, daily cap: the
    same rules apply to the control group, so the groups stay comparable).
    """

    class Group(models.TextChoices):
        TREATED = "treated", _("발송군")
        CONTROL = "control", _("대조군")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("캠페인"), related_name="recipients", on_delete=models.CASCADE
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    group = models.CharField(_("그룹"), max_length=10, choices=Group.choices)
    decided_at = models.DateTimeField(_("처리한 때"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("보낸 때"), null=True, blank=True)
    skipped_reason = models.CharField(_("건너뛴 이유"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("캠페인 대상 고객")
        verbose_name_plural = _("캠페인 대상 고객")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_recipient_once"),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(group="treated"), name="campaign_control_never_delivered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id} ({self.group})"


class ConsentNotice(models.Model):
    """When a customer was last told which marketing consents they have given (정보통신망법 제50조 ⑧: every two
    years). One row per customer, moved forward by each notice."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    sent_at = models.DateTimeField(_("마지막으로 알린 때"))

    class Meta:
        verbose_name = _("수신 동의 확인 안내")
        verbose_name_plural = _("수신 동의 확인 안내")

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.sent_at:%Y-%m-%d}"
