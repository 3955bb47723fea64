from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoundEntry(models.Model):
    """One customer on a team member's 오늘 챙길 단골 list for one Seoul day, why they are there, and what the member
    did about it. The day's rows are written once (by the morning task or on first opening), so the list is stable
    for the day; `acted_at` is the touch the dashboard measures a comeback (an order) against.

    `reasons` is a list of {"code": ..., **params} (the codes of crm.services.rounds: essential, slipping, low_rating, question, birthday); the page words them.
    """

    class Action(models.TextChoices):
        MESSAGE = "message", _("메시지 보냄")
        NOTE = "note", _("메모 남김")
        SKIP = "skip", _("오늘은 넘김")

    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="round_entries", on_delete=models.CASCADE)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("팀원"), related_name="+", on_delete=models.CASCADE
    )
    day = models.DateField(_("날짜(서울)"))
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("순서"))
    reasons = models.JSONField(_("챙길 이유"), default=list)
    action = models.CharField(_("한 일"), max_length=10, choices=Action.choices, blank=True)
    acted_at = models.DateTimeField(_("한 때"), null=True, blank=True)
    feed_item = models.ForeignKey(
        "feed.FeedItem", verbose_name=_("보낸 메시지"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    note = models.ForeignKey(
        "crm.CustomerNote", verbose_name=_("남긴 메모"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("오늘 챙길 단골")
        verbose_name_plural = _("오늘 챙길 단골")
        ordering = ["day", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "member", "day", "customer"], name="round_entry_once_a_day")
        ]
        indexes = [
            models.Index(fields=["team", "member", "day"], name="round_entry_list"),
            models.Index(fields=["team", "acted_at"], name="round_entry_acted"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.member_id} → {self.customer_id}"
