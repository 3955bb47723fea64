"""The demo catalog: enough to look real, safe to run twice."""

import random

import pytest

from crm.models import TeamMember
from shop.demo.catalog import seed
from shop.models import Category, Product, ProductImage, Store

pytestmark = pytest.mark.django_db


def test_demo_catalog_seeds_a_realistic_mall_and_is_idempotent():
    logins = seed(rng=random.Random(1), scale=1, log=lambda message: None)
    counts = (Category.objects.count(), Store.objects.count(), Product.objects.count(), ProductImage.objects.count())
    assert Category.objects.filter(parent__isnull=False).count() >= 12
    assert Category.objects.filter(kind="essential", replenishment_days__isnull=False).count() >= 8
    assert Category.objects.filter(kind="preference", parent__isnull=False).count() >= 6
    assert counts[1] >= 3
    assert counts[2] >= 200
    assert counts[3] == 0  # no stock photos: cards show their category's drawing
    assert not Product.objects.exclude(price__endswith="900").exists()
    for store in Store.objects.select_related("team"):
        roles = set(TeamMember.objects.filter(team=store.team).values_list("role", flat=True))
        assert roles == set(TeamMember.Role.values)
    assert len(logins) == 5 * counts[1]
    for label in ("MD 리더", "CS 상담", "마케터", "데이터 분석가", "상품 기획"):
        assert any(role.endswith(label) for role, _, _ in logins)

    again = seed(rng=random.Random(1), scale=1, log=lambda message: None)
    assert again == logins
    assert (
        Category.objects.count(),
        Store.objects.count(),
        Product.objects.count(),
        ProductImage.objects.count(),
    ) == counts
