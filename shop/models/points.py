"""Points (적립금): an append-only ledger. The balance is the sum of a customer's entries, never a stored number."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.history_notes import POINT_NOTES, note_render, point_note_encode


class PointAccount(models.Model):
    """One row per customer that point writes lock (select_for_update) before reading the balance.

    It stores no balance on purpose: the ledger is the truth, this row only serialises writers.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="point_account", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("적립금 계정")
        verbose_name_plural = _("적립금 계정")

    def __str__(self) -> str:
        return f"points:{self.user_id}"


class PointEntry(models.Model):
    """One movement of points. Rows are only ever added; a correction is a new `adjust` row."""

    class Kind(models.TextChoices):
        EARN = "earn", _("적립")
        SPEND = "spend", _("사용")
        REFUND = "refund", _("사용 취소")
        EXPIRE = "expire", _("소멸")
        ADJUST = "adjust", _("조정")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="point_entries", on_delete=models.CASCADE
    )
    amount = models.IntegerField(_("포인트"))
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices)
    order = models.ForeignKey(
        "shop.Order",
        verbose_name=_("주문"),
        related_name="point_entries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    note = models.CharField(_("내용"), max_length=100, blank=True)
    # A known note is a code rendered in the reader's language (shop.history_notes); `note` is an admin's free text.
    note_code = models.CharField(_("내용 코드"), max_length=40, blank=True)
    note_params = models.JSONField(_("내용 값"), default=dict, blank=True)
    created_at = models.DateTimeField(_("일시"), default=timezone.now)
    expires_at = models.DateTimeField(_("소멸 예정일"), null=True, blank=True)

    class Meta:
        verbose_name = _("적립금 내역")
        verbose_name_plural = _("적립금 내역")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # An order earns, spends and gets its spend refunded at most once each: retries and races
            # hit this constraint instead of paying twice.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(kind__in=["earn", "spend", "refund"]),
                name="point_entry_once_per_order_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["earn", "refund"], amount__gt=0)
                    | Q(kind__in=["spend", "expire"], amount__lt=0)
                    | (Q(kind="adjust") & ~Q(amount=0))
                ),
                name="point_entry_sign_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="point_entry_user_recent"),
            models.Index(fields=["expires_at"], name="point_entry_expiry", condition=Q(expires_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:+,}"

    @property
    def note_text(self) -> str:
        """The note in the active language (known codes), else the stored free text."""
        code = self.note_code or point_note_encode(self.note)[0]
        return note_render(table=POINT_NOTES, code=code, params=self.note_params, fallback=self.note)
