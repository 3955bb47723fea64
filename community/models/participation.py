"""Participation: staff notices and events, and 체험단 (trial groups) with applications and testers' reports."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models.base import Moderated


class Notice(models.Model):
    """공지사항 or 이벤트, written by staff (in the admin). Staff text is plain text like everyone's."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("공지")
        EVENT = "event", _("이벤트")

    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("제목"), max_length=100)
    body = models.TextField(_("내용"))
    starts_at = models.DateTimeField(_("이벤트 시작"), null=True, blank=True)
    ends_at = models.DateTimeField(_("이벤트 끝"), null=True, blank=True)
    is_pinned = models.BooleanField(_("맨 위에 고정"), default=False)
    is_published = models.BooleanField(_("공개"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)

    class Meta:
        verbose_name = _("공지·이벤트")
        verbose_name_plural = _("공지·이벤트")
        ordering = ["-is_pinned", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="notice_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:notice", kwargs={"pk": self.pk})


class TrialGroup(models.Model):
    """A 체험단 recruitment for one product: `slots` testers, chosen by staff from the applications."""

    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="trial_groups", on_delete=models.CASCADE
    )
    title = models.CharField(_("제목"), max_length=100)
    description = models.TextField(_("소개"), blank=True)
    slots = models.PositiveSmallIntegerField(_("모집 인원"), validators=[MinValueValidator(1)])
    # Changed only by the selection service with a conditional update: selected_count never passes slots.
    selected_count = models.PositiveSmallIntegerField(_("선정 인원"), default=0)
    apply_starts_at = models.DateTimeField(_("신청 시작"))
    apply_ends_at = models.DateTimeField(_("신청 마감"))
    report_due_at = models.DateTimeField(_("후기 마감"))
    # ["피부 타입", "주로 쓰는 세제"]: what an applicant answers.
    questions = models.JSONField(_("신청 질문"), default=list, blank=True)
    # ["보습력", "향", "발림성"]: what a tester rates from 1 to 5 in the report.
    aspects = models.JSONField(_("평가 항목"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("만든 직원"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("체험단")
        verbose_name_plural = _("체험단")
        ordering = ["-apply_starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selected_count__lte=models.F("slots")), name="trial_selected_within_slots"
            ),
            models.CheckConstraint(
                condition=models.Q(apply_ends_at__gt=models.F("apply_starts_at")), name="trial_apply_window_order"
            ),
            models.CheckConstraint(
                condition=models.Q(report_due_at__gte=models.F("apply_ends_at")), name="trial_report_after_apply"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:trial", kwargs={"pk": self.pk})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.apply_starts_at <= now < self.apply_ends_at

    @property
    def slots_left(self) -> int:
        return max(0, self.slots - self.selected_count)


class TrialApplication(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("신청")
        SELECTED = "selected", _("선정")
        NOT_SELECTED = "not_selected", _("미선정")

    group = models.ForeignKey(
        TrialGroup, verbose_name=_("체험단"), related_name="applications", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("신청자"), related_name="trial_applications", on_delete=models.CASCADE
    )
    answers = models.JSONField(_("답변"), default=dict, blank=True)
    motivation = models.TextField(_("신청 이유"), max_length=1000, blank=True)
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    created_at = models.DateTimeField(_("신청한 때"), default=timezone.now)
    decided_at = models.DateTimeField(_("결정한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("체험단 신청")
        verbose_name_plural = _("체험단 신청")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="trial_application_once")]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.user_id}"


class TrialReport(Moderated):
    """A selected tester's structured report: 1-5 per aspect of the group, an overall rating, text and photos."""

    application = models.OneToOneField(
        TrialApplication, verbose_name=_("체험단 신청"), related_name="report", on_delete=models.CASCADE
    )
    # Denormalised from the application so the product page lists reports without joining through it.
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="trial_reports", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), related_name="trial_reports", on_delete=models.CASCADE
    )
    ratings = models.JSONField(_("항목별 별점"), default=dict)
    overall = models.PositiveSmallIntegerField(_("종합 별점"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    body = models.TextField(_("후기"), max_length=5000)
    photos = models.ManyToManyField(
        "community.CommunityImage", verbose_name=_("사진"), related_name="+", through="TrialReportPhoto", blank=True
    )
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)

    class Meta:
        verbose_name = _("체험단 후기")
        verbose_name_plural = _("체험단 후기")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "is_hidden", "-created_at"], name="trial_report_product")]

    def __str__(self) -> str:
        return f"{self.product_id} ★{self.overall}"

    def get_absolute_url(self) -> str:
        return self.product.get_absolute_url() + "#trial-reports"

    @property
    def rating_items(self) -> list[tuple[str, int]]:
        return list(self.ratings.items())


class TrialReportPhoto(models.Model):
    report = models.ForeignKey(
        TrialReport, verbose_name=_("후기"), related_name="photo_links", on_delete=models.CASCADE
    )
    image = models.ForeignKey(
        "community.CommunityImage", verbose_name=_("사진"), related_name="+", on_delete=models.CASCADE
    )
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("체험단 후기 사진")
        verbose_name_plural = _("체험단 후기 사진")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.sort_order}"
