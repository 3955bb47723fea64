"""Issuing coupons: limits, windows, expiry and code entry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import DomainError
from shop.models import CouponRule, IssuedCoupon
from shop.services import coupons as coupon_services
from shop.services.coupons import coupon_claim_by_code, coupon_issue
from tests.accounts.factories import UserFactory
from tests.shop.factories import CategoryFactory, CouponRuleFactory

pytestmark = pytest.mark.django_db


def test_coupon_issue_puts_coupon_in_wallet_with_source_and_counts_it():
    rule = CouponRuleFactory(total_issue_limit=10)
    user = UserFactory()

    coupon = coupon_issue(rule=rule, user=user, source=IssuedCoupon.Source.NUDGE, source_ref="nudge:7")

    assert coupon.user == user
    assert coupon.source == "nudge"
    assert coupon.source_ref == "nudge:7"
    assert coupon.used_at is None
    rule.refresh_from_db()
    assert rule.issued_count == 1


def test_coupon_issue_beyond_per_customer_limit_is_rejected():
    rule = CouponRuleFactory(per_customer_limit=2)
    user = UserFactory()
    coupon_issue(rule=rule, user=user, source="admin")
    coupon_issue(rule=rule, user=user, source="admin")

    with pytest.raises(DomainError) as excinfo:
        coupon_issue(rule=rule, user=user, source="admin")

    assert excinfo.value.message == coupon_services.COUPON_PER_CUSTOMER_LIMIT_REACHED
    assert IssuedCoupon.objects.filter(rule=rule, user=user).count() == 2


def test_coupon_issue_beyond_total_limit_is_rejected_for_the_next_customer():
    rule = CouponRuleFactory(total_issue_limit=1)
    coupon_issue(rule=rule, user=UserFactory(), source="campaign")

    with pytest.raises(DomainError) as excinfo:
        coupon_issue(rule=rule, user=UserFactory(), source="campaign")

    assert excinfo.value.message == coupon_services.COUPON_ISSUE_LIMIT_REACHED
    rule.refresh_from_db()
    assert rule.issued_count == 1


def test_coupon_issue_of_inactive_rule_is_rejected():
    rule = CouponRuleFactory(is_active=False)
    with pytest.raises(DomainError) as excinfo:
        coupon_issue(rule=rule, user=UserFactory(), source="admin")
    assert excinfo.value.message == coupon_services.COUPON_RULE_INACTIVE


def test_coupon_issue_before_window_and_after_window_is_rejected():
    now = timezone.now()
    future = CouponRuleFactory(valid_from=now + timedelta(days=1))
    ended = CouponRuleFactory(valid_from=now - timedelta(days=10), valid_until=now - timedelta(days=1))

    with pytest.raises(DomainError) as not_started:
        coupon_issue(rule=future, user=UserFactory(), source="admin")
    with pytest.raises(DomainError) as over:
        coupon_issue(rule=ended, user=UserFactory(), source="admin")

    assert not_started.value.message == coupon_services.COUPON_RULE_NOT_STARTED
    assert over.value.message == coupon_services.COUPON_RULE_ENDED


def test_coupon_issue_expiry_is_the_earlier_of_valid_days_and_valid_until():
    now = timezone.now()
    short = CouponRuleFactory(valid_days=7, valid_until=now + timedelta(days=30))
    capped = CouponRuleFactory(valid_days=30, valid_until=now + timedelta(days=3))
    user = UserFactory()

    by_days = coupon_issue(rule=short, user=user, source="admin")
    by_until = coupon_issue(rule=capped, user=user, source="admin")

    assert by_days.expires_at == by_days.issued_at + timedelta(days=7)
    assert by_until.expires_at == capped.valid_until


def test_coupon_issue_with_unknown_source_is_rejected():
    with pytest.raises(DomainError):
        coupon_issue(rule=CouponRuleFactory(), user=UserFactory(), source="lottery")


def test_coupon_claim_by_code_ignores_case_and_spaces_and_records_code_source():
    rule = CouponRuleFactory(code="WELCOME3000")
    user = UserFactory()

    coupon = coupon_claim_by_code(code="  welcome3000 ", user=user)

    assert coupon.rule == rule
    assert coupon.source == IssuedCoupon.Source.CODE
    assert coupon.source_ref == "WELCOME3000"


def test_coupon_claim_by_unknown_code_says_so():
    with pytest.raises(DomainError) as excinfo:
        coupon_claim_by_code(code="NOPE", user=UserFactory())
    assert excinfo.value.message == coupon_services.COUPON_CODE_UNKNOWN


def test_coupon_claim_by_code_twice_is_rejected():
    CouponRuleFactory(code="ONCE")
    user = UserFactory()
    coupon_claim_by_code(code="ONCE", user=user)
    with pytest.raises(DomainError) as excinfo:
        coupon_claim_by_code(code="ONCE", user=user)
    assert excinfo.value.message == coupon_services.COUPON_PER_CUSTOMER_LIMIT_REACHED


def test_coupon_rule_clean_rejects_scope_without_target_and_percent_over_100():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        CouponRule(name="x", discount_kind="fixed", discount_value=1000, scope="category").full_clean()
    with pytest.raises(ValidationError):
        CouponRule(name="x", discount_kind="percent", discount_value=120, scope="all").full_clean()
    CouponRule(
        name="ok", discount_kind="percent", discount_value=10, scope="category", category=CategoryFactory()
    ).full_clean()


def test_coupon_rule_discount_is_capped_by_max_discount_and_by_amount():
    percent = CouponRule(discount_kind="percent", discount_value=10, max_discount=2000)
    fixed = CouponRule(discount_kind="fixed", discount_value=5000)

    assert percent.discount_for(15000) == 1500
    assert percent.discount_for(50000) == 2000
    assert fixed.discount_for(3000) == 3000
    assert fixed.discount_for(0) == 0
