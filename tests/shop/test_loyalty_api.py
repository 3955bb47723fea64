"""Loyalty API: wallet and code claim, points ledger with balance, wishlist toggle, subscriptions; own rows only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shop.models import IssuedCoupon
from shop.services.coupons import coupon_issue
from shop.services.points import point_adjust, point_spend
from tests.accounts.factories import UserFactory
from tests.shop.factories import CouponRuleFactory, PlacedOrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    user = UserFactory()
    client.force_authenticate(user)
    return client, user


def test_wallet_api_lists_own_coupons_and_claims_by_code(api):
    client, user = api
    coupon_issue(rule=CouponRuleFactory(name="내 쿠폰"), user=user, source=IssuedCoupon.Source.ADMIN)
    coupon_issue(rule=CouponRuleFactory(name="남의 쿠폰"), user=UserFactory(), source=IssuedCoupon.Source.ADMIN)
    CouponRuleFactory(code="API2026", name="코드 쿠폰")

    listed = client.get(reverse("api-coupons")).json()
    claimed = client.post(reverse("api-coupons"), {"code": "api2026"}, format="json")
    again = client.post(reverse("api-coupons"), {"code": "api2026"}, format="json")

    assert [coupon["name"] for coupon in listed["usable"]] == ["내 쿠폰"]
    assert claimed.status_code == 201
    assert claimed.json()["name"] == "코드 쿠폰"
    assert again.status_code == 409
    assert again.json()["detail"] == "이미 받은 쿠폰이에요."


def test_points_api_returns_ledger_and_balance(api):
    client, user = api
    point_adjust(user=user, amount=3000, note="가입 축하")
    point_spend(user=user, amount=1000, order=PlacedOrderFactory(user=user))

    body = client.get(reverse("api-points")).json()

    assert body["balance"] == 2000
    assert [entry["kind"] for entry in body["results"]] == ["spend", "adjust"]


def test_wishlist_api_toggles_and_lists(api):
    client, _user = api
    product = ProductFactory(name="찜할 세제")

    toggled = client.post(reverse("api-wishlist"), {"product_id": product.pk}, format="json").json()
    listed = client.get(reverse("api-wishlist")).json()
    missing = client.post(reverse("api-wishlist"), {"product_id": 999999}, format="json")

    assert toggled == {"product_id": product.pk, "wishlisted": True}
    assert [item["name"] for item in listed["results"]] == ["찜할 세제"]
    assert missing.status_code == 404


def test_loyalty_api_requires_login():
    client = APIClient()
    for name in ("api-coupons", "api-points", "api-wishlist", "api-subscriptions"):
        assert client.get(reverse(name)).status_code in (401, 403)
