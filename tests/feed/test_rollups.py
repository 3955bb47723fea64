"""Per-customer daily rollups (DailyActivity) and the selectors crm reads behaviour through."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model

from feed import selectors
from feed.models import DailyActivity, TrackedEvent, Visitor
from feed.services import visitor_merge
from feed.services.rollups import activity_rollup
from feed.tasks import activity_rollup_previous_task, activity_rollup_today_task
from tests.accounts.factories import UserFactory
from tests.feed.event_factories import TrackedEventFactory, seoul
from tests.shop.factories import PreferenceCategoryFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2031, 3, 10)
T = TrackedEvent.Type


def ev(user, kind=T.PAGE_VIEW, *, at=None, category=None, dwell=0, **extra):
    return TrackedEventFactory(
        user=user,
        type=kind,
        occurred_at=at or seoul(2031, 3, 10, 12),
        category_id=category,
        dwell_seconds=dwell,
        **extra,
    )


def row(user, category=0, day=DAY) -> DailyActivity:
    return DailyActivity.objects.get(user=user, day=day, category_id=category)


@pytest.fixture
def day_of_shopping():
    """Two customers, one anonymous browser and some events just outside the day, made by hand."""
    ann, bo = UserFactory(nickname="안나"), UserFactory(nickname="보라")
    bags, towels = 11, 22
    ev(ann, T.PAGE_VIEW, at=seoul(2031, 3, 10, 0, 0, 0))  # first second of the day counts
    ev(ann, T.CATEGORY_VIEW, category=bags)
    ev(ann, T.CATEGORY_VIEW, category=bags)
    ev(ann, T.PRODUCT_VIEW, category=bags, product_id=5)
    ev(ann, T.DWELL, category=bags, dwell=30)
    ev(ann, T.DWELL, dwell=15)  # on a page without a category
    ev(ann, T.SEARCH, query="수건")
    ev(ann, T.CART_ADD, product_id=5, at=seoul(2031, 3, 10, 23, 59, 59))
    ev(ann, T.CATEGORY_VIEW, category=towels, at=seoul(2031, 3, 10, 18))
    ev(bo, T.PRODUCT_VIEW, category=towels, product_id=7)
    ev(None, T.CATEGORY_VIEW, category=bags)  # anonymous: not counted
    ev(ann, T.CATEGORY_VIEW, category=bags, at=seoul(2031, 3, 11, 0, 0, 0))  # the next day
    ev(ann, T.CATEGORY_VIEW, category=bags, at=seoul(2031, 3, 9, 23, 59, 59))  # the day before
    return SimpleNamespace(ann=ann, bo=bo, bags=bags, towels=towels)


def test_rollup_of_hand_made_events_counts_each_customer_per_category_and_in_total(day_of_shopping):
    s = day_of_shopping

    written = activity_rollup(day=DAY, now=seoul(2031, 3, 11, 0, 40))

    assert written == 5  # s.ann: total, s.bags, s.towels; s.bo: total, s.towels
    total = row(s.ann)
    assert (total.page_views, total.category_views, total.product_views) == (1, 3, 1)
    assert (total.searches, total.cart_adds, total.dwell_seconds) == (1, 1, 45)
    assert total.last_seen_at == seoul(2031, 3, 10, 23, 59, 59)
    in_bags = row(s.ann, s.bags)
    assert (in_bags.page_views, in_bags.category_views, in_bags.product_views, in_bags.dwell_seconds) == (0, 2, 1, 30)
    assert (in_bags.searches, in_bags.cart_adds) == (0, 0)
    assert row(s.ann, s.towels).category_views == 1
    assert row(s.ann, s.towels).last_seen_at == seoul(2031, 3, 10, 18)
    assert (row(s.bo).product_views, row(s.bo, s.towels).product_views) == (1, 1)
    assert DailyActivity.objects.filter(day=DAY).count() == 5
    assert not DailyActivity.objects.exclude(day=DAY).exists()


@pytest.mark.usefixtures("day_of_shopping")
def test_rollup_run_again_changes_nothing_and_keeps_updated_at():
    activity_rollup(day=DAY, now=seoul(2031, 3, 10, 23, 0))
    before = list(DailyActivity.objects.order_by("pk").values())

    assert activity_rollup(day=DAY, now=seoul(2031, 3, 10, 23, 15)) == 0

    assert list(DailyActivity.objects.order_by("pk").values()) == before


def test_rollup_after_new_events_updates_only_the_rows_that_changed(day_of_shopping):
    s = day_of_shopping
    activity_rollup(day=DAY, now=seoul(2031, 3, 10, 23, 0))
    ev(s.bo, T.CATEGORY_VIEW, category=s.bags, at=seoul(2031, 3, 10, 23, 5))

    written = activity_rollup(day=DAY, now=seoul(2031, 3, 10, 23, 15))

    assert written == 2  # s.bo's total and s.bo's new s.bags row
    assert row(s.bo).category_views == 1
    assert row(s.bo, s.bags).category_views == 1
    assert row(s.bo).updated_at == seoul(2031, 3, 10, 23, 15)
    assert row(s.ann).updated_at == seoul(2031, 3, 10, 23, 0)


def test_rollup_counts_anonymous_events_once_the_visitor_logs_in(day_of_shopping):
    s = day_of_shopping
    visitor = uuid.uuid4()
    newcomer = UserFactory()
    ev(None, T.CATEGORY_VIEW, category=s.bags, visitor_id=visitor)
    activity_rollup(day=DAY)
    assert not DailyActivity.objects.filter(user=newcomer).exists()

    visitor_merge(visitor_id=visitor, user=newcomer)
    activity_rollup(day=DAY)

    assert row(newcomer, s.bags).category_views == 1


def test_log_in_rolls_up_again_the_earlier_days_whose_anonymous_events_it_merged(
    day_of_shopping, django_capture_on_commit_callbacks
):
    s = day_of_shopping
    visitor = uuid.uuid4()
    newcomer = UserFactory()
    ev(None, T.CATEGORY_VIEW, category=s.bags, visitor_id=visitor)
    activity_rollup(day=DAY)  # the nightly rollup of that day has already run

    with time_machine.travel(seoul(2031, 3, 14, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        visitor_merge(visitor_id=visitor, user=newcomer)

    assert row(newcomer, s.bags).category_views == 1


def test_rollup_skips_events_of_a_user_that_no_longer_exists():
    gone = UserFactory()
    gone_id = gone.pk
    ev(gone, T.PAGE_VIEW)
    get_user_model().objects.filter(pk=gone_id)._raw_delete(using="default")  # as a raw SQL delete would

    assert activity_rollup(day=DAY) == 0


def test_rollups_are_deleted_with_the_customer(day_of_shopping):
    s = day_of_shopping
    activity_rollup(day=DAY)

    s.ann.delete()

    assert not DailyActivity.objects.filter(user_id=s.ann.pk).exists()


def test_rollup_tasks_roll_up_today_every_15_minutes_and_the_previous_two_days_after_midnight(day_of_shopping):
    s = day_of_shopping
    with time_machine.travel(seoul(2031, 3, 10, 15, 15), tick=False):
        activity_rollup_today_task()
    assert row(s.ann).category_views == 3
    assert not DailyActivity.objects.filter(day=dt.date(2031, 3, 9)).exists()

    with time_machine.travel(seoul(2031, 3, 11, 0, 40), tick=False):
        activity_rollup_previous_task()

    assert row(s.ann, day=dt.date(2031, 3, 9)).category_views == 1


# --- selectors for crm -------------------------------------------------------------------------------------------


def test_activity_by_user_sums_the_days_since_a_date_for_the_given_categories(day_of_shopping):
    s = day_of_shopping
    for day in (dt.date(2031, 3, 9), DAY, dt.date(2031, 3, 11)):
        activity_rollup(day=day)

    bag_views = {r["user_id"]: r for r in selectors.activity_by_user_queryset(since=DAY, category_ids=[s.bags])}
    everything = {r["user_id"]: r for r in selectors.activity_by_user_queryset(since=dt.date(2031, 3, 9))}

    assert set(bag_views) == {s.ann.pk}
    assert bag_views[s.ann.pk]["views"] == 4  # 2 + 1 product on the 10th, 1 on the 11th; the 9th is before `since`
    assert bag_views[s.ann.pk]["active_days"] == 2
    assert bag_views[s.ann.pk]["dwell_seconds_total"] == 30
    assert bag_views[s.ann.pk]["last_active_at"] == seoul(2031, 3, 11, 0, 0, 0)
    assert everything[s.ann.pk]["views"] == 1 + 3 + 1 + 2  # the 10th (page, 3 categories, 1 product) + 9th + 11th
    assert everything[s.ann.pk]["search_count"] == 1
    assert everything[s.ann.pk]["cart_add_count"] == 1
    assert everything[s.bo.pk]["views"] == 1
    assert list(selectors.activity_by_user_queryset(since=DAY, category_ids=[])) == []


def test_activity_by_user_works_as_a_subquery_for_a_segment_condition(day_of_shopping):
    """What crm's segmentation builds: "viewed 가방 at least 3 times since ..." as one SQL statement."""
    s = day_of_shopping
    activity_rollup(day=DAY)
    User = get_user_model()

    keen = User.objects.filter(
        pk__in=selectors.activity_by_user_queryset(since=DAY, category_ids=[s.bags])
        .filter(views__gte=3)
        .values("user_id")
    )
    towel_lookers = User.objects.filter(
        pk__in=selectors.activity_by_user_queryset(since=DAY, category_ids=[s.towels]).values("user_id")
    )

    assert list(keen) == [s.ann]
    assert set(towel_lookers) == {s.ann, s.bo}


