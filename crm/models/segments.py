from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Segment(models.Model):
    """A group of customers defined by conditions on their profile, owned by one MD team.

    `definition` is a condition tree, validated by crm.services.conditions:
    {"match": "all" | "any", "conditions": [{"field": "r_score", "op": "gte", "value": 4}, {"match": ..., ...}]}
    Memberships are recomputed by segmentation runs; the segment is also a feed audience ("crm_segment_<pk>").
    """

    name = models.CharField(_("세그먼트 이름"), max_length=60)
    description = models.CharField(_("설명"), max_length=200, blank=True)
    team = models.ForeignKey("crm.Team", verbose_name=_("담당 팀"), related_name="segments", on_delete=models.PROTECT)
    definition = models.JSONField(_("조건"), default=dict)
    is_active = models.BooleanField(_("사용 중"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("만든 사람"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    updated_at = models.DateTimeField(_("고친 때"), default=timezone.now)

    class Meta:
        verbose_name = _("세그먼트")
        verbose_name_plural = _("세그먼트")
        ordering = ["team_id", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="segment_unique_name_per_team")]

    def __str__(self) -> str:
        return self.name

    @property
    def audience_key(self) -> str:
        return f"crm_segment_{self.pk}"


class SegmentMembership(models.Model):
    """A customer in a segment, as of one run (the current full run's rows are the live memberships).

    Bulk derived data like crm.models.CustomerProfile: no foreign-key constraints in the database (a run inserts
    one row per member of every segment; the deferred checks cost seconds at commit) and no single-column indexes
    (the unique (run, segment, user) and the (user, run) indexes cover every lookup). Deleting a user, a segment or
    a run through Django still cascades here; memberships are built from the run's profiles after its orphan
    clean-up (crm.services.segmentation.orphans_delete); obsolete runs' rows go in runs_rows_delete.
    """

    run = models.ForeignKey(
        "crm.SegmentationRun",
        verbose_name=_("계산 회차"),
        related_name="memberships",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("세그먼트"),
        related_name="memberships",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("고객"),
        related_name="+",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("세그먼트 고객")
        verbose_name_plural = _("세그먼트 고객")
        constraints = [models.UniqueConstraint(fields=["run", "segment", "user"], name="membership_once_per_run")]
        indexes = [models.Index(fields=["user", "run"], name="membership_user_run")]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.user_id} @ run {self.run_id}"


class SegmentSnapshot(models.Model):
    """A segment's size and figures after one run: the list page reads these, and a series of them is the
    segment's history (size over time)."""

    segment = models.ForeignKey(Segment, verbose_name=_("세그먼트"), related_name="snapshots", on_delete=models.CASCADE)
    run = models.ForeignKey(
        "crm.SegmentationRun", verbose_name=_("계산 회차"), related_name="snapshots", on_delete=models.CASCADE
    )
    size = models.PositiveIntegerField(_("고객 수"), default=0)
    revenue = models.PositiveBigIntegerField(_("누적 매출(원)"), default=0)
    orders = models.PositiveIntegerField(_("주문 수"), default=0)
    average_order_value = models.PositiveIntegerField(_("평균 주문 금액(원)"), default=0)
    repeat_rate = models.FloatField(_("재구매율"), default=0.0)
    essentials_share = models.FloatField(_("필수품 점유율(평균)"), null=True, blank=True)
    computed_at = models.DateTimeField(_("계산한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("세그먼트 기록")
        verbose_name_plural = _("세그먼트 기록")
        ordering = ["-computed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["segment", "run"], name="snapshot_once_per_run")]
        indexes = [models.Index(fields=["segment", "-computed_at"], name="snapshot_segment_recent")]

    def __str__(self) -> str:
        return f"{self.segment_id} = {self.size} @ run {self.run_id}"
