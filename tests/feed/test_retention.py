"""Behaviour events do not grow without bound: daily partitions (PostgreSQL), retention by whole days, rollups stay."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from feed.models import DailyActivity, TrackedEvent
from feed.services import retention
from feed.services.retention import event_partition_days, event_partitions_ensure, events_retention_apply
from feed.services.rollups import activity_rollup
from feed.tasks import events_maintain_task
from tests.accounts.factories import UserFactory
from tests.feed.event_factories import TrackedEventFactory, seoul

pytestmark = pytest.mark.django_db

TODAY = dt.date(2031, 3, 10)  # far from the day the test database was migrated, so no partition exists yet


def partition_of(event: TrackedEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM feed_trackedevent WHERE id = %s", [event.pk])
        return cursor.fetchone()[0]


def partition_bounds(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s", [name])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_events_table_is_partitioned_with_a_default_partition_and_the_model_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'feed_trackedevent'::regclass")
        assert cursor.fetchone() == ("r",)
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'feed_trackedevent'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"feed_trackedevent_pkey", "event_visitor_time", "event_type_time"} <= indexes
    assert "DEFAULT" in partition_bounds("feed_trackedevent_default")


@pytest.mark.postgres
def test_partitions_ensure_creates_today_and_the_days_ahead_with_seoul_day_bounds():
    assert TODAY not in event_partition_days()

    report = event_partitions_ensure(today=TODAY, days_ahead=7)

    days = set(event_partition_days())
    assert {TODAY + dt.timedelta(days=n) for n in range(8)} <= days
    assert report.created == [TODAY + dt.timedelta(days=n) for n in range(8)]
    # Seoul midnight to midnight, printed in the connection's time zone (UTC under Django)
    assert partition_bounds("feed_trackedevent_p20310310") == (
        "FOR VALUES FROM ('2031-03-09 15:00:00+00') TO ('2031-03-10 15:00:00+00')"
    )


@pytest.mark.postgres
def test_partitions_ensure_twice_creates_nothing_the_second_time():
    event_partitions_ensure(today=TODAY, days_ahead=2)

    assert event_partitions_ensure(today=TODAY, days_ahead=2).created == []


@pytest.mark.postgres
def test_an_event_on_a_day_without_partition_lands_in_default_and_ensure_moves_it_to_its_day():
    event = TrackedEventFactory(occurred_at=seoul(2031, 3, 20, 23, 59, 59))
    neighbour = TrackedEventFactory(occurred_at=seoul(2031, 3, 21, 0, 0, 0))
    assert partition_of(event) == "feed_trackedevent_default"

    report = event_partitions_ensure(today=TODAY, days_ahead=0)

    assert partition_of(event) == "feed_trackedevent_p20310320"
    assert partition_of(neighbour) == "feed_trackedevent_p20310321"
    assert report.moved_from_default == 2
    assert TrackedEvent.objects.get(pk=event.pk).occurred_at == event.occurred_at


@pytest.mark.postgres
def test_bulk_create_after_ensure_goes_to_the_day_partition_with_fresh_ids():
    event_partitions_ensure(today=TODAY, days_ahead=0)
    rows = [TrackedEventFactory.build(occurred_at=seoul(2031, 3, 10, hour)) for hour in (0, 12, 23)]

    TrackedEvent.objects.bulk_create(rows)

    assert len({row.pk for row in rows}) == 3
    assert None not in {row.pk for row in rows}
    assert {partition_of(row) for row in rows} == {"feed_trackedevent_p20310310"}


@pytest.mark.postgres
def test_retention_drops_the_partition_older_than_90_days_and_keeps_the_newer_one_and_the_rollups():
    user = UserFactory()
    with time_machine.travel(seoul(2031, 6, 1, 0, 20), tick=False):
        old = TrackedEventFactory(user=user, occurred_at=seoul(2031, 3, 2, 15))  # 91 days before 2031-06-01
        kept = TrackedEventFactory(user=user, occurred_at=seoul(2031, 3, 3, 15))  # 90 days before
        event_partitions_ensure(today=dt.date(2031, 6, 1))
        assert partition_of(old) == "feed_trackedevent_p20310302"
        activity_rollup(day=dt.date(2031, 3, 2))

        result = events_maintain_task()

        assert "2031-03-02" in result["dropped"]
        assert max(result["dropped"]) == "2031-03-02"  # (the others are the days the test database was made)
        assert not TrackedEvent.objects.filter(pk=old.pk).exists()
        assert TrackedEvent.objects.filter(pk=kept.pk).exists()
        days = event_partition_days()
        assert dt.date(2031, 3, 2) not in days
        assert dt.date(2031, 3, 3) in days
        assert dt.date(2031, 6, 8) in days  # and the week ahead is ready
        rollup = DailyActivity.objects.get(user=user, day=dt.date(2031, 3, 2), category_id=0)
        assert rollup.page_views == 1
        assert activity_rollup(day=dt.date(2031, 3, 2)) == 0  # re-running a dropped day leaves its rollup alone
        assert DailyActivity.objects.get(pk=rollup.pk).page_views == 1


def test_retention_deletes_events_older_than_the_retention_and_keeps_newer_ones():
    """SQLite deletes rows; PostgreSQL finds these rows in the DEFAULT partition (no day partition) and deletes them."""
    old = TrackedEventFactory(occurred_at=seoul(2031, 3, 2, 23, 59))
    kept = TrackedEventFactory(occurred_at=seoul(2031, 3, 3, 0, 0))

    report = events_retention_apply(today=dt.date(2031, 6, 1), keep_days=90)

    assert report.cutoff == dt.date(2031, 3, 3)
    assert report.rows_deleted == 1
    assert list(TrackedEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not TrackedEvent.objects.filter(pk=old.pk).exists()


def test_retention_deletes_in_batches_until_every_old_row_is_gone(monkeypatch):
    monkeypatch.setattr(retention, "DELETE_BATCH", 2)
    TrackedEventFactory.create_batch(5, occurred_at=seoul(2031, 1, 5))
    TrackedEventFactory(occurred_at=seoul(2031, 6, 1))

    report = events_retention_apply(today=dt.date(2031, 6, 1), keep_days=30)

    assert report.rows_deleted == 5
    assert TrackedEvent.objects.count() == 1


def test_retention_reads_its_default_from_settings(settings):
    settings.FEED_EVENT_RETENTION_DAYS = 10
    TrackedEventFactory(occurred_at=seoul(2031, 5, 21, 12))  # 11 days before
    TrackedEventFactory(occurred_at=seoul(2031, 5, 22, 12))  # 10 days before

    assert events_retention_apply(today=dt.date(2031, 6, 1)).cutoff == dt.date(2031, 5, 22)
    assert TrackedEvent.objects.count() == 1


def test_retention_of_zero_days_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        events_retention_apply(today=TODAY, keep_days=0)


def test_maintenance_task_and_rollups_are_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"feed.events_maintain", "feed.activity_rollup_today", "feed.activity_rollup_previous"} <= tasks
