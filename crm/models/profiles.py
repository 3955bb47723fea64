from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RfmSegment(models.TextChoices):
    """The eleven standard RFM segment names, shown in Korean."""

    CHAMPIONS = "champions", _("챔피언")
    LOYAL = "loyal", _("충성 고객")
    POTENTIAL_LOYALIST = "potential_loyalist", _("충성 후보")
    NEW = "new", _("신규 고객")
    PROMISING = "promising", _("유망 고객")
    NEED_ATTENTION = "need_attention", _("관심 필요")
    ABOUT_TO_SLEEP = "about_to_sleep", _("잠들기 직전")
    AT_RISK = "at_risk", _("이탈 우려")
    CANT_LOSE = "cant_lose", _("놓치면 안 될 고객")
    HIBERNATING = "hibernating", _("겨울잠 고객")
    LOST = "lost", _("떠난 고객")


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", _("잠재")
    NEW = "new", _("신규")
    ONE_TIME = "one_time", _("단순구매")
    REGULAR = "regular", _("단골")
    VIP = "vip", _("충성/VIP")
    AT_RISK = "at_risk", _("이탈위험")
    DORMANT = "dormant", _("휴면")


class LifecycleThresholds(models.Model):
    """The one row (pk=1) of lifecycle thresholds that admins edit; the next segmentation run applies them."""

    new_days = models.PositiveSmallIntegerField(
        _("신규: 첫 주문 후 며칠까지"), default=30, validators=[MinValueValidator(1)]
    )
    regular_min_orders = models.PositiveSmallIntegerField(
        _("단골: 최소 주문 수"), default=2, validators=[MinValueValidator(2)]
    )
    vip_min_orders = models.PositiveSmallIntegerField(
        _("충성/VIP: 최소 주문 수"), default=6, validators=[MinValueValidator(2)]
    )
    vip_min_spend = models.PositiveIntegerField(_("충성/VIP: 최소 누적 결제 금액(원)"), default=500_000)
    at_risk_days = models.PositiveSmallIntegerField(
        _("이탈위험: 마지막 주문 후 며칠부터"), default=60, validators=[MinValueValidator(1)]
    )
    dormant_days = models.PositiveSmallIntegerField(
        _("휴면: 마지막 주문 후 며칠부터"), default=180, validators=[MinValueValidator(2)]
    )
    updated_at = models.DateTimeField(_("고친 때"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("고친 사람"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("고객 단계 기준")
        verbose_name_plural = _("고객 단계 기준")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="lifecycle_thresholds_single_row"),
            models.CheckConstraint(
                condition=models.Q(at_risk_days__lt=models.F("dormant_days")),
                name="lifecycle_at_risk_before_dormant",
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def clean(self) -> None:
        if self.at_risk_days is not None and self.dormant_days is not None and self.at_risk_days >= self.dormant_days:
            raise ValidationError({"dormant_days": _("휴면 기준은 이탈위험 기준보다 길어야 해요.")})
        if (
            self.regular_min_orders is not None
            and self.vip_min_orders is not None
            and self.vip_min_orders < self.regular_min_orders
        ):
            raise ValidationError({"vip_min_orders": _("충성/VIP 주문 수는 단골 주문 수보다 적을 수 없어요.")})


class CustomerProfile(models.Model):
    """One customer as a segmentation run saw them. Rows belong to their run: a full run writes a new set and
    becomes current in one step (see crm.models.runs), so readers never mix two runs.

    "Bought" follows shop.selectors.household.BOUGHT_STATUSES (paid, not cancelled or refunded).

    Bulk derived data: `run` and `user` have no foreign-key constraint in the database (a run writes ~100k rows
    per 100k customers in one INSERT; the deferred constraint checks alone took seconds at commit). Rows still go
    away with what they point to: deleting a user or a run through Django cascades here (Django's collector, one
    DELETE by the (user, run) or (run, user) index); a run's rows for a customer deleted while the run was
    computing are removed by the run's finalize step (crm.services.segmentation.orphans_delete), rows of obsolete
    or deleted runs by its clean-up (runs_rows_delete); and pages join profiles to their user (an inner join, as
    `user` is not nullable), so a stray row never shows.
    """

    run = models.ForeignKey(
        "crm.SegmentationRun",
        verbose_name=_("계산 회차"),
        related_name="profiles",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # the unique (run, user) constraint's index serves run lookups
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("고객"),
        related_name="+",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # the (user, run) index serves user lookups
    )
    household_id = models.BigIntegerField(_("가구"), null=True, blank=True)
    household_size = models.PositiveSmallIntegerField(_("가구원 수"), null=True, blank=True)
    has_children = models.BooleanField(_("아이 있음"), default=False)
    age_band = models.PositiveSmallIntegerField(
        _("연령대"), null=True, blank=True, help_text=_("10 단위 (20 = 20대); 생일을 모르면 비어 있어요.")
    )
    gender = models.CharField(_("성별"), max_length=1, blank=True)
    marketing_consent = models.BooleanField(_("마케팅 수신 동의"), default=False)
    night_marketing_consent = models.BooleanField(_("야간 마케팅 수신 동의"), default=False)
    joined_at = models.DateTimeField(_("가입일"))

    first_order_at = models.DateTimeField(_("첫 주문"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("마지막 주문"), null=True, blank=True)
    recency_days = models.PositiveIntegerField(_("마지막 주문 후 일수"), null=True, blank=True)
    frequency = models.PositiveIntegerField(_("주문 수"), default=0)
    monetary = models.PositiveBigIntegerField(_("누적 결제 금액(원)"), default=0)
    r_score = models.PositiveSmallIntegerField(
        _("R 점수"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    f_score = models.PositiveSmallIntegerField(
        _("F 점수"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    m_score = models.PositiveSmallIntegerField(
        _("M 점수"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rfm_segment = models.CharField(_("RFM 세그먼트"), max_length=20, choices=RfmSegment, blank=True)
    lifecycle = models.CharField(_("고객 단계"), max_length=20, choices=Lifecycle)

    essentials_share = models.FloatField(
        _("필수품 점유율(추정)"),
        null=True,
        blank=True,
        help_text=_("가구가 필요한 필수품 중 우리 가게에서 사는 비율의 추정치 (0~1)"),
    )
    essentials_bought = models.PositiveSmallIntegerField(_("여기서 사는 필수품 종류"), default=0)
    essentials_due = models.PositiveSmallIntegerField(_("곧 떨어질 필수품"), default=0)
    essentials_overdue = models.PositiveSmallIntegerField(_("떨어졌을 필수품"), default=0)
    top_category_ids = models.JSONField(_("선호 카테고리"), default=list, blank=True)
    last_seen_at = models.DateTimeField(_("마지막 방문"), null=True, blank=True)
    computed_at = models.DateTimeField(_("계산한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("고객 프로필")
        verbose_name_plural = _("고객 프로필")
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="profile_one_per_run")]
        indexes = [
            models.Index(fields=["run", "lifecycle"], name="profile_run_lifecycle"),
            models.Index(fields=["run", "rfm_segment"], name="profile_run_rfm"),
            models.Index(fields=["user", "run"], name="profile_user_run"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ run {self.run_id}"
