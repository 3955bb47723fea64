"""1:1 문의 (live chat): a shopper's conversation with one MD team, its numbered messages, the team's saved
replies, business hours and who of its CS members is on duty.

A message's `seq` is its place in the conversation (1, 2, 3, ...), allocated under a lock on the conversation row,
so a reconnecting client can ask for "everything after N". The row is the record; the socket only carries it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("답변 중")
        PENDING = "pending", _("보류")
        RESOLVED = "resolved", _("해결됨")

    class Context(models.TextChoices):
        NONE = "", _("일반 문의")
        PRODUCT = "product", _("상품")
        ORDER = "order", _("주문")
        SHOP = "shop", _("가게")
        PAGE = "page", _("페이지")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="chat_conversations", on_delete=models.CASCADE
    )
    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="conversations", on_delete=models.PROTECT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당자"),
        related_name="assigned_conversations",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.OPEN)
    context_kind = models.CharField(_("문의 대상"), max_length=10, choices=Context.choices, blank=True)
    context_id = models.PositiveBigIntegerField(_("대상 번호"), null=True, blank=True)
    context_label = models.CharField(_("대상 이름"), max_length=120, blank=True)
    context_url = models.CharField(_("대상 링크"), max_length=300, blank=True)
    store = models.ForeignKey(
        "shop.Store", verbose_name=_("가게"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    last_seq = models.PositiveIntegerField(_("마지막 메시지 번호"), default=0)
    customer_read_seq = models.PositiveIntegerField(_("고객이 읽은 번호"), default=0)
    staff_read_seq = models.PositiveIntegerField(_("팀이 읽은 번호"), default=0)
    last_message_at = models.DateTimeField(_("마지막 메시지"), default=timezone.now)
    last_message_excerpt = models.CharField(_("마지막 메시지 내용"), max_length=120, blank=True)
    first_response_at = models.DateTimeField(_("첫 답변"), null=True, blank=True)
    auto_replied_at = models.DateTimeField(_("자동 응답"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("해결한 때"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("만족도"), null=True, blank=True)
    rating_comment = models.CharField(_("만족도 의견"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("시작한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("1:1 문의")
        verbose_name_plural = _("1:1 문의")
        ordering = ["-last_message_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status", "-last_message_at"], name="chat_conv_team_inbox"),
            models.Index(fields=["customer", "-last_message_at"], name="chat_conv_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="chat_conv_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer} → {self.team}"


class Message(models.Model):
    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("고객")
        STAFF = "staff", _("상담원")
        SYSTEM = "system", _("자동 안내")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("문의"), related_name="messages", on_delete=models.CASCADE
    )
    seq = models.PositiveIntegerField(_("번호"))
    sender_kind = models.CharField(_("보낸 쪽"), max_length=10, choices=Sender.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("보낸 사람"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    body = models.TextField(_("내용"), max_length=2000, blank=True)
    image = models.ForeignKey(
        "community.CommunityImage",
        verbose_name=_("사진"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    is_internal = models.BooleanField(_("내부 메모"), default=False)
    client_key = models.CharField(_("보낸 쪽 키"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("보낸 때"), default=timezone.now)

    class Meta:
        verbose_name = _("문의 메시지")
        verbose_name_plural = _("문의 메시지")
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_unique_seq"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_key"],
                condition=~Q(client_key=""),
                name="chat_message_unique_client_key",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.conversation_id}.{self.seq}"


class SavedReply(models.Model):
    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="saved_replies", on_delete=models.CASCADE)
    title = models.CharField(_("제목"), max_length=60)
    body = models.TextField(_("내용"), max_length=2000)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("자주 쓰는 답변")
        verbose_name_plural = _("자주 쓰는 답변")
        ordering = ["title", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "title"], name="saved_reply_unique_title")]

    def __str__(self) -> str:
        return self.title


class BusinessHours(models.Model):
    """One opening stretch of a team on one weekday (0 = Monday), Asia/Seoul. A team without rows never closes."""

    class Weekday(models.IntegerChoices):
        MON = 0, pgettext_lazy("weekday", "월")
        TUE = 1, pgettext_lazy("weekday", "화")
        WED = 2, pgettext_lazy("weekday", "수")
        THU = 3, pgettext_lazy("weekday", "목")
        FRI = 4, pgettext_lazy("weekday", "금")
        SAT = 5, pgettext_lazy("weekday", "토")
        SUN = 6, pgettext_lazy("weekday", "일")

    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="business_hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("요일"), choices=Weekday.choices)
    opens_at = models.TimeField(_("여는 시각"))
    closes_at = models.TimeField(_("닫는 시각"))

    class Meta:
        verbose_name = _("상담 시간")
        verbose_name_plural = _("상담 시간")
        ordering = ["team", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="business_hours_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ChatDuty(models.Model):
    """A CS member's place in the team's round-robin: whether they take new conversations, and when they last got
    one. A CS member without a row is on duty and has never been assigned."""

    member = models.OneToOneField(
        "crm.TeamMember", verbose_name=_("팀원"), related_name="chat_duty", on_delete=models.CASCADE
    )
    is_on_duty = models.BooleanField(_("상담 중"), default=True)
    last_assigned_at = models.DateTimeField(_("마지막 배정"), null=True, blank=True)

    class Meta:
        verbose_name = _("상담 근무")
        verbose_name_plural = _("상담 근무")

    def __str__(self) -> str:
        return str(self.member)
