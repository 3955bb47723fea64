from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    """A short survey a team asks one of its segments, delivered as a feed item and answered once per customer.

    An essentials survey (`essential_category` set) goes only to the segment's households that never bought that
    category here; its "where" and "why" questions feed back into the household view.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("준비 중")
        SENT = "sent", _("보냄")

    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="surveys", on_delete=models.CASCADE)
    segment = models.ForeignKey(
        "crm.Segment", verbose_name=_("대상 세그먼트"), related_name="surveys", on_delete=models.SET_NULL, null=True
    )
    title = models.CharField(_("설문 제목"), max_length=80)
    intro = models.CharField(_("안내 문구"), max_length=300, blank=True)
    essential_category = models.ForeignKey(
        "shop.Category",
        verbose_name=_("필수품 카테고리"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("만든 사람"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)
    sent_at = models.DateTimeField(_("보낸 때"), null=True, blank=True)
    invited_count = models.PositiveIntegerField(_("보낸 고객 수"), default=0)

    class Meta:
        verbose_name = _("설문")
        verbose_name_plural = _("설문")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "-created_at"], name="survey_team_recent")]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("하나 고르기")
        MULTIPLE = "multiple", _("여러 개 고르기")
        SCALE = "scale", _("점수(1~5)")
        TEXT = "text", _("자유롭게 쓰기")

    class Purpose(models.TextChoices):
        NONE = "", _("일반")
        WHERE = "where", _("어디서 사는지")
        WHY = "why", _("왜 거기서 사는지")

    survey = models.ForeignKey(Survey, verbose_name=_("설문"), related_name="questions", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("순서"))
    kind = models.CharField(_("질문 종류"), max_length=10, choices=Kind.choices)
    prompt = models.CharField(_("질문"), max_length=200)
    choices = models.JSONField(_("보기"), default=list, blank=True)
    purpose = models.CharField(_("쓰임"), max_length=10, choices=Purpose.choices, default=Purpose.NONE, blank=True)
    required = models.BooleanField(_("꼭 답해야 해요"), default=True)

    class Meta:
        verbose_name = _("설문 질문")
        verbose_name_plural = _("설문 질문")
        ordering = ["survey_id", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self) -> str:
        return self.prompt


class SurveyInvitation(models.Model):
    """One customer asked, through one feed item. Unique per survey and customer: a retried delivery asks no one
    twice."""

    survey = models.ForeignKey(Survey, verbose_name=_("설문"), related_name="invitations", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    feed_item = models.ForeignKey(
        "feed.FeedItem", verbose_name=_("피드 항목"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    invited_at = models.DateTimeField(_("보낸 때"), default=timezone.now)
    answered_at = models.DateTimeField(_("답한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("설문 요청")
        verbose_name_plural = _("설문 요청")
        constraints = [models.UniqueConstraint(fields=["survey", "customer"], name="survey_invitation_once")]

    def __str__(self) -> str:
        return f"{self.survey_id} → {self.customer_id}"


class SurveyResponse(models.Model):
    """A customer's answers to one survey: once per customer (unique)."""

    survey = models.ForeignKey(Survey, verbose_name=_("설문"), related_name="responses", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    submitted_at = models.DateTimeField(_("답한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("설문 응답")
        verbose_name_plural = _("설문 응답")
        constraints = [models.UniqueConstraint(fields=["survey", "customer"], name="survey_response_once")]
        indexes = [models.Index(fields=["customer", "-submitted_at"], name="survey_response_customer")]

    def __str__(self) -> str:
        return f"{self.survey_id} ← {self.customer_id}"


class SurveyAnswer(models.Model):
    """One answer to one question: a chosen option (its index), a scale value (1-5) or free text. A multiple-choice
    question has one row per option chosen."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("응답"), related_name="answers", on_delete=models.CASCADE
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("질문"), related_name="answers", on_delete=models.CASCADE
    )
    choice = models.PositiveSmallIntegerField(_("고른 보기 또는 점수"), null=True, blank=True)
    text = models.TextField(_("쓴 답"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("설문 답")
        verbose_name_plural = _("설문 답")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"], condition=Q(choice__isnull=False), name="survey_answer_once"
            )
        ]
        indexes = [models.Index(fields=["question", "choice"], name="survey_answer_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice if self.choice is not None else self.text[:20]}"
