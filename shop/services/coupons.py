"""Coupon writes: issuing into a wallet (limits enforced under the rule's row lock) and claiming by code."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from config.money import format_won
from config.ratelimit import Limit, failure_record, failures_check
from shop.models import Category, CouponRule, IssuedCoupon, Order
from shop.selectors.cart import CheckoutInfo, Discount, PricedLine

COUPON_RULE_INACTIVE = gettext_noop("지금은 받을 수 없는 쿠폰이에요.")
COUPON_RULE_NOT_STARTED = gettext_noop("아직 받을 수 있는 기간이 아니에요.")
COUPON_RULE_ENDED = gettext_noop("발급 기간이 끝난 쿠폰이에요.")
COUPON_ISSUE_LIMIT_REACHED = gettext_noop("준비한 쿠폰이 모두 소진되었어요.")
COUPON_PER_CUSTOMER_LIMIT_REACHED = gettext_noop("이미 받은 쿠폰이에요.")
COUPON_CODE_EMPTY = gettext_noop("쿠폰 코드를 입력해 주세요.")
COUPON_CODE_UNKNOWN = gettext_noop("등록되지 않은 쿠폰 코드예요. 다시 확인해 주세요.")
COUPON_SOURCE_UNKNOWN = gettext_noop("알 수 없는 발급 경로예요.")


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


# Codes must not be guessable at full speed: after 10 unknown codes for one shopper (or 30 from one address) in
# 15 minutes every claim is refused (RateLimited, 429) until the window ends. A shopper typing a real code is
# never counted.
CLAIM_FAILURES_PER_USER = Limit("coupon-claim-user", limit=10, window_seconds=15 * 60)
CLAIM_FAILURES_PER_IP = Limit("coupon-claim-ip", limit=30, window_seconds=15 * 60)


def coupon_claim_by_code(*, code: str, user: User, ip: str | None = None) -> IssuedCoupon:
    """A customer typed a code on the wallet page: issue that rule's coupon (source "code")."""
    normalized = (code or "").strip().upper()
    if not normalized:
        raise DomainError(_(COUPON_CODE_EMPTY), code="coupon_code_empty")
    guards = [(CLAIM_FAILURES_PER_USER, str(user.pk))] + ([(CLAIM_FAILURES_PER_IP, ip)] if ip else [])
    failures_check(*guards)
    rule = CouponRule.objects.filter(code=normalized).first()
    if rule is None:
        failure_record(*guards)
        raise DomainError(_(COUPON_CODE_UNKNOWN), code="coupon_code_unknown", http_status=404)
    with transaction.atomic(durable=True):
        return coupon_issue(rule=rule, user=user, source=IssuedCoupon.Source.CODE, source_ref=normalized)


# --- Applying coupons at checkout -------------------------------------------------------------------------

COUPON_EXPIRED = gettext_noop("쿠폰 사용 기간이 지났어요.")
COUPON_OUT_OF_SCOPE = gettext_noop("이 쿠폰은 {target} 상품에만 쓸 수 있어요.")
COUPON_BELOW_MINIMUM = gettext_noop("쿠폰은 {amount} 이상 주문할 때 쓸 수 있어요.")
COUPON_ALREADY_USED = gettext_noop("이미 사용한 쿠폰이에요.")
COUPON_NOT_YOURS = gettext_noop("내 쿠폰함에 있는 쿠폰만 쓸 수 있어요.")
COUPON_NOT_STACKABLE = gettext_noop("'{name}' 쿠폰은 다른 쿠폰과 함께 쓸 수 없어요.")
COUPON_SAME_RULE_TWICE = gettext_noop("같은 쿠폰은 한 주문에 한 장만 쓸 수 있어요.")


def coupon_scope_target(rule: CouponRule) -> str:
    """The name the out-of-scope message shows: the shop, category or product the rule is limited to."""
    if rule.scope == CouponRule.Scope.STORE and rule.store is not None:
        return rule.store.name
    if rule.scope == CouponRule.Scope.CATEGORY and rule.category is not None:
        return rule.category.name
    if rule.scope == CouponRule.Scope.PRODUCT and rule.product is not None:
        return rule.product.name
    return ""


def coupon_line_in_scope(
    *, rule: CouponRule, product_id: int, store_id: int, category_id: int, parent_category_id: int | None = None
) -> bool:
    """Whether a line counts for the rule's scope; a category scope also covers that category's children."""
    if rule.scope == CouponRule.Scope.STORE:
        return store_id == rule.store_id
    if rule.scope == CouponRule.Scope.CATEGORY:
        return rule.category_id in (category_id, parent_category_id)
    if rule.scope == CouponRule.Scope.PRODUCT:
        return product_id == rule.product_id
    return True


def coupon_category_parents(lines: Iterable[PricedLine]) -> dict[int, int | None]:
    """{category id: parent id} for the lines' categories, in one query (category scopes cover children)."""
    category_ids = {line.product.category_id for line in lines}
    return dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "parent_id")) if category_ids else {}


