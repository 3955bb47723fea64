"""Moderation across every kind of community content: reports with reasons, and suspensions (이용 제한)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """One reader's report on one piece of Moderated content (a post, comment, review, tour ...), once per reader.

    Reports stay open until a moderator decides: hiding, restoring or dismissing resolves every open report of that
    content at once.
    """

    class Reason(models.TextChoices):
        SPAM = "spam", _("광고·스팸이에요")
        ABUSE = "abuse", _("욕설·비하가 있어요")
        PRIVACY = "privacy", _("개인정보가 드러나 있어요")
        ILLEGAL = "illegal", _("불법·위험한 내용이에요")
        INAPPROPRIATE = "inappropriate", _("동네생활에 맞지 않아요")
        OTHER = "other", _("기타")

    class Resolution(models.TextChoices):
        OPEN = "open", _("검토 전")
        HIDDEN = "hidden", _("숨김 처리")
        DISMISSED = "dismissed", _("문제 없음")

    content_type = models.ForeignKey(ContentType, verbose_name=_("종류"), related_name="+", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("대상 번호"))
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("신고한 사람"),
        related_name="community_reports",
        on_delete=models.CASCADE,
    )
    reason = models.CharField(_("사유"), max_length=20, choices=Reason.choices)
    detail = models.CharField(_("자세한 내용"), max_length=500, blank=True)
    resolution = models.CharField(_("처리"), max_length=20, choices=Resolution.choices, default=Resolution.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리한 직원"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    resolved_at = models.DateTimeField(_("처리한 때"), null=True, blank=True)
    created_at = models.DateTimeField(_("신고한 때"), default=timezone.now)

    class Meta:
        verbose_name = _("신고")
        verbose_name_plural = _("신고")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "reporter"], name="report_once_per_reader")
        ]
        indexes = [
            models.Index(fields=["resolution", "content_type", "object_id"], name="report_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} ({self.reason})"


class CommunityBan(models.Model):
    """A suspension: until `ends_at` (or for good when empty) the user cannot post, comment, review or ask.

    Kept in community rather than on accounts.User: shopping goes on; only community writing stops. Lifting a ban
    stamps `lifted_at` so the history stays.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="community_bans", on_delete=models.CASCADE
    )
    reason = models.CharField(_("사유"), max_length=300)
    ends_at = models.DateTimeField(_("제한 끝"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("제한한 직원"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("제한한 때"), default=timezone.now)
    lifted_at = models.DateTimeField(_("해제한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("커뮤니티 이용 제한")
        verbose_name_plural = _("커뮤니티 이용 제한")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "lifted_at", "ends_at"], name="community_ban_active")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.reason[:20]})"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)
