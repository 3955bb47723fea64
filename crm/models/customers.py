from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerNote(models.Model):
    """A team member's note on a customer; only that team reads it."""

    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="customer_notes", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("쓴 사람"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    body = models.TextField(_("메모"), max_length=2000)
    created_at = models.DateTimeField(_("쓴 때"), default=timezone.now)

    class Meta:
        verbose_name = _("고객 메모")
        verbose_name_plural = _("고객 메모")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "customer", "-created_at"], name="note_team_customer")]

    def __str__(self) -> str:
        return self.body[:30]


class CustomerTag(models.Model):
    """A short label a team puts on a customer ("VIP 응대", "선물 포장 선호")."""

    team = models.ForeignKey("crm.Team", verbose_name=_("팀"), related_name="customer_tags", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("고객"), related_name="+", on_delete=models.CASCADE
    )
    label = models.CharField(_("태그"), max_length=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("붙인 사람"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(_("붙인 때"), default=timezone.now)

    class Meta:
        verbose_name = _("고객 태그")
        verbose_name_plural = _("고객 태그")
        ordering = ["label", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "customer", "label"], name="tag_once_per_customer")]

    def __str__(self) -> str:
        return self.label
