"""Household purchase facts (for CRM and 자주 사는 상품): set-based, constant queries, real intervals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shop.models import Order
from shop.selectors.household import (
    household_category_purchase_facts,
    household_essentials_facts,
    household_essentials_share,
    household_frequent_products,
    household_preference_facts,
)
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.shop.factories import (
    CategoryFactory,
    PlacedOrderFactory,
    PlacedOrderLineFactory,
    PreferenceCategoryFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def _bought(user, product, *, days_ago, quantity=1, status=Order.Status.DELIVERED):
    placed = datetime(2026, 11, 1, 12, 0, tzinfo=SEOUL) - timedelta(days=days_ago)
    order = PlacedOrderFactory(user=user, status=status, placed_at=placed)
    return PlacedOrderLineFactory(order=order, product=product, quantity=quantity)


def test_essentials_facts_give_purchase_dates_and_intervals_per_category():
    household = HouseholdFactory()
    mom, dad = UserFactory(household=household), UserFactory(household=household)
    detergent = CategoryFactory(name="세제", replenishment_days=30)
    product = ProductFactory(category=detergent)
    _bought(mom, product, days_ago=60)
    _bought(dad, product, days_ago=32)
    _bought(mom, product, days_ago=0)
    _bought(mom, ProductFactory(category=detergent), days_ago=0)  # same day: one purchase day

    facts = household_essentials_facts(household_ids=[household.pk])[household.pk]

    assert len(facts) == 1
    item = facts[0]
    assert item.category_name == "세제"
    assert item.intervals_days == [28, 32]
    assert item.average_interval_days == 30.0
    assert item.next_due_on == item.last_bought_on + timedelta(days=30)


def test_cancelled_orders_and_other_households_are_left_out():
    household, other = HouseholdFactory(), HouseholdFactory()
    user = UserFactory(household=household)
    product = ProductFactory()
    _bought(user, product, days_ago=10, status=Order.Status.CANCELLED)
    _bought(UserFactory(household=other), product, days_ago=3)

    facts = household_category_purchase_facts(household_ids=[household.pk])

    assert facts == {household.pk: []}


def test_preference_facts_only_cover_preference_categories():
    household = HouseholdFactory()
    user = UserFactory(household=household)
    _bought(user, ProductFactory(category=PreferenceCategoryFactory(name="캔들")), days_ago=5)
    _bought(user, ProductFactory(category=CategoryFactory(name="휴지")), days_ago=5)

    facts = household_preference_facts(household_ids=[household.pk])[household.pk]

    assert [item.category_name for item in facts] == ["캔들"]
    assert facts[0].intervals_days == []
    assert facts[0].average_interval_days is None


def test_essentials_share_is_the_essential_part_of_spending():
    household = HouseholdFactory()
    user = UserFactory(household=household)
    _bought(user, ProductFactory(price=30000, list_price=None), days_ago=1)
    _bought(user, ProductFactory(price=10000, list_price=None, category=PreferenceCategoryFactory()), days_ago=1)

    assert household_essentials_share(household_ids=[household.pk]) == {household.pk: 0.75}


def test_household_facts_query_count_does_not_grow_with_households(count_queries):
    """Guards the one-window-query design: CRM reads many households at once."""

    def build(count):
        ids = []
        for _index in range(count):
            household = HouseholdFactory()
            user = UserFactory(household=household)
            product = ProductFactory()
            for days in (40, 20, 0):
                _bought(user, product, days_ago=days)
            ids.append(household.pk)
        return ids

    few, many = build(2), build(12)

    assert count_queries(lambda: household_essentials_facts(household_ids=few)) == count_queries(
        lambda: household_essentials_facts(household_ids=many)
    )


def test_frequent_products_rank_by_household_orders():
    household = HouseholdFactory()
    me, partner = UserFactory(household=household), UserFactory(household=household)
    water, tissue, once = ProductFactory(name="생수"), ProductFactory(name="휴지"), ProductFactory(name="한번")
    for days in (30, 15, 1):
        _bought(me if days != 15 else partner, water, days_ago=days)
    _bought(partner, tissue, days_ago=2)
    _bought(me, tissue, days_ago=40)
    _bought(me, once, days_ago=3)
    _bought(UserFactory(), once, days_ago=1)  # another household does not count

    frequent = household_frequent_products(user=me)

    assert [(item.product.name, item.times) for item in frequent] == [("생수", 3), ("휴지", 2), ("한번", 1)]
