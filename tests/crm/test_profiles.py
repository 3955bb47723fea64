"""Customer profiles: RFM values, scores, names and lifecycle stages on hand-made data, computed by hand."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.models import CustomerProfile, Lifecycle, LifecycleThresholds, RfmSegment
from crm.services.scoring import rfm_segment_for
from shop.models import Order
from tests.accounts.factories import HouseholdFactory, StaffUserFactory, UserFactory
from tests.crm.factories import bought_orders, segmentation_run_now
from tests.shop.factories import CategoryFactory, PlacedOrderLineFactory, PreferenceCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=SEOUL)

# customer: (recency days, orders, total spend); every order is 10 days before the next one, the last `recency`
# days ago. Ten buyers -> two per quintile. By hand (values sorted, two per tile):
#   R: 2,5 -> 5 | 9,14 -> 4 | 20,35 -> 3 | 70,100 -> 2 | 200,400 -> 1
#   F: 1,2 -> 1 | 3,4 -> 2 | 5,6 -> 3 | 7,8 -> 4 | 9,12 -> 5
#   M: 20k,30k -> 1 | 40k,90k -> 2 | 120k,150k -> 3 | 200k,350k -> 4 | 450k,600k -> 5
HAND_MADE = {
    "c0": (2, 12, 600_000),
    "c1": (5, 1, 20_000),
    "c2": (9, 3, 90_000),
    "c3": (14, 7, 350_000),
    "c4": (20, 2, 40_000),
    "c5": (35, 5, 150_000),
    "c6": (70, 9, 450_000),
    "c7": (100, 4, 120_000),
    "c8": (200, 8, 200_000),
    "c9": (400, 6, 30_000),
}
EXPECTED_SCORES = {  # (R, F, M, name)
    "c0": (5, 5, 5, RfmSegment.CHAMPIONS),
    "c1": (5, 1, 1, RfmSegment.NEW),
    "c2": (4, 2, 2, RfmSegment.POTENTIAL_LOYALIST),
    "c3": (4, 4, 4, RfmSegment.LOYAL),
    "c4": (3, 1, 2, RfmSegment.ABOUT_TO_SLEEP),
    "c5": (3, 3, 3, RfmSegment.NEED_ATTENTION),
    "c6": (2, 5, 5, RfmSegment.CANT_LOSE),
    "c7": (2, 2, 3, RfmSegment.HIBERNATING),
    "c8": (1, 4, 4, RfmSegment.AT_RISK),
    "c9": (1, 3, 1, RfmSegment.AT_RISK),
}
# Default thresholds: new 30 days, VIP 6 orders or 500,000 won, at risk after 60 days, dormant after 180.
EXPECTED_STAGES = {
    "c0": Lifecycle.VIP,  # 12 orders
    "c1": Lifecycle.NEW,  # first order 5 days ago
    "c2": Lifecycle.NEW,  # first order 29 days ago
    "c3": Lifecycle.VIP,  # 7 orders
    "c4": Lifecycle.NEW,  # first order exactly 30 days ago: still new
    "c5": Lifecycle.REGULAR,  # 5 orders, 150,000 won, last 35 days ago
    "c6": Lifecycle.AT_RISK,  # 9 orders but the last 70 days ago
    "c7": Lifecycle.AT_RISK,
    "c8": Lifecycle.DORMANT,  # 200 days
    "c9": Lifecycle.DORMANT,
}


def _customers_with_history() -> dict:
    customers = {}
    for name, (recency, orders, spend) in HAND_MADE.items():
        user = UserFactory(username=name)
        bought_orders(user=user, days_ago=[recency + 10 * k for k in range(orders)], total=spend // orders, now=NOW)
        customers[name] = user
    return customers


def _profiles(run) -> dict[str, CustomerProfile]:
    return {p.user.username: p for p in CustomerProfile.objects.filter(run=run).select_related("user")}


def test_full_run_scores_hand_made_customers_by_quintile(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        _customers_with_history()
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    profiles = _profiles(run)
    assert run.status == run.Status.SUCCEEDED
    for name, (r, f, m, segment) in EXPECTED_SCORES.items():
        profile = profiles[name]
        assert (profile.r_score, profile.f_score, profile.m_score, profile.rfm_segment) == (r, f, m, segment), name
    assert run.rfm_breakpoints["r"] == [200, 70, 20, 9]
    assert run.rfm_breakpoints["f"] == [2, 4, 6, 8]
    assert run.rfm_breakpoints["m"] == [30_000, 90_000, 150_000, 350_000]


def test_full_run_records_recency_frequency_and_spend(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        _customers_with_history()
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    c3 = _profiles(run)["c3"]
    assert (c3.frequency, c3.monetary, c3.recency_days) == (7, 350_000, 14)
    assert c3.last_order_at == datetime(2026, 10, 18, 12, 0, tzinfo=SEOUL)
    assert c3.first_order_at == datetime(2026, 8, 19, 12, 0, tzinfo=SEOUL)


def test_lifecycle_stages_follow_the_default_thresholds(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        _customers_with_history()
        prospect = UserFactory(username="prospect")
        one_time = UserFactory(username="one_time")
        bought_orders(user=one_time, days_ago=[45], total=30_000, now=NOW)
        big_spender = UserFactory(username="big_spender")
        bought_orders(user=big_spender, days_ago=[40, 50], total=260_000, now=NOW)
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    profiles = _profiles(run)
    assert {name: profiles[name].lifecycle for name in EXPECTED_STAGES} == EXPECTED_STAGES
    assert profiles[prospect.username].lifecycle == Lifecycle.PROSPECT
    assert profiles[one_time.username].lifecycle == Lifecycle.ONE_TIME
    assert profiles[big_spender.username].lifecycle == Lifecycle.VIP  # 520,000 won in two orders


def test_lifecycle_thresholds_edited_by_an_admin_apply_to_the_next_run(django_capture_on_commit_callbacks):
    LifecycleThresholds.objects.create(pk=1, new_days=3, vip_min_orders=13, at_risk_days=30, dormant_days=90)
    with time_machine.travel(NOW, tick=False):
        _customers_with_history()
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    stages = {name: profile.lifecycle for name, profile in _profiles(run).items()}
    assert stages["c0"] == Lifecycle.VIP  # 600,000 won is still over the spend threshold
    assert stages["c1"] == Lifecycle.ONE_TIME  # 5 days is no longer new
    assert stages["c3"] == Lifecycle.REGULAR  # 7 orders < 13
    assert stages["c5"] == Lifecycle.AT_RISK  # 35 days > 30
    assert stages["c7"] == Lifecycle.DORMANT  # 100 days > 90


def test_customers_without_bought_orders_are_prospects_without_scores(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        cancelled = UserFactory()
        bought_orders(user=cancelled, days_ago=[3], total=50_000, now=NOW, status=Order.Status.CANCELLED)
        pending = UserFactory()
        bought_orders(user=pending, days_ago=[1], total=50_000, now=NOW, status=Order.Status.PENDING_PAYMENT)
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    for user in (cancelled, pending):
        profile = CustomerProfile.objects.get(run=run, user=user)
        assert (profile.frequency, profile.monetary, profile.recency_days) == (0, 0, None)
        assert (profile.r_score, profile.rfm_segment, profile.lifecycle) == (None, "", Lifecycle.PROSPECT)


def test_staff_and_inactive_users_get_no_profile(django_capture_on_commit_callbacks):
    staff = StaffUserFactory()
    inactive = UserFactory(is_active=False)
    shopper = UserFactory()
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    profiled = set(CustomerProfile.objects.filter(run=run).values_list("user_id", flat=True))
    assert shopper.pk in profiled
    assert staff.pk not in profiled
    assert inactive.pk not in profiled
    assert run.customers_total == run.customers_processed == len(profiled)


def test_equal_values_get_equal_scores(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        twins = [UserFactory() for _ in range(6)]
        for user in twins:
            bought_orders(user=user, days_ago=[10], total=10_000, now=NOW)
        loyal = UserFactory()
        bought_orders(user=loyal, days_ago=[1, 11, 21], total=50_000, now=NOW)
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    scores = {(p.r_score, p.f_score, p.m_score) for p in CustomerProfile.objects.filter(run=run, user__in=twins)}
    assert scores == {(1, 1, 1)}  # six identical customers land in one score, whatever their tiles were
    # Seven buyers: tiles of 2, 2, 1, 1, 1; the first four hold only the twins' values, so every breakpoint is the
    # twins' value and the one customer who beats it beats all four.
    loyal_profile = CustomerProfile.objects.get(run=run, user=loyal)
    assert (loyal_profile.r_score, loyal_profile.f_score, loyal_profile.m_score) == (5, 5, 5)


def test_profile_copies_household_demographics_and_consents(django_capture_on_commit_callbacks):
    household = HouseholdFactory(size=4, has_children=True)
    with time_machine.travel(NOW, tick=False):
        user = UserFactory(
            household=household,
            birth_date=date(1990, 11, 2),  # turns 36 tomorrow: still 35 -> 30대
            gender="F",
            marketing_consented_at=NOW,
        )
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    profile = CustomerProfile.objects.get(run=run, user=user)
    assert (profile.household_id, profile.household_size, profile.has_children) == (household.pk, 4, True)
    assert (profile.age_band, profile.gender) == (30, "F")
    assert (profile.marketing_consent, profile.night_marketing_consent) == (True, False)


def test_top_categories_are_the_three_with_the_most_spend(django_capture_on_commit_callbacks):
    user = UserFactory()
    categories = [PreferenceCategoryFactory(), CategoryFactory(), CategoryFactory(), PreferenceCategoryFactory()]
    with time_machine.travel(NOW, tick=False):
        order = bought_orders(user=user, days_ago=[5], total=100_000, now=NOW)[0]
        for category, quantity in zip(categories, (1, 4, 2, 3), strict=True):
            PlacedOrderLineFactory(
                order=order, product=ProductFactory(category=category, price=1000), quantity=quantity
            )
        run = segmentation_run_now(django_capture_on_commit_callbacks)

    profile = CustomerProfile.objects.get(run=run, user=user)
    assert profile.top_category_ids == [categories[1].pk, categories[3].pk, categories[2].pk]


def test_last_seen_comes_from_the_latest_visit(django_capture_on_commit_callbacks):
    from feed.models import Visitor

    user = UserFactory()
    Visitor.objects.create(user=user, last_seen=datetime(2026, 10, 1, 9, 0, tzinfo=SEOUL))
    Visitor.objects.create(user=user, last_seen=datetime(2026, 10, 30, 21, 0, tzinfo=SEOUL))
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert CustomerProfile.objects.get(run=run, user=user).last_seen_at == datetime(2026, 10, 30, 21, 0, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("r", "f", "name"),
    [
        (5, 5, RfmSegment.CHAMPIONS),
        (5, 1, RfmSegment.NEW),
        (4, 1, RfmSegment.PROMISING),
        (4, 3, RfmSegment.POTENTIAL_LOYALIST),
        (3, 4, RfmSegment.LOYAL),
        (3, 3, RfmSegment.NEED_ATTENTION),
        (3, 2, RfmSegment.ABOUT_TO_SLEEP),
        (2, 4, RfmSegment.AT_RISK),
        (1, 5, RfmSegment.CANT_LOSE),
        (2, 2, RfmSegment.HIBERNATING),
        (1, 1, RfmSegment.LOST),
    ],
)
def test_rfm_grid_names_every_cell(r, f, name):
    assert rfm_segment_for(r, f) == name


def test_sql_segment_names_match_the_python_grid():
    """Every (R, F) cell of the SQL CASE agrees with rfm_segment_for."""
    from crm.selectors.profiles import lifecycle_thresholds
    from crm.services.profiles import profiles_insert
    from tests.crm.factories import SegmentationRunFactory

    with time_machine.travel(NOW, tick=False):
        users = [UserFactory() for _ in range(25)]
        for i, user in enumerate(users):
            bought_orders(user=user, days_ago=[i // 5 * 50 + 1] * (i % 5 + 1), total=1000, now=NOW)
        run = SegmentationRunFactory()
        # Breakpoints that turn recency 1/51/101/151/201 and 1..5 orders into R 5..1 and F 1..5 exactly.
        profiles_insert(
            run_id=run.pk,
            today=NOW.date(),
            now=NOW,
            thresholds=lifecycle_thresholds(),
            breakpoints={"r": [201, 151, 101, 51], "f": [1, 2, 3, 4], "m": []},
        )

    cells = {(p.r_score, p.f_score): p.rfm_segment for p in CustomerProfile.objects.filter(run=run)}
    assert len(cells) == 25
    assert all(rfm_segment_for(r, f) == name for (r, f), name in cells.items())
