"""Coupon reads: the wallet page and the coupon choices on the checkout page."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import User
from shop.models import CouponRule, IssuedCoupon
from shop.selectors.cart import PricedLine
from shop.services.coupons import coupon_category_parents, coupon_eligible_amount, coupon_refusal


def _wallet_queryset(*, user: User) -> QuerySet[IssuedCoupon]:
    return (
        IssuedCoupon.objects.filter(user=user)
        .select_related("rule", "rule__store", "rule__category", "rule__product", "order")
        .order_by("expires_at", "-issued_at", "-pk")
    )


@dataclass
class Wallet:
    usable: list[IssuedCoupon] = field(default_factory=list)
    used: list[IssuedCoupon] = field(default_factory=list)
    expired: list[IssuedCoupon] = field(default_factory=list)

    @property
    def past(self) -> list[IssuedCoupon]:
        return self.used + self.expired


def coupon_wallet(*, user: User, now: datetime | None = None) -> Wallet:
    """The customer's coupons split into usable (soonest expiry first), used and expired. One query."""
    now = now or timezone.now()
    wallet = Wallet()
    for coupon in _wallet_queryset(user=user):
        if coupon.used_at is not None:
            wallet.used.append(coupon)
        elif coupon.is_expired_at(now):
            wallet.expired.append(coupon)
        else:
            coupon.days_left = (  # type: ignore[attr-defined]
                (timezone.localdate(coupon.expires_at) - timezone.localdate(now)).days if coupon.expires_at else None
            )
            wallet.usable.append(coupon)
    wallet.used.sort(key=lambda coupon: coupon.used_at, reverse=True)  # type: ignore[arg-type, return-value]
    wallet.expired.sort(key=lambda coupon: coupon.expires_at, reverse=True)  # type: ignore[arg-type, return-value]
    return wallet


@dataclass(frozen=True)
class CouponOption:
    """One wallet coupon as the checkout page offers it: the discount it would give, or why it cannot."""

    coupon: IssuedCoupon
    discount: int
    refusal: str | None

    @property
    def usable(self) -> bool:
        return self.refusal is None


def coupon_options_for_checkout(
    *, user: User, lines: Iterable[PricedLine], now: datetime | None = None
) -> list[CouponOption]:
    """The customer's unused, unexpired coupons for these lines, applicable ones first (biggest discount first).

    One query; the refusal reasons are the same messages checkout would raise.
    """
    now = now or timezone.now()
    lines = list(lines)
    parents = coupon_category_parents(lines)
    options = []
    for coupon in _wallet_queryset(user=user).filter(used_at__isnull=True):
        if coupon.is_expired_at(now):
            continue
        refusal = coupon_refusal(coupon=coupon, user=user, lines=lines, now=now, parents=parents)
        eligible = coupon_eligible_amount(rule=coupon.rule, lines=lines, parents=parents)
        discount = 0 if refusal else coupon.rule.discount_for(eligible)
        options.append(CouponOption(coupon=coupon, discount=discount, refusal=refusal))
    options.sort(key=lambda option: (not option.usable, -option.discount))
    return options


def used_coupon_counts(*, source_refs: list[str]) -> dict[str, int]:
    """How many coupons issued under each opaque source reference (e.g. a campaign's "campaign:12") were used on
    an order. One grouped query for any number of references; references with no use are absent."""
    if not source_refs:
        return {}
    rows = (
        IssuedCoupon.objects.filter(source_ref__in=source_refs, used_at__isnull=False)
        .values("source_ref")
        .annotate(used=Count("pk"))
        .order_by()
    )
    return {row["source_ref"]: row["used"] for row in rows}


def coupon_rules_offerable(*, now: datetime | None = None) -> list[tuple[int, str]]:
    """Active coupon rules still issuable now, as (id, "name · discount") choices for staff forms (a campaign's
    coupon to claim). One query."""
    now = now or timezone.now()
    rules = (
        CouponRule.objects.filter(is_active=True, valid_from__lte=now)
        .exclude(valid_until__lte=now)
        .order_by("name", "pk")
    )
    return [(rule.pk, f"{rule.name} · {rule.discount_label}") for rule in rules[:200]]
