from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HouseholdEssential(models.Model):
    """One essential (필수품) category a household buys here, as one run computed it.

    A customer without a household counts as a household of one: `user_id` is set instead of `household_id`.
    Essential categories a household never bought here have no row (it buys them elsewhere).

    Bulk derived data like crm.models.CustomerProfile: `run` and `category` have no foreign-key constraint in the
    database (a run inserts ~250k rows per 100k customers). Deleting a run or a category through Django still
    cascades here; rows of a category deleted while a run computed are removed by the run's orphan clean-up
    (crm.services.segmentation.orphans_delete), and pages join a row to its category (inner join).
    """

    class Status(models.TextChoices):
        OK = "ok", pgettext_lazy("household supply", "넉넉해요")
        DUE = "due", _("곧 떨어져요")
        OVERDUE = "overdue", _("떨어졌을 때예요")

    run = models.ForeignKey(
        "crm.SegmentationRun",
        verbose_name=_("계산 회차"),
        related_name="household_essentials",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # the (run, status) index serves run lookups
    )
    household_id = models.BigIntegerField(_("가구"), null=True, blank=True)
    user_id = models.BigIntegerField(_("1인 고객"), null=True, blank=True)
    category = models.ForeignKey(
        "shop.Category",
        verbose_name=_("필수품 카테고리"),
        related_name="+",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # looked up within a run (unique indexes) or among reminded rows (partial index)
    )
    purchase_days = models.PositiveIntegerField(_("산 날 수"), default=0)
    first_bought_on = models.DateField(_("처음 산 날"))
    last_bought_on = models.DateField(_("마지막으로 산 날"))
    median_interval_days = models.FloatField(_("구매 간격 중앙값(일)"), null=True, blank=True)
    cycle_days = models.PositiveSmallIntegerField(
        _("보충 주기(일)"), null=True, blank=True, help_text=_("가구의 구매 간격 중앙값, 없으면 카테고리 주기")
    )
    is_regular = models.BooleanField(_("꾸준히 사요"), default=False)
    due_on = models.DateField(_("다시 필요한 날"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.OK)
    reminded_on = models.DateField(_("알림 보낸 날"), null=True, blank=True)
    recent_purchase_days = models.PositiveIntegerField(
        _("최근 산 날 수"), default=0, help_text=_("점유율 계산 기간(최근 180일, 첫 주문 이후) 안에 산 날 수")
    )
    coverage = models.FloatField(
        _("채움 정도"),
        null=True,
        blank=True,
        help_text=_("min(1, 최근 산 날 수 / 기대 구매 횟수); 주기가 없거나 판매하지 않는 카테고리는 비어 있어요."),
    )

    class Meta:
        verbose_name = _("가구 필수품")
        verbose_name_plural = _("가구 필수품")
        constraints = [
            models.CheckConstraint(
                condition=Q(household_id__isnull=False, user_id__isnull=True)
                | Q(household_id__isnull=True, user_id__isnull=False),
                name="household_essential_one_owner",
            ),
            models.UniqueConstraint(
                fields=["run", "household_id", "category"],
                condition=Q(household_id__isnull=False),
                name="household_essential_once",
            ),
            models.UniqueConstraint(
                fields=["run", "user_id", "category"],
                condition=Q(user_id__isnull=False),
                name="solo_essential_once",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "status"], name="household_essential_status"),
            # The reminder guard looks up "already reminded for this due date" across runs; only reminded rows.
            models.Index(
                fields=["category", "due_on"],
                condition=Q(reminded_on__isnull=False),
                name="household_essential_reminded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id or self.user_id}:{self.category_id} @ run {self.run_id}"
