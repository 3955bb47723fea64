"""Segmentation runs: memberships and snapshots, the lock, failure and repair, incremental patches, beat."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from config.errors import DomainError
from crm.models import CustomerProfile, Lifecycle, SegmentationRun, SegmentMembership, SegmentSnapshot
from crm.selectors.runs import current_run, run_active
from crm.services import segmentation
from crm.services.runs import RUN_ALREADY_ACTIVE, segmentation_run_start
from crm.tasks import segmentation_scheduled_task
from shop.models import Order
from shop.services.orders import order_transition
from tests.accounts.factories import UserFactory
from tests.crm.factories import SegmentFactory, bought_orders, segmentation_run_now

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=SEOUL)
Status = SegmentationRun.Status
BUYERS = {"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": 1}]}
REGULARS = {"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": 2}]}


def _members(segment, run) -> set[int]:
    return set(SegmentMembership.objects.filter(segment=segment, run=run).values_list("user_id", flat=True))


@pytest.fixture
def shoppers():
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        once, twice, never = UserFactory(), UserFactory(), UserFactory()
        bought_orders(user=once, days_ago=[10], total=30_000, now=NOW)
        bought_orders(user=twice, days_ago=[5, 40], total=20_000, now=NOW)
    return once, twice, never


def test_full_run_writes_memberships_and_snapshots_and_becomes_current(django_capture_on_commit_callbacks, shoppers):
    once, twice, _never = shoppers
    buyers, regulars = SegmentFactory(definition=BUYERS), SegmentFactory(definition=REGULARS)
    with time_machine.travel(NOW, tick=False):
        run = segmentation_run_now(django_capture_on_commit_callbacks, requested_by=None, trigger="manual")

    assert (run.status, run.lock, run.error) == (Status.SUCCEEDED, None, "")
    assert current_run() == run
    assert _members(buyers, run) == {once.pk, twice.pk}
    assert _members(regulars, run) == {twice.pk}
    snapshot = SegmentSnapshot.objects.get(segment=buyers, run=run)
    assert (snapshot.size, snapshot.revenue, snapshot.orders) == (2, 70_000, 3)
    assert snapshot.average_order_value == 70_000 // 3
    assert snapshot.repeat_rate == 0.5
    assert run.started_at is not None
    assert run.finished_at >= run.started_at
    assert run.progress_percent == 100


def test_full_run_splits_customers_into_ranges(django_capture_on_commit_callbacks, settings, shoppers):
    settings.CRM_SEGMENTATION_CHUNK = 2
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert (run.customers_total, run.customers_processed) == (3, 3)
    assert (run.chunks_total, run.chunks_done) == (2, 2)
    assert CustomerProfile.objects.filter(run=run).count() == 3


def test_second_start_while_a_run_is_pending_is_refused():
    first = segmentation_run_start(kind=SegmentationRun.Kind.FULL)  # its task waits for the commit

    with pytest.raises(DomainError) as refused:
        segmentation_run_start(kind=SegmentationRun.Kind.FULL)
    assert refused.value.message == RUN_ALREADY_ACTIVE
    assert refused.value.http_status == 409
    assert run_active() == first


def test_stale_run_is_failed_so_a_new_one_can_start(django_capture_on_commit_callbacks, shoppers):
    stuck = segmentation_run_start(kind=SegmentationRun.Kind.FULL)
    SegmentationRun.objects.filter(pk=stuck.pk).update(
        status=Status.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=31)
    )

    run = segmentation_run_now(django_capture_on_commit_callbacks)

    stuck.refresh_from_db()
    assert (stuck.status, stuck.lock) == (Status.FAILED, None)
    assert "30분" in stuck.error
    assert run.status == Status.SUCCEEDED


def test_scheduled_task_skips_while_a_run_is_active():
    segmentation_run_start(kind=SegmentationRun.Kind.FULL)
    assert segmentation_scheduled_task(kind="incremental") is None


def test_run_failing_midway_keeps_the_previous_memberships_and_the_next_run_repairs(
    django_capture_on_commit_callbacks, monkeypatch, shoppers
):
    once, twice, never = shoppers
    buyers = SegmentFactory(definition=BUYERS)
    with time_machine.travel(NOW, tick=False):
        good = segmentation_run_now(django_capture_on_commit_callbacks)
        bought_orders(user=never, days_ago=[1], total=10_000, now=NOW)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(segmentation, "snapshots_build", broken)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        failed = segmentation_run_now(django_capture_on_commit_callbacks)

    assert (failed.status, failed.lock) == (Status.FAILED, None)
    assert "snapshots" in failed.error
    assert "disk full" in failed.error
    assert current_run() == good
    assert _members(buyers, good) == {once.pk, twice.pk}  # the half-done run's rows are never read

    monkeypatch.undo()
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        repaired = segmentation_run_now(django_capture_on_commit_callbacks)

    assert repaired.status == Status.SUCCEEDED
    assert current_run() == repaired
    assert _members(buyers, repaired) == {once.pk, twice.pk, never.pk}
    # Rows of the failed run are cleaned up; the previous current run is kept for readers that just looked it up.
    assert not CustomerProfile.objects.filter(run=failed).exists()
    assert CustomerProfile.objects.filter(run=good).exists()


def test_run_failing_in_a_range_task_records_the_range(django_capture_on_commit_callbacks, monkeypatch, shoppers):
    def broken(**kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(segmentation, "profiles_insert", broken)
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert run.status == Status.FAILED
    assert "range" in run.error
    assert "connection lost" in run.error
    assert current_run() is None


def _staging_tables() -> set[str]:
    with connection.cursor() as cursor:
        return {name for name in connection.introspection.table_names(cursor) if name.startswith("crm_stage_")}


def test_a_run_drops_its_staged_purchases_and_those_of_a_run_that_died(
    django_capture_on_commit_callbacks, monkeypatch, shoppers
):
    def broken(**kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(segmentation, "profiles_insert", broken)
    died = segmentation_run_now(django_capture_on_commit_callbacks)
    assert died.status == Status.FAILED
    assert _staging_tables() == {f"crm_stage_{kind}_{died.pk}" for kind in ("orders", "lines", "households")}

    monkeypatch.undo()
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert run.status == Status.SUCCEEDED
    assert _staging_tables() == set()


def test_a_range_refuses_staged_purchases_emptied_by_a_database_restart(
    django_capture_on_commit_callbacks, monkeypatch, shoppers
):
    counted = segmentation.stage_buyers

    def counted_then_lost(stage):
        buyers = counted(stage)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {stage.orders}")  # noqa: S608 (what crash recovery does to an UNLOGGED table)
        return buyers

    monkeypatch.setattr(segmentation, "stage_buyers", counted_then_lost)
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert run.status == Status.FAILED
    assert "staged purchases (2 customers) are gone" in run.error
    assert current_run() is None


def test_segment_with_broken_conditions_is_skipped_not_fatal(django_capture_on_commit_callbacks, shoppers):
    buyers = SegmentFactory(definition=BUYERS)
    broken = SegmentFactory(definition={"match": "all", "conditions": [{"field": "gone", "op": "eq", "value": 1}]})
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert run.status == Status.SUCCEEDED
    assert f"#{broken.pk}" in run.error
    assert len(_members(buyers, run)) == 2


def test_incremental_run_picks_up_a_new_order(django_capture_on_commit_callbacks, shoppers):
    once, twice, never = shoppers
    buyers = SegmentFactory(definition=BUYERS)
    with time_machine.travel(NOW, tick=False):
        full = segmentation_run_now(django_capture_on_commit_callbacks)
    later = NOW + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        bought_orders(user=never, days_ago=[0], total=45_000, now=later)
        patch = segmentation_run_now(django_capture_on_commit_callbacks, kind=SegmentationRun.Kind.INCREMENTAL)

    assert (patch.kind, patch.status, patch.base_run_id) == (
        SegmentationRun.Kind.INCREMENTAL,
        Status.SUCCEEDED,
        full.pk,
    )
    assert (patch.customers_total, patch.customers_processed) == (1, 1)
    assert current_run() == full  # patched in place
    profile = CustomerProfile.objects.get(run=full, user=never)
    assert (profile.frequency, profile.monetary, profile.lifecycle) == (1, 45_000, Lifecycle.NEW)
    assert profile.r_score is not None  # scored against the full run's breakpoints
    assert _members(buyers, full) == {once.pk, twice.pk, never.pk}
    assert SegmentSnapshot.objects.get(segment=buyers, run=full).size == 3


def test_incremental_run_drops_a_cancelled_order(django_capture_on_commit_callbacks, shoppers):
    once, _twice, _never = shoppers
    buyers = SegmentFactory(definition=BUYERS)
    with time_machine.travel(NOW, tick=False):
        full = segmentation_run_now(django_capture_on_commit_callbacks)
        order = bought_orders(user=once, days_ago=[0], total=9_000, now=NOW, status=Order.Status.PAID)[0]
        segmentation_run_now(django_capture_on_commit_callbacks, kind=SegmentationRun.Kind.INCREMENTAL)
    assert CustomerProfile.objects.get(run=full, user=once).frequency == 2

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        order_transition(order=order, target=Order.Status.CANCELLED)
        segmentation_run_now(django_capture_on_commit_callbacks, kind=SegmentationRun.Kind.INCREMENTAL)

    assert CustomerProfile.objects.get(run=full, user=once).frequency == 1
    assert once.pk in _members(buyers, full)


def test_incremental_without_a_full_run_runs_full(django_capture_on_commit_callbacks, shoppers):
    run = segmentation_run_now(django_capture_on_commit_callbacks, kind=SegmentationRun.Kind.INCREMENTAL)
    assert (run.kind, run.status) == (SegmentationRun.Kind.FULL, Status.SUCCEEDED)


# --- beat: the schedule lives in the database and admins own the segmentation entries ---


def _scheduler():
    from config.beat import DatabaseScheduler
    from config.celery import app

    return DatabaseScheduler(app=app)


# Beat closes stale connections as it works (django-celery-beat), which a test transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_beat_database_scheduler_writes_the_settings_entries():
    from django_celery_beat.models import PeriodicTask

    _scheduler()

    full = PeriodicTask.objects.select_related("crontab").get(name="crm-segmentation-full")
    assert full.task == "crm.segmentation_scheduled"
    assert (full.crontab.hour, full.crontab.minute) == ("3", "30")
    assert str(full.crontab.timezone) == "Asia/Seoul"
    assert full.kwargs == '{"kind": "full"}'
    assert PeriodicTask.objects.get(name="crm-segmentation-incremental").crontab.minute == "*/15"


@pytest.mark.django_db(transaction=True)
def test_beat_keeps_an_admin_edited_schedule_across_restarts():
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    _scheduler()
    five_am = CrontabSchedule.objects.create(hour="5", minute="0", timezone="Asia/Seoul")
    PeriodicTask.objects.filter(name="crm-segmentation-full").update(crontab=five_am)
    every_hour = IntervalSchedule.objects.create(every=3600, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="config-heartbeat").update(interval=every_hour)

    _scheduler()  # beat restarts (a deploy)

    assert PeriodicTask.objects.get(name="crm-segmentation-full").crontab_id == five_am.pk
    assert PeriodicTask.objects.get(name="config-heartbeat").interval.every == 60  # operations values from settings


# --- admin ---


def test_admin_lists_runs_read_only_and_edits_the_one_thresholds_row(client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from crm.models import LifecycleThresholds

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    run = segmentation_run_now(django_capture_on_commit_callbacks)

    assert client.get(reverse("admin:crm_segmentationrun_changelist")).status_code == 200
    assert client.get(reverse("admin:crm_segmentationrun_change", args=[run.pk])).status_code == 200
    assert client.get(reverse("admin:crm_segmentationrun_add")).status_code == 403
    response = client.post(
        reverse("admin:crm_lifecyclethresholds_add"),
        {
            "new_days": 14,
            "regular_min_orders": 2,
            "vip_min_orders": 8,
            "vip_min_spend": 700_000,
            "at_risk_days": 45,
            "dormant_days": 120,
        },
    )
    assert response.status_code == 302
    saved = LifecycleThresholds.objects.get()
    assert (saved.pk, saved.new_days, saved.updated_by) == (1, 14, admin)
    assert client.get(reverse("admin:crm_lifecyclethresholds_add")).status_code == 403
