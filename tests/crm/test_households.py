"""Household essentials: rhythm, due dates, share of wallet, the 360 section and the feed reminder."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from crm.models import CustomerProfile, HouseholdEssential, Lifecycle, SegmentationRun
from crm.selectors.households import household_essentials_view
from crm.services.households import household_essentials_compute
from crm.services.reminders import essentials_remind_due
from crm.tasks_households import essentials_remind_task
from feed.models import FeedItem
from shop.models import Order
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
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL)
Status = HouseholdEssential.Status


def _run(*, kind=SegmentationRun.Kind.FULL) -> SegmentationRun:
    """A finished run row, as the segmentation engine leaves it (status succeeded, lock released)."""
    return SegmentationRun.objects.create(
        kind=kind, status=SegmentationRun.Status.SUCCEEDED, lock=None, finished_at=timezone.now()
    )


def _profiles(run, *users):
    for user in users:
        CustomerProfile.objects.create(
            run=run,
            user=user,
            household_id=user.household_id,
            joined_at=user.date_joined,
            lifecycle=Lifecycle.REGULAR,
        )


def _bought(user, product, *, days_ago, quantity=1, status=Order.Status.DELIVERED, hour=12):
    """An order placed `days_ago` Seoul days before TODAY (noon by default)."""
    placed = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=SEOUL).replace(hour=hour)
    order = PlacedOrderFactory(user=user, status=status, placed_at=placed)
    return PlacedOrderLineFactory(order=order, product=product, quantity=quantity)


def _compute(run, **kwargs):
    with time_machine.travel(NOW, tick=False):
        return household_essentials_compute(run=run, today=TODAY, **kwargs)


def _row(run, category, **owner):
    return HouseholdEssential.objects.get(run=run, category=category, **owner)


@pytest.fixture
def detergent():
    return CategoryFactory(name="세탁세제", replenishment_days=30, sort_order=1)


# --- rhythm and due dates ---


def test_household_buying_detergent_every_30_days_last_40_days_ago_is_overdue(detergent):
    household = HouseholdFactory()
    mom, dad = UserFactory(household=household), UserFactory(household=household)
    product = ProductFactory(category=detergent)
    _bought(mom, product, days_ago=100)
    _bought(dad, product, days_ago=70)
    _bought(mom, product, days_ago=40)
    run = _run()
    _profiles(run, mom, dad)

    written = _compute(run)

    row = _row(run, detergent, household_id=household.pk)
    assert written == 1
    assert row.user_id is None
    assert row.purchase_days == 3
    assert row.median_interval_days == 30
    assert row.cycle_days == 30
    assert row.is_regular is True
    assert row.first_bought_on == date(2026, 8, 15)
    assert row.last_bought_on == date(2026, 10, 14)
    assert row.due_on == date(2026, 11, 13)
    assert row.status == Status.OVERDUE
    assert CustomerProfile.objects.get(run=run, user=mom).essentials_overdue == 1


def test_household_bought_once_uses_the_category_cycle(detergent):
    user = UserFactory(household=HouseholdFactory())
    _bought(user, ProductFactory(category=detergent), days_ago=20)
    run = _run()

    _compute(run)

    row = _row(run, detergent, household_id=user.household_id)
    assert row.median_interval_days is None
    assert row.cycle_days == 30
    assert row.is_regular is False
    assert row.due_on == TODAY + timedelta(days=10)
    assert row.status == Status.OK


def test_essential_due_within_five_days_is_due_and_today_is_still_due(detergent):
    tissue = CategoryFactory(name="휴지", replenishment_days=25)
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent), days_ago=25)  # due in 5 days
    _bought(user, ProductFactory(category=tissue), days_ago=25)  # due today
    run = _run()

    _compute(run)

    assert _row(run, detergent, user_id=user.pk).status == Status.DUE
    assert _row(run, tissue, user_id=user.pk).status == Status.DUE
    assert _row(run, tissue, user_id=user.pk).due_on == TODAY


def test_median_interval_of_an_even_count_is_the_mean_of_the_middle_two(detergent):
    user = UserFactory()
    product = ProductFactory(category=detergent)
    for days_ago in (120, 110, 90, 50, 0):  # gaps 10, 20, 40, 50 -> median 30
        _bought(user, product, days_ago=days_ago)
    run = _run()

    _compute(run)

    row = _row(run, detergent, user_id=user.pk)
    assert row.median_interval_days == 30
    assert row.cycle_days == 30
    assert row.is_regular is False  # only 20 and 40 of the four gaps lie within 15..45


def test_median_of_an_odd_count_is_the_middle_gap_and_one_odd_gap_in_three_stays_regular(detergent):
    household = HouseholdFactory()
    mom, dad = UserFactory(household=household), UserFactory(household=household)
    product = ProductFactory(category=detergent)
    _bought(mom, product, days_ago=200)
    _bought(mom, product, days_ago=172)
    _bought(dad, product, days_ago=172)  # the same day by another member: still one purchase day
    _bought(dad, product, days_ago=82)
    _bought(mom, product, days_ago=51)  # gaps in time order 28, 90, 31 -> sorted 28, 31, 90
    run = _run()

    _compute(run)

    row = _row(run, detergent, household_id=household.pk)
    assert row.purchase_days == 4
    assert row.median_interval_days == 31
    assert row.cycle_days == 31
    assert row.is_regular is True  # 28 and 31 lie within 15.5..46.5: two of the three gaps
    assert row.due_on == TODAY - timedelta(days=20)
    assert row.status == Status.OVERDUE


def test_irregular_gaps_are_not_regular_but_still_give_a_median(detergent):
    user = UserFactory()
    product = ProductFactory(category=detergent)
    for days_ago in (65, 60, 0):  # gaps 5 and 60
        _bought(user, product, days_ago=days_ago)
    run = _run()

    _compute(run)

    row = _row(run, detergent, user_id=user.pk)
    assert row.median_interval_days == 32.5
    assert row.cycle_days == 33  # rounded half away from zero on both databases
    assert row.is_regular is False


def test_same_seoul_day_counts_once_and_late_evening_utc_is_the_next_seoul_day(detergent):
    user = UserFactory()
    product = ProductFactory(category=detergent)
    _bought(user, product, days_ago=31, hour=1)  # 01:00 Seoul is the previous day in UTC
    _bought(user, product, days_ago=31, hour=23)
    _bought(user, product, days_ago=1, hour=1)
    run = _run()

    _compute(run)

    row = _row(run, detergent, user_id=user.pk)
    assert row.purchase_days == 2
    assert row.median_interval_days == 30


def test_cancelled_orders_and_preference_goods_make_no_rows(detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent), days_ago=3, status=Order.Status.CANCELLED)
    _bought(user, ProductFactory(category=PreferenceCategoryFactory()), days_ago=3)
    run = _run()

    assert _compute(run) == 0
    assert not HouseholdEssential.objects.filter(run=run).exists()


def test_solo_customer_is_a_household_of_one(detergent):
    solo = UserFactory()
    _bought(solo, ProductFactory(category=detergent), days_ago=31)
    run = _run()
    _profiles(run, solo)

    _compute(run)

    row = HouseholdEssential.objects.get(run=run)
    assert (row.household_id, row.user_id) == (None, solo.pk)
    assert row.status == Status.OVERDUE
    profile = CustomerProfile.objects.get(run=run, user=solo)
    assert (profile.essentials_bought, profile.essentials_due, profile.essentials_overdue) == (1, 0, 1)
    # the only essential with a cycle: window 32 days (first order 31 days ago), expected 32/30, bought once
    assert profile.essentials_share == pytest.approx(30 / 32)


def test_members_of_one_household_get_the_same_essentials(detergent):
    tissue = CategoryFactory(name="휴지", replenishment_days=20)
    household = HouseholdFactory()
    mom, dad, kid = (UserFactory(household=household) for _index in range(3))
    _bought(mom, ProductFactory(category=detergent), days_ago=40)
    _bought(dad, ProductFactory(category=tissue), days_ago=18)
    run = _run()
    _profiles(run, mom, dad, kid)

    _compute(run)

    figures = {
        user: CustomerProfile.objects.filter(run=run, user=user)
        .values_list("essentials_bought", "essentials_due", "essentials_overdue", "essentials_share")
        .get()
        for user in (mom, dad, kid)
    }
    assert figures[mom] == figures[dad] == figures[kid]
    assert figures[mom][:3] == (2, 1, 1)
    views = [household_essentials_view(run_id=run.pk, customer=user, today=TODAY) for user in (mom, dad, kid)]
    assert [[item.category_name for item in view.bought] for view in views] == [["세탁세제", "휴지"]] * 3


def test_profiles_without_orders_get_no_share_and_zero_counts(detergent):
    browser = UserFactory()
    run = _run()
    _profiles(run, browser)

    _compute(run)

    profile = CustomerProfile.objects.get(run=run, user=browser)
    assert profile.essentials_share is None
    assert (profile.essentials_bought, profile.essentials_due, profile.essentials_overdue) == (0, 0, 0)


# --- share of wallet ---


def test_share_of_wallet_matches_a_hand_computation(detergent):
    """Three essential categories with a cycle count (세탁세제 30, 휴지 20, 생수 14); a parent without a cycle, an
    inactive essential and a preference good do not. Household A started 59 days ago (window 60 days):
      세탁세제 3 days / max(1, 60/30 = 2)   -> min(1, 1.5) = 1
      휴지     1 day  / max(1, 60/20 = 3)   -> 1/3
      생수     never                       -> 0           share A = (1 + 1/3 + 0) / 3 = 4/9
    Household B's first order is 300 days ago (window capped at 180): 휴지 on 3 of the last 180 days, once before:
      휴지 3 / (180/20 = 9) = 1/3, the rest 0         share B = (1/3) / 3 = 1/9
    """
    tissue = CategoryFactory(name="휴지", replenishment_days=20, sort_order=2)
    water = CategoryFactory(name="생수", replenishment_days=14, sort_order=3)
    CategoryFactory(name="세탁·청소", replenishment_days=None)
    CategoryFactory(name="단종된 필수품", replenishment_days=10, is_active=False)
    candle = PreferenceCategoryFactory(name="캔들")
    a_user, b_user = UserFactory(household=HouseholdFactory()), UserFactory(household=HouseholdFactory())
    soap = ProductFactory(category=detergent)
    for days_ago in (59, 30, 2):
        _bought(a_user, soap, days_ago=days_ago)
    _bought(a_user, ProductFactory(category=tissue), days_ago=10)
    _bought(a_user, ProductFactory(category=candle), days_ago=1)
    paper = ProductFactory(category=tissue)
    for days_ago in (300, 170, 100, 10):
        _bought(b_user, paper, days_ago=days_ago)
    run = _run()
    _profiles(run, a_user, b_user)

    _compute(run)

    assert CustomerProfile.objects.get(run=run, user=a_user).essentials_share == pytest.approx(4 / 9)
    assert CustomerProfile.objects.get(run=run, user=b_user).essentials_share == pytest.approx(1 / 9)
    a_rows = {
        row.category_id: row for row in HouseholdEssential.objects.filter(run=run, household_id=a_user.household_id)
    }
    assert a_rows[detergent.pk].coverage == pytest.approx(1.0)
    assert a_rows[tissue.pk].coverage == pytest.approx(1 / 3)
    assert water.pk not in a_rows
    b_row = HouseholdEssential.objects.get(run=run, household_id=b_user.household_id)
    assert (b_row.purchase_days, b_row.recent_purchase_days) == (4, 3)


# --- incremental recompute ---


def test_user_ids_recompute_replaces_only_those_households(detergent):
    first, second = UserFactory(household=HouseholdFactory()), UserFactory()
    product = ProductFactory(category=detergent)
    _bought(first, product, days_ago=40)
    _bought(second, product, days_ago=40)
    run = _run()
    _profiles(run, first, second)
    _compute(run)
    second_row = _row(run, detergent, user_id=second.pk)
    _bought(first, product, days_ago=1)
    _bought(second, product, days_ago=1)  # not recomputed: stays as the run saw it

    written = _compute(run, user_ids=[first.pk])

    assert written == 1
    first_row = _row(run, detergent, household_id=first.household_id)
    assert (first_row.purchase_days, first_row.status) == (2, Status.OK)
    assert CustomerProfile.objects.get(run=run, user=first).essentials_overdue == 0
    assert HouseholdEssential.objects.filter(run=run).count() == 2
    unchanged = _row(run, detergent, user_id=second.pk)
    assert (unchanged.pk, unchanged.purchase_days, unchanged.status) == (second_row.pk, 1, Status.OVERDUE)
    assert CustomerProfile.objects.get(run=run, user=second).essentials_overdue == 1


def test_user_ids_recompute_of_a_member_covers_the_whole_household(detergent):
    household = HouseholdFactory()
    mom, dad = UserFactory(household=household), UserFactory(household=household)
    _bought(mom, ProductFactory(category=detergent), days_ago=40)
    run = _run()
    _profiles(run, mom, dad)
    _compute(run)
    _bought(mom, ProductFactory(category=detergent), days_ago=0)

    _compute(run, user_ids=[mom.pk])

    assert CustomerProfile.objects.get(run=run, user=dad).essentials_overdue == 0
    assert _row(run, detergent, household_id=household.pk).purchase_days == 2


def test_user_ids_recompute_in_small_passes_gives_the_same_rows(detergent, monkeypatch):
    household = HouseholdFactory()
    mom, dad = UserFactory(household=household), UserFactory(household=household)
    solo = UserFactory()
    for user, days_ago in ((mom, 70), (dad, 40), (solo, 10)):
        _bought(user, ProductFactory(category=detergent), days_ago=days_ago)
    whole, passes = _run(), _run()
    _profiles(whole, mom, dad, solo)
    _profiles(passes, mom, dad, solo)
    _compute(whole)
    monkeypatch.setattr("crm.services.households.USER_IDS_BATCH", 1)

    _compute(passes, user_ids=[solo.pk, dad.pk, mom.pk])

    def snapshot(run):
        rows = HouseholdEssential.objects.filter(run=run).order_by("household_id", "user_id")
        profiles = CustomerProfile.objects.filter(run=run).order_by("user_id")
        return (
            list(rows.values_list("household_id", "user_id", "purchase_days", "due_on", "status", "coverage")),
            list(profiles.values_list("user_id", "essentials_bought", "essentials_overdue", "essentials_share")),
        )

    assert snapshot(passes) == snapshot(whole)


def test_recompute_of_the_whole_run_is_idempotent(detergent):
    user = UserFactory()
    _bought(user, ProductFactory(category=detergent), days_ago=40)
    run = _run()

    assert _compute(run) == _compute(run) == 1
    assert HouseholdEssential.objects.filter(run=run).count() == 1


def test_segmentation_run_end_to_end_fills_essentials_and_incremental_run_patches_them(
    detergent, django_capture_on_commit_callbacks
):
    """Through the engine (crm.services.runs.segmentation_run_start): a full run, then an incremental one."""
    from crm.selectors.runs import current_run
    from crm.services.runs import segmentation_run_start

    household = HouseholdFactory()
    mom, dad = UserFactory(household=household), UserFactory(household=household)
    product = ProductFactory(category=detergent)
    for user, days_ago in ((mom, 100), (dad, 70), (mom, 40)):
        _bought(user, product, days_ago=days_ago)

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        full = segmentation_run_start(kind=SegmentationRun.Kind.FULL)
    full.refresh_from_db()

    assert full.status == SegmentationRun.Status.SUCCEEDED, full.error
    assert current_run() == full
    assert _row(full, detergent, household_id=household.pk).status == Status.OVERDUE
    assert CustomerProfile.objects.get(run=full, user=dad).essentials_overdue == 1
    reminded = FeedItem.objects.filter(kind=FeedItem.Kind.MD_MESSAGE, title="세탁세제 떨어질 때 됐죠?")
    assert sorted(reminded.values_list("user_id", flat=True)) == sorted([mom.pk, dad.pk])  # sent by the run itself

    later = NOW + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        order = PlacedOrderFactory(user=dad, status=Order.Status.PAID, placed_at=later)
        PlacedOrderLineFactory(order=order, product=product)
    with (
        time_machine.travel(later + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        patch = segmentation_run_start(kind=SegmentationRun.Kind.INCREMENTAL)
    patch.refresh_from_db()

    assert patch.status == SegmentationRun.Status.SUCCEEDED, patch.error
    row = _row(full, detergent, household_id=household.pk)
    assert (row.purchase_days, row.last_bought_on, row.status) == (4, TODAY, Status.OK)
    assert CustomerProfile.objects.get(run=full, user=mom).essentials_overdue == 0


# --- the 360 section ---


def test_view_lists_bought_overdue_first_and_never_bought_essentials(detergent):
    tissue = CategoryFactory(name="휴지", replenishment_days=20, sort_order=2)
    CategoryFactory(name="생수", replenishment_days=14, sort_order=3)
    CategoryFactory(name="주방세제", replenishment_days=40, sort_order=4)
    CategoryFactory(name="세탁·청소", replenishment_days=None)
    PreferenceCategoryFactory(name="캔들")
    household = HouseholdFactory(name="하늘네 집", size=3, has_children=True)
    mom = UserFactory(household=household, nickname="민지")
    UserFactory(household=household, nickname="준호")
    _bought(mom, ProductFactory(category=tissue), days_ago=2)
    _bought(mom, ProductFactory(category=detergent), days_ago=40)
    run = _run()
    _profiles(run, mom)
    _compute(run)

    view = household_essentials_view(run_id=run.pk, customer=mom, today=TODAY)

    assert (view.household_name, view.household_size, view.has_children) == ("하늘네 집", 3, True)
    assert view.member_nicknames == ["민지", "준호"]
    assert [(item.category_name, item.status) for item in view.bought] == [
        ("세탁세제", Status.OVERDUE),
        ("휴지", Status.OK),
    ]
    assert view.bought[0].due_on == date(2026, 11, 13)
    assert view.bought[0].cycle_from_category is True
    assert [category.name for category in view.elsewhere] == ["생수", "주방세제"]
    assert view.overdue_count == 1
    # 세탁세제: window 41 days, expected 41/30 -> 1/1.37; 휴지: 1/2.05; 생수, 주방세제: 0
    assert view.share_percent == round((30 / 41 + 20 / 41) / 4 * 100)


def test_view_section_renders_chips_dates_and_the_share_formula(detergent):
    user = UserFactory(household=HouseholdFactory(name="하늘네 집"))
    soap = ProductFactory(category=detergent)
    for days_ago in (100, 70, 40):
        _bought(user, soap, days_ago=days_ago)
    CategoryFactory(name="생수", replenishment_days=14)
    run = _run()
    _profiles(run, user)
    _compute(run)

    html = render_to_string(
        "crm/partials/_household_essentials.html",
        {"essentials": household_essentials_view(run_id=run.pk, customer=user, today=TODAY)},
    )

    assert "하늘네 집" in html
    assert 'class="chip chip--danger">떨어졌을 때예요' in html
    assert "2026.11.13" in html
    assert "2026.10.14" in html
    assert "꾸준히 사요" in html
    assert "다른 곳에서 사는 것 같아요" in html
    assert "생수" in html
    assert "최근 180일" in html


def test_view_of_a_solo_customer_without_a_run_lists_every_essential(detergent):
    solo = UserFactory(nickname="하늘")

    view = household_essentials_view(run_id=None, customer=solo, today=TODAY)

    assert view.is_solo
    assert view.member_nicknames == ["하늘"]
    assert view.bought == []
    assert [c.name for c in view.elsewhere] == ["세탁세제"]
    assert view.share_percent is None
    html = render_to_string("crm/partials/_household_essentials.html", {"essentials": view})
    assert "1인 고객" in html
    assert "아직 계산한 적이 없어요." in html


def test_view_query_count_does_not_grow_with_categories(assert_constant_queries, detergent):
    """Guards the four reads of the section (members+household, rows+categories, categories, profile)."""
    household = HouseholdFactory()
    user = UserFactory(household=household)
    UserFactory(household=household)
    run = _run()
    _profiles(run, user)

    def grow_by(count):
        for index in range(count):
            category = CategoryFactory(replenishment_days=10 + index)
            _bought(user, ProductFactory(category=category), days_ago=index + 1)
            _bought(user, ProductFactory(category=category), days_ago=index + 20)
            CategoryFactory(replenishment_days=7)  # never bought
            UserFactory(household=household)
        _compute(run)

    grow_by(2)
    assert_constant_queries(
        lambda: render_to_string(
            "crm/partials/_household_essentials.html",
            {"essentials": household_essentials_view(run_id=run.pk, customer=user, today=TODAY)},
        ),
        lambda: grow_by(10),
    )


# --- feed reminders ---


def _overdue_household(detergent, *, members=2, days_ago=40):
    household = HouseholdFactory()
    users = [UserFactory(household=household) for _index in range(members)]
    _bought(users[0], ProductFactory(category=detergent), days_ago=days_ago)
    return household, users


def _remind(run):
    with time_machine.travel(NOW, tick=False):
        return essentials_remind_due(run=run, today=TODAY)


def test_reminder_goes_to_every_member_once_even_when_called_twice(detergent):
    household, members = _overdue_household(detergent)
    run = _run()
    _compute(run)

    first, second = _remind(run), _remind(run)

    assert (first, second) == (2, 0)
    items = FeedItem.objects.filter(kind=FeedItem.Kind.MD_MESSAGE).order_by("user_id")
    assert [item.user_id for item in items] == [member.pk for member in members]
    item = items[0]
    assert item.title == "세탁세제 떨어질 때 됐죠?"
    assert "2026.10.14" in item.body
    assert item.link == reverse("shop:category_reorder", kwargs={"category_id": detergent.pk})
    assert item.is_promotional is False
    assert _row(run, detergent, household_id=household.pk).reminded_on == TODAY


def test_reminder_made_while_korean_is_active_reads_in_english_for_an_english_member(detergent, client):
    _household, members = _overdue_household(detergent)
    run = _run()
    _compute(run)
    with translation.override("ko"):
        _remind(run)

    client.force_login(members[1])
    with time_machine.travel(NOW, tick=False):
        english = client.get(reverse("feed:feed"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        korean = client.get(reverse("feed:feed"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<p class="feed-item__title">Running low on 세탁세제?</p>' in english
    assert "You last bought it on 2026.10.14. If you&#x27;ve run out" in english
    assert '<p class="feed-item__title">세탁세제 떨어질 때 됐죠?</p>' in korean


def test_reminder_is_not_resent_after_an_incremental_recompute_or_a_new_run(detergent):
    _household, members = _overdue_household(detergent)
    run = _run()
    _compute(run)
    _remind(run)

    _compute(run, user_ids=[members[0].pk])
    again_same_run = _remind(run)
    new_run = _run()
    _compute(new_run)
    again_new_run = _remind(new_run)

    assert (again_same_run, again_new_run) == (0, 0)
    assert _row(new_run, detergent, household_id=members[0].household_id).reminded_on == TODAY
    assert FeedItem.objects.count() == 2


def test_reminder_is_not_resent_after_the_same_run_is_recomputed_in_full(detergent):
    household, _members = _overdue_household(detergent)
    run = _run()
    _compute(run)
    _remind(run)

    _compute(run)

    assert _row(run, detergent, household_id=household.pk).reminded_on == TODAY
    assert _remind(run) == 0


def test_reminder_comes_again_for_the_next_due_date(detergent):
    _household, members = _overdue_household(detergent, members=1, days_ago=35)
    run = _run()
    _compute(run)
    _remind(run)
    _bought(members[0], ProductFactory(category=detergent), days_ago=2)  # gap 33: next due on TODAY + 31
    later = TODAY + timedelta(days=32)

    with time_machine.travel(NOW + timedelta(days=32), tick=False):
        new_run = _run()
        household_essentials_compute(run=new_run, today=later)
        sent = essentials_remind_due(run=new_run, today=later)

    assert sent == 1
    assert FeedItem.objects.count() == 2
    assert _row(new_run, detergent, household_id=members[0].household_id).due_on == TODAY + timedelta(days=31)


def test_reminders_in_small_batches_reach_every_household_once(detergent, monkeypatch):
    for _index in range(3):
        _overdue_household(detergent, members=1)
    run = _run()
    _compute(run)
    monkeypatch.setattr("crm.services.reminders.REMIND_BATCH", 2)

    assert (_remind(run), _remind(run)) == (3, 0)
    assert FeedItem.objects.values("user_id").distinct().count() == 3


def test_reminder_skips_essentials_overdue_for_weeks_and_ones_not_due(detergent):
    _overdue_household(detergent, days_ago=60)  # 30 days overdue: bought elsewhere by now
    solo = UserFactory()
    _bought(solo, ProductFactory(category=detergent), days_ago=10)  # due in 20 days
    run = _run()
    _compute(run)

    assert _remind(run) == 0


def test_reminder_task_sends_in_the_morning_and_not_at_night(detergent):
    _overdue_household(detergent, members=1)
    run = _run()
    _compute(run)

    with time_machine.travel(datetime(2026, 11, 23, 23, 30, tzinfo=SEOUL), tick=False):
        at_night = essentials_remind_task.delay().get()
    with time_machine.travel(NOW, tick=False):
        in_the_morning = essentials_remind_task.delay().get()

    assert (at_night, in_the_morning) == (0, 1)