def coupon_eligible_amount(
    *, rule: CouponRule, lines: Iterable[PricedLine], parents: dict[int, int | None] | None = None
) -> int:
    """The part of the order the coupon may discount: the selected lines inside its scope."""
    parents = parents or {}
    return sum(
        line.line_total
        for line in lines
        if line.is_selected
        and coupon_line_in_scope(
            rule=rule,
            product_id=line.product_id,
            store_id=line.product.store_id,
            category_id=line.product.category_id,
            parent_category_id=parents.get(line.product.category_id),
        )
    )


def coupon_refusal(
    *,
    coupon: IssuedCoupon,
    user: User,
    lines: Iterable[PricedLine],
    now: datetime,
    parents: dict[int, int | None] | None = None,
) -> str | None:
    """Why this coupon cannot be used on these lines (a Korean message), or None when it can. Pure
    (`parents` from coupon_category_parents)."""
    if coupon.user_id != user.pk:
        return _(COUPON_NOT_YOURS)
    if coupon.used_at is not None:
        return _(COUPON_ALREADY_USED)
    if coupon.is_expired_at(now):
        return _(COUPON_EXPIRED)
    rule = coupon.rule
    eligible = coupon_eligible_amount(rule=rule, lines=lines, parents=parents)
    if eligible <= 0:
        return _(COUPON_OUT_OF_SCOPE).format(target=coupon_scope_target(rule))
    if eligible < rule.min_order_amount:
        return _(COUPON_BELOW_MINIMUM).format(amount=format_won(rule.min_order_amount))
    return None


def coupon_discounts_compute(*, info: CheckoutInfo, user: User, coupon_ids: Sequence[int]) -> list[Discount]:
    """The coupon part of checkout's discount step: one Discount per chosen coupon (ref = its id).

    One query (the coupons with their rules and scope targets); raises DomainError with the reason's own
    message when any chosen coupon cannot be used, or when a non-stackable coupon is combined with another.
    """
    wanted = list(dict.fromkeys(int(pk) for pk in coupon_ids if pk))
    if not wanted:
        return []
    found = {
        coupon.pk: coupon
        for coupon in IssuedCoupon.objects.filter(pk__in=wanted).select_related(
            "rule", "rule__store", "rule__category", "rule__product"
        )
    }
    now = timezone.now()
    parents = coupon_category_parents(info.selected_lines)
    chosen: list[IssuedCoupon] = []
    for pk in wanted:
        coupon = found.get(pk)
        if coupon is None:
            raise DomainError(_(COUPON_NOT_YOURS), code="coupon_not_yours")
        refusal = coupon_refusal(coupon=coupon, user=user, lines=info.selected_lines, now=now, parents=parents)
        if refusal:
            raise DomainError(refusal, code="coupon_not_applicable")
        chosen.append(coupon)
    if len(chosen) > 1:
        for coupon in chosen:
            if not coupon.rule.is_stackable:
                raise DomainError(_(COUPON_NOT_STACKABLE).format(name=coupon.rule.name), code="coupon_not_stackable")
        if len({coupon.rule_id for coupon in chosen}) != len(chosen):
            raise DomainError(_(COUPON_SAME_RULE_TWICE), code="coupon_not_stackable")
    return [
        Discount(
            kind="coupon",
            label=coupon.rule.name,
            amount=coupon.rule.discount_for(
                coupon_eligible_amount(rule=coupon.rule, lines=info.selected_lines, parents=parents)
            ),
            ref=str(coupon.pk),
        )
        for coupon in chosen
    ]


def coupon_redeem_for_order(*, order: Order, discounts: Iterable[Discount]) -> list[int]:
    """Mark the order's coupons used (inside checkout's transaction). Returns the redeemed coupon ids.

    Each coupon is taken by one conditional UPDATE (`used_at IS NULL`, still the customer's, not expired)
    whose row count is checked: of many checkouts racing for one coupon, exactly one gets it; the others
    raise DomainError(COUPON_ALREADY_USED) and their whole checkout rolls back.
    """
    now = timezone.now()
    redeemed: list[int] = []
    for coupon_id in sorted(int(discount.ref) for discount in discounts if discount.kind == "coupon"):
        updated = (
            IssuedCoupon.objects.filter(pk=coupon_id, user_id=order.user_id, used_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .update(used_at=now, order=order)
        )
        if updated != 1:
            coupon = IssuedCoupon.objects.filter(pk=coupon_id).first()
            message = COUPON_EXPIRED if coupon is not None and coupon.used_at is None else COUPON_ALREADY_USED
            raise DomainError(_(message), code="coupon_not_applicable", http_status=409)
        redeemed.append(coupon_id)
    return redeemed


def coupon_release_for_order(*, order: Order) -> int:
    """Put the coupons an order used back into the wallet (cancellation). Returns how many came back.

    One UPDATE keyed on the order: a second call finds nothing to release, so a coupon returns exactly once.
    The caller holds the order's row lock inside its transaction.
    """
    return IssuedCoupon.objects.filter(order=order, used_at__isnull=False).update(used_at=None, order=None)
