"""The wallet page (shop:wallet): usable and past coupons, code entry, constant queries."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shop.models import IssuedCoupon
from shop.services import coupons as coupon_services
from shop.services.coupons import coupon_issue
from tests.accounts.factories import UserFactory
from tests.shop.factories import CategoryFactory, CouponRuleFactory

pytestmark = pytest.mark.django_db


def _issue(user, **fields):
    return coupon_issue(rule=CouponRuleFactory(**fields), user=user, source=IssuedCoupon.Source.ADMIN)


def test_wallet_lists_usable_coupons_and_expired_ones_apart(client):
    user = UserFactory()
    _issue(user, name="단골 3,000원 쿠폰")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        _issue(user, name="지난달 쿠폰", valid_days=3)
    client.force_login(user)

    response = client.get(reverse("shop:wallet"))

    assert response.status_code == 200
    wallet = response.context["wallet"]
    assert [coupon.rule.name for coupon in wallet.usable] == ["단골 3,000원 쿠폰"]
    assert [coupon.rule.name for coupon in wallet.expired] == ["지난달 쿠폰"]
    html = response.content.decode()
    assert "사용할 수 있는 쿠폰" in html
    assert "기간 만료" in html


def test_wallet_code_entry_adds_coupon(client):
    CouponRuleFactory(code="HELLO2026", name="반가워요 쿠폰")
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("shop:wallet"), {"code": "hello2026"}, follow=True)

    assert response.status_code == 200
    assert IssuedCoupon.objects.filter(user=user, rule__code="HELLO2026", source="code").exists()
    assert "반가워요 쿠폰" in response.content.decode()


def test_wallet_unknown_code_shows_message_and_keeps_page(client):
    client.force_login(UserFactory())

    response = client.post(reverse("shop:wallet"), {"code": "NOPE"})

    assert response.status_code == 404
    assert coupon_services.COUPON_CODE_UNKNOWN in response.content.decode()


def test_wallet_htmx_code_entry_returns_only_the_wallet_body(client):
    CouponRuleFactory(code="HTMX")
    client.force_login(UserFactory())

    response = client.post(reverse("shop:wallet"), {"code": "HTMX"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="wallet-body"' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert "쿠폰함에 넣어 드렸어요" in html


def test_wallet_requires_login(client):
    response = client.get(reverse("shop:wallet"))
    assert response.status_code == 302


def test_wallet_query_count_is_constant(client, assert_constant_queries):
    """Guards the wallet's one coupon query (rules, scope targets and orders joined, not per coupon)."""
    user = UserFactory()
    client.force_login(user)
    category = CategoryFactory()

    def grow_by(count):
        for index in range(count):
            coupon = _issue(user, scope="category", category=category, per_customer_limit=1)
            if index % 3 == 0:
                IssuedCoupon.objects.filter(pk=coupon.pk).update(used_at=timezone.now())

    grow_by(3)
    assert_constant_queries(lambda: client.get(reverse("shop:wallet")), lambda: grow_by(27))
