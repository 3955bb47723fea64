"""Loyalty admin: issuing a coupon rule to customers goes through coupon_issue (limits hold); point adjustments
go through point_adjust (never below zero)."""

import pytest
from django.urls import reverse

from shop.models import IssuedCoupon, PointEntry
from tests.accounts.factories import UserFactory
from tests.shop.factories import CouponRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_issue_view_issues_to_listed_customers_within_limits(admin_client):
    rule = CouponRuleFactory(total_issue_limit=1)
    first, second = UserFactory(username="hana"), UserFactory(username="dul")

    response = admin_client.post(
        reverse("admin:shop_couponrule_issue", args=[rule.pk]), {"usernames": "hana\ndul\nnobody", "note": "VIP"}
    )

    assert response.status_code == 302
    assert list(IssuedCoupon.objects.values_list("user__username", "source", "source_ref")) == [
        ("hana", "admin", "VIP")
    ]
    assert not IssuedCoupon.objects.filter(user=second).exists()
    assert first.coupons.count() == 1


def test_admin_point_adjustment_uses_the_ledger_service(admin_client):
    user = UserFactory()

    admin_client.post(reverse("admin:shop_pointentry_add"), {"user": user.pk, "amount": "1500", "note": "사과의 뜻"})
    admin_client.post(reverse("admin:shop_pointentry_add"), {"user": user.pk, "amount": "-5000", "note": "회수"})

    assert list(PointEntry.objects.values_list("kind", "amount")) == [("adjust", 1500)]