def test_last_seen_by_user_is_the_latest_visit_over_all_their_browsers():
    ann = UserFactory()
    Visitor.objects.create(user=ann, last_seen=seoul(2031, 3, 1))
    Visitor.objects.create(user=ann, last_seen=seoul(2031, 3, 9))
    Visitor.objects.create(user=None, last_seen=seoul(2031, 3, 10))

    rows = list(selectors.last_seen_by_user_queryset())

    assert rows == [{"user_id": ann.pk, "last_seen_at": seoul(2031, 3, 9)}]


def test_activity_changed_since_lists_only_customers_whose_rollup_changed(day_of_shopping):
    s = day_of_shopping
    activity_rollup(day=DAY, now=seoul(2031, 3, 10, 23, 0))
    ev(s.bo, T.SEARCH, query="컵", at=seoul(2031, 3, 10, 23, 10))
    activity_rollup(day=DAY, now=seoul(2031, 3, 10, 23, 15))

    assert list(selectors.activity_changed_since_queryset(since=seoul(2031, 3, 10, 23, 5))) == [s.bo.pk]


def test_recent_activity_for_user_lists_active_days_newest_first_with_category_names(day_of_shopping):
    s = day_of_shopping
    bag_category = PreferenceCategoryFactory(name="가방")
    TrackedEvent.objects.filter(category_id=s.bags).update(category_id=bag_category.pk)
    for day in (dt.date(2031, 3, 9), DAY):
        activity_rollup(day=day)

    days = selectors.recent_activity_for_user(user=s.ann, days=30, today=dt.date(2031, 3, 10))

    assert [d.day for d in days] == [DAY, dt.date(2031, 3, 9)]
    assert (days[0].views, days[0].searches, days[0].cart_adds, days[0].dwell_seconds) == (5, 1, 1, 45)
    assert days[0].categories == ["가방", f"#{s.towels}"]  # most viewed first; a category gone shows its number
    assert selectors.recent_activity_for_user(user=s.ann, days=1, today=dt.date(2031, 3, 10))[0].day == DAY
    assert selectors.recent_activity_for_user(user=s.bo, days=7, today=dt.date(2031, 3, 20)) == []


