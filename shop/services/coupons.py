"""Coupon writes: issuing into a wallet (limits enforced under the rule's row lock) and claiming by code."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import DomainError
from shop.models import CouponRule, IssuedCoupon

COUPON_RULE_INACTIVE = "지금은 받을 수 없는 쿠폰이에요."
COUPON_RULE_NOT_STARTED = "아직 받을 수 있는 기간이 아니에요."
COUPON_RULE_ENDED = "발급 기간이 끝난 쿠폰이에요."
COUPON_ISSUE_LIMIT_REACHED = "준비한 쿠폰이 모두 소진되었어요."
COUPON_PER_CUSTOMER_LIMIT_REACHED = "이미 받은 쿠폰이에요."
COUPON_CODE_EMPTY = "쿠폰 코드를 입력해 주세요."
COUPON_CODE_UNKNOWN = "등록되지 않은 쿠폰 코드예요. 다시 확인해 주세요."
COUPON_SOURCE_UNKNOWN = "알 수 없는 발급 경로예요."


def coupon_rule_lock(qs: QuerySet[CouponRule]) -> QuerySet[CouponRule]:
    """The one way to lock coupon rules: in pk order, only the rule rows."""
    return qs.order_by("pk").select_for_update(of=("self",))


def _expiry_for(*, rule: CouponRule, issued_at: datetime) -> datetime | None:
    candidates = []
    if rule.valid_until is not None:
        candidates.append(rule.valid_until)
    if rule.valid_days:
        candidates.append(issued_at + timedelta(days=rule.valid_days))
    return min(candidates) if candidates else None


@transaction.atomic
def coupon_issue(*, rule: CouponRule, user: User, source: str, source_ref: str = "") -> IssuedCoupon:
    """Put one coupon of `rule` into `user`'s wallet.

    Locks the rule row (select_for_update) and decides under that lock: the rule is active and inside its
    issue window, the total issue limit is not reached and the customer holds fewer than the per-customer
    limit of this rule. Raises DomainError otherwise. Not durable on purpose: feed nudges and greeting
    benefits issue inside their own transactions, and the lock is held until that outer commit.
    """
    if source not in IssuedCoupon.Source.values:
        raise DomainError(_(COUPON_SOURCE_UNKNOWN))
    now = timezone.now()
    locked = coupon_rule_lock(CouponRule.objects.filter(pk=rule.pk)).get()
    if not locked.is_active:
        raise DomainError(_(COUPON_RULE_INACTIVE), code="coupon_inactive", http_status=409)
    if locked.valid_from > now:
        raise DomainError(_(COUPON_RULE_NOT_STARTED), code="coupon_not_started", http_status=409)
    if locked.valid_until is not None and locked.valid_until <= now:
        raise DomainError(_(COUPON_RULE_ENDED), code="coupon_ended", http_status=409)
    if locked.total_issue_limit is not None and locked.issued_count >= locked.total_issue_limit:
        raise DomainError(_(COUPON_ISSUE_LIMIT_REACHED), code="coupon_sold_out", http_status=409)
    held = IssuedCoupon.objects.filter(rule=locked, user=user).count()
    if held >= locked.per_customer_limit:
        raise DomainError(_(COUPON_PER_CUSTOMER_LIMIT_REACHED), code="coupon_already_issued", http_status=409)

    coupon = IssuedCoupon(
        rule=locked,
        user=user,
        source=source,
        source_ref=source_ref[:100],
        issued_at=now,
        expires_at=_expiry_for(rule=locked, issued_at=now),
    )
    coupon.full_clean()
    coupon.save()
    CouponRule.objects.filter(pk=locked.pk).update(issued_count=F("issued_count") + 1)
    rule.issued_count = locked.issued_count + 1
    return coupon


def coupon_claim_by_code(*, code: str, user: User) -> IssuedCoupon:
    """A customer typed a code on the wallet page: issue that rule's coupon (source "code")."""
    normalized = (code or "").strip().upper()
    if not normalized:
        raise DomainError(_(COUPON_CODE_EMPTY), code="coupon_code_empty")
    rule = CouponRule.objects.filter(code=normalized).first()
    if rule is None:
        raise DomainError(_(COUPON_CODE_UNKNOWN), code="coupon_code_unknown", http_status=404)
    with transaction.atomic(durable=True):
        return coupon_issue(rule=rule, user=user, source=IssuedCoupon.Source.CODE, source_ref=normalized)
