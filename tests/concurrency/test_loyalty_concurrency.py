"""Loyalty guarantees under real concurrency (PostgreSQL, real threads released together by a barrier)."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from config.errors import DomainError
from shop.models import IssuedCoupon
from shop.services.coupons import coupon_issue
from tests.accounts.factories import UserFactory
from tests.shop.factories import CouponRuleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(count: int, work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Start `count` threads that wait at one barrier, then call work(i); return results and errors."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = work(index)
            with lock:
                results.append(outcome)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_coupon_per_customer_limit_of_one_holds_under_concurrent_issue_by_same_customer():
    rule = CouponRuleFactory(per_customer_limit=1, total_issue_limit=100)
    user = UserFactory()

    results, errors = run_concurrently(
        20, lambda _i: coupon_issue(rule=rule, user=user, source=IssuedCoupon.Source.NUDGE)
    )

    assert len(results) == 1
    assert len(errors) == 19
    assert all(isinstance(error, DomainError) for error in errors)
    assert IssuedCoupon.objects.filter(rule=rule, user=user).count() == 1
    rule.refresh_from_db()
    assert rule.issued_count == 1


def test_coupon_total_issue_limit_holds_under_concurrent_issue_by_many_customers():
    rule = CouponRuleFactory(per_customer_limit=1, total_issue_limit=5)
    users = [UserFactory() for _ in range(20)]

    results, errors = run_concurrently(
        20, lambda i: coupon_issue(rule=rule, user=users[i], source=IssuedCoupon.Source.CAMPAIGN)
    )

    assert len(results) == 5
    assert all(isinstance(error, DomainError) for error in errors)
    assert IssuedCoupon.objects.filter(rule=rule).count() == 5
    rule.refresh_from_db()
    assert rule.issued_count == 5


def test_twenty_concurrent_point_spends_never_make_balance_negative():
    from shop.models import PointEntry
    from shop.selectors.points import point_balance
    from shop.services.points import point_adjust, point_spend

    user = UserFactory()
    point_adjust(user=user, amount=5000, note="이벤트 적립")

    results, errors = run_concurrently(20, lambda _i: point_spend(user=user, amount=700))

    assert len(results) == 7  # 7 x 700 = 4,900 <= 5,000 < 8 x 700
    assert len(errors) == 13
    assert all(isinstance(error, DomainError) for error in errors)
    assert point_balance(user=user) == 100
    assert PointEntry.objects.filter(user=user, kind="spend").count() == 7