def test_recent_activity_for_user_makes_a_constant_number_of_queries(assert_constant_queries):
    """Guards the customer 360 page's behaviour panel: two queries for 1 day and 1 category or 30 days and many."""
    ann = UserFactory()
    first = PreferenceCategoryFactory()
    ev(ann, T.CATEGORY_VIEW, category=first.pk)
    activity_rollup(day=DAY)

    def grow():
        for offset in range(1, 30):
            at = seoul(2031, 3, 10, 12) - dt.timedelta(days=offset)
            for category in PreferenceCategoryFactory.create_batch(3):
                ev(ann, T.CATEGORY_VIEW, category=category.pk, at=at)
            activity_rollup(day=DAY - dt.timedelta(days=offset))

    assert_constant_queries(lambda: selectors.recent_activity_for_user(user=ann, today=DAY), grow)
    assert len(selectors.recent_activity_for_user(user=ann, today=DAY)) == 30


def test_activity_selectors_are_one_query_whatever_the_number_of_customers(assert_constant_queries, day_of_shopping):
    s = day_of_shopping
    activity_rollup(day=DAY)

    def read():
        list(selectors.activity_by_user_queryset(since=DAY, category_ids=[s.bags, s.towels]))
        list(selectors.last_seen_by_user_queryset())
        list(selectors.activity_changed_since_queryset(since=seoul(2031, 3, 1)))

    def grow():
        for user in UserFactory.create_batch(20):
            ev(user, T.CATEGORY_VIEW, category=s.bags)
            Visitor.objects.create(user=user)
        activity_rollup(day=DAY)

    assert_constant_queries(read, grow)
