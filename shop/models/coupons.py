"""Coupons: a rule says what a coupon is worth and who may hold it; an issued coupon sits in one wallet."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CouponRule(models.Model):
    """What a coupon gives, where it applies, and how many may be handed out.

    `issued_count` is the total issued so far; services raise it only while holding the rule's row lock,
    so it never passes `total_issue_limit`.
    """

    class DiscountKind(models.TextChoices):
        PERCENT = "percent", _("정률 할인(%)")
        FIXED = "fixed", _("정액 할인(원)")

    class Scope(models.TextChoices):
        ALL = "all", _("전체 상품")
        STORE = "store", _("특정 가게")
        CATEGORY = "category", _("특정 카테고리")
        PRODUCT = "product", _("특정 상품")

    name = models.CharField(_("쿠폰 이름"), max_length=60)
    code = models.CharField(
        _("쿠폰 코드"),
        max_length=30,
        null=True,
        blank=True,
        unique=True,
        help_text=_("고객이 직접 입력해서 받는 코드예요. 비워 두면 코드로 받을 수 없어요."),
    )
    discount_kind = models.CharField(_("할인 방식"), max_length=10, choices=DiscountKind.choices)
    discount_value = models.PositiveIntegerField(_("할인 값"), help_text=_("정률이면 %, 정액이면 원 단위예요."))
    max_discount = models.PositiveIntegerField(_("최대 할인 금액(원)"), null=True, blank=True)
    min_order_amount = models.PositiveIntegerField(_("최소 주문 금액(원)"), default=0)
    scope = models.CharField(_("적용 범위"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    store = models.ForeignKey(
        "shop.Store", verbose_name=_("가게"), related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    category = models.ForeignKey(
        "shop.Category", verbose_name=_("카테고리"), related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    product = models.ForeignKey(
        "shop.Product", verbose_name=_("상품"), related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    valid_from = models.DateTimeField(_("발급 시작"), default=timezone.now)
    valid_until = models.DateTimeField(_("사용 기한"), null=True, blank=True)
    valid_days = models.PositiveSmallIntegerField(
        _("발급 후 사용 가능 일수"), null=True, blank=True, help_text=_("비워 두면 사용 기한까지 쓸 수 있어요.")
    )
    total_issue_limit = models.PositiveIntegerField(_("총 발급 한도"), null=True, blank=True)
    per_customer_limit = models.PositiveSmallIntegerField(_("1인당 발급 한도"), default=1)
    issued_count = models.PositiveIntegerField(_("발급 수"), default=0, editable=False)
    is_stackable = models.BooleanField(_("다른 쿠폰과 함께 사용"), default=False)
    is_active = models.BooleanField(_("사용 중"), default=True)
    created_at = models.DateTimeField(_("만든 때"), default=timezone.now)

    class Meta:
        verbose_name = _("쿠폰 규칙")
        verbose_name_plural = _("쿠폰 규칙")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(discount_kind="percent") | Q(discount_value__gte=1, discount_value__lte=100),
                name="coupon_rule_percent_between_1_and_100",
            ),
            models.CheckConstraint(
                condition=Q(total_issue_limit__isnull=True) | Q(issued_count__lte=models.F("total_issue_limit")),
                name="coupon_rule_issued_within_limit",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="all", store__isnull=True, category__isnull=True, product__isnull=True)
                    | Q(scope="store", store__isnull=False, category__isnull=True, product__isnull=True)
                    | Q(scope="category", store__isnull=True, category__isnull=False, product__isnull=True)
                    | Q(scope="product", store__isnull=True, category__isnull=True, product__isnull=False)
                ),
                name="coupon_rule_scope_target_matches",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.code:
            self.code = self.code.strip().upper()
        else:
            self.code = None
        errors = {}
        if self.discount_kind == self.DiscountKind.PERCENT and not 1 <= (self.discount_value or 0) <= 100:
            errors["discount_value"] = _("정률 할인은 1%에서 100% 사이로 정해 주세요.")
        targets = {
            self.Scope.STORE: "store",
            self.Scope.CATEGORY: "category",
            self.Scope.PRODUCT: "product",
        }
        for scope, field in targets.items():
            has_target = getattr(self, f"{field}_id") is not None
            if self.scope == scope and not has_target:
                errors[field] = _("적용 범위에 맞는 대상을 골라 주세요.")
            if self.scope != scope and has_target:
                errors[field] = _("적용 범위와 맞지 않는 대상이에요. 비워 주세요.")
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from:
            errors["valid_until"] = _("사용 기한은 발급 시작보다 뒤여야 해요.")
        if errors:
            raise ValidationError(errors)

    @property
    def discount_label(self) -> str:
        if self.discount_kind == self.DiscountKind.PERCENT:
            return f"{self.discount_value}%"
        return f"{self.discount_value:,}원"

    def discount_for(self, eligible_amount: int) -> int:
        """Whole-won discount on the eligible amount, capped by max_discount and by the amount itself."""
        if eligible_amount <= 0:
            return 0
        if self.discount_kind == self.DiscountKind.PERCENT:
            discount = eligible_amount * self.discount_value // 100
        else:
            discount = self.discount_value
        if self.max_discount is not None:
            discount = min(discount, self.max_discount)
        return max(0, min(discount, eligible_amount))


class IssuedCoupon(models.Model):
    """One coupon in one customer's wallet. `used_at` is set once, by a conditional update at checkout."""

    class Source(models.TextChoices):
        CODE = "code", _("코드 입력")
        ADMIN = "admin", _("관리자 발급")
        CAMPAIGN = "campaign", _("캠페인")
        NUDGE = "nudge", _("맞춤 제안")
        GREETING = "greeting", _("인사말 혜택")

    rule = models.ForeignKey(CouponRule, verbose_name=_("쿠폰 규칙"), related_name="issued", on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("회원"), related_name="coupons", on_delete=models.CASCADE
    )
    source = models.CharField(_("발급 경로"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(_("발급 근거"), max_length=100, blank=True)
    issued_at = models.DateTimeField(_("발급일"), default=timezone.now)
    expires_at = models.DateTimeField(_("만료일"), null=True, blank=True)
    used_at = models.DateTimeField(_("사용일"), null=True, blank=True)
    order = models.ForeignKey(
        "shop.Order",
        verbose_name=_("사용한 주문"),
        related_name="coupons",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("발급 쿠폰")
        verbose_name_plural = _("발급 쿠폰")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "used_at", "expires_at"], name="issued_coupon_wallet"),
            models.Index(fields=["rule", "user"], name="issued_coupon_rule_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=True) | Q(used_at__isnull=False), name="issued_coupon_order_only_when_used"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.user}"

    def is_expired_at(self, when) -> bool:
        return self.expires_at is not None and self.expires_at <= when

    def is_usable_at(self, when) -> bool:
        return self.used_at is None and not self.is_expired_at(when)
