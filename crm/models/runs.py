from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SegmentationRun(models.Model):
    """One recomputation of profiles, household essentials and segment memberships.

    A full run writes rows tagged with its own id; it becomes the current run in one UPDATE (status ->
    succeeded), which is the atomic swap: readers take the newest succeeded full run. An incremental run updates
    the current full run's rows of changed customers in place, in one transaction. `lock` is True while a run is
    pending or running and NULL otherwise; its unique constraint means two runs never overlap.
    """

    class Kind(models.TextChoices):
        FULL = "full", pgettext_lazy("segmentation run kind", "전체")
        INCREMENTAL = "incremental", _("변경분")

    class Status(models.TextChoices):
        PENDING = "pending", _("대기 중")
        RUNNING = "running", _("계산 중")
        SUCCEEDED = "succeeded", _("완료")
        FAILED = "failed", _("실패")

    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.PENDING)
    lock = models.BooleanField(_("실행 잠금"), null=True, default=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("요청한 사람"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    trigger = models.CharField(_("시작 방법"), max_length=20, default="manual")
    created_at = models.DateTimeField(_("요청한 때"), default=timezone.now)
    started_at = models.DateTimeField(_("시작"), null=True, blank=True)
    finished_at = models.DateTimeField(_("끝"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("마지막 진행 보고"), null=True, blank=True)
    since = models.DateTimeField(_("이후 변경분"), null=True, blank=True)
    base_run = models.ForeignKey(
        "self",
        verbose_name=_("고친 전체 회차"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    customers_total = models.PositiveIntegerField(_("대상 고객 수"), default=0)
    customers_processed = models.PositiveIntegerField(_("처리한 고객 수"), default=0)
    chunks_total = models.PositiveIntegerField(_("나눈 구간 수"), default=0)
    chunks_done = models.PositiveIntegerField(_("끝난 구간 수"), default=0)
    rfm_breakpoints = models.JSONField(_("RFM 구간 경계"), default=dict, blank=True)
    error = models.TextField(_("오류"), blank=True)

    class Meta:
        verbose_name = _("세그먼트 계산 회차")
        verbose_name_plural = _("세그먼트 계산 회차")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lock"], name="segmentation_run_one_at_a_time"),
            models.CheckConstraint(
                condition=Q(lock__isnull=True) | Q(status__in=["pending", "running"]),
                name="segmentation_run_lock_only_while_active",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "-finished_at"], name="run_current_lookup")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.get_status_display()}"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.customers_total:
            return 0
        return min(99, self.customers_processed * 100 // self.customers_total)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return (end - self.started_at).total_seconds()
