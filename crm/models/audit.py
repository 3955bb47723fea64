from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who looked at or exported which customer data, and when. Append-only; admins read it in the back office."""

    class Action(models.TextChoices):
        CUSTOMER_VIEW = "customer_view", _("고객 정보 보기")
        CUSTOMER_LIST = "customer_list", _("고객 목록 보기")
        EXPORT = "export", _("고객 목록 내려받기")
        API_CUSTOMER_VIEW = "api_customer_view", _("API로 고객 정보 보기")
        API_CUSTOMER_LIST = "api_customer_list", _("API로 고객 목록 보기")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("본 사람"), related_name="+", on_delete=models.PROTECT
    )
    action = models.CharField(_("한 일"), max_length=30, choices=Action.choices)
    team = models.ForeignKey(
        "crm.Team", verbose_name=_("팀"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("고객"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    segment = models.ForeignKey(
        "crm.Segment", verbose_name=_("세그먼트"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    detail = models.JSONField(_("자세히"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 주소"), null=True, blank=True)
    created_at = models.DateTimeField(_("때"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("열람 기록")
        verbose_name_plural = _("열람 기록")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="audit_customer_recent")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.customer_id or self.segment_id}"
