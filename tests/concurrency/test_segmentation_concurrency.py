"""Segmentation runs under real concurrency (PostgreSQL, real threads released together by a barrier): one run at a
time, one worker per run, and readers that never see half a run."""

import threading

import pytest
from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from crm.models import CustomerProfile, SegmentationRun, SegmentMembership, SegmentSnapshot
from crm.selectors.runs import current_run_id
from crm.services.runs import RUN_ALREADY_ACTIVE, segmentation_run_start
from crm.services.segmentation import segmentation_run_execute
from tests.accounts.factories import UserFactory
from tests.concurrency.runner import run_concurrently, running_in_background
from tests.crm.factories import SegmentFactory, bought_orders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = {"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": 1}]}


def _shoppers(count: int, *, days_ago: int = 10) -> list:
    users = []
    for _ in range(count):
        user = UserFactory()
        bought_orders(user=user, days_ago=[days_ago], total=10_000)
        users.append(user)
    return users


def test_two_runs_started_together_one_does_the_work():
    _shoppers(5)
    SegmentFactory(definition=BUYERS)

    # Outside a transaction the after-commit task runs at once (eager Celery): the winner computes the whole run.
    results, errors = run_concurrently(2, lambda _i: segmentation_run_start(kind=SegmentationRun.Kind.FULL))

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], DomainError)
    assert errors[0].message == RUN_ALREADY_ACTIVE
    run = SegmentationRun.objects.get()
    assert (run.status, run.lock) == (SegmentationRun.Status.SUCCEEDED, None)
    assert CustomerProfile.objects.filter(run=run).count() == 5


def test_a_run_delivered_twice_is_computed_once(settings):
    settings.CRM_SEGMENTATION_CHUNK = 2
    _shoppers(5)
    run = SegmentationRun.objects.create(kind=SegmentationRun.Kind.FULL, heartbeat_at=timezone.now())

    _results, errors = run_concurrently(2, lambda _i: segmentation_run_execute(run_id=run.pk))

    assert errors == []
    run.refresh_from_db()
    assert run.status == SegmentationRun.Status.SUCCEEDED
    assert (run.chunks_total, run.chunks_done) == (3, 3)  # not 6: the second delivery found it claimed
    assert CustomerProfile.objects.filter(run=run).count() == 5


def test_readers_see_a_whole_run_or_the_previous_one_never_a_mix():
    """While full runs swap in and an incremental run patches 30 customers in place, a reader that looks up the
    current run and counts its members always gets that run's final count: nothing half-written is visible."""
    _shoppers(40)
    segment = SegmentFactory(definition=BUYERS)
    segmentation_run_start(kind=SegmentationRun.Kind.FULL)
    observed: list[tuple[int, int]] = []

    def reader(stop: threading.Event) -> None:
        while not stop.is_set():
            run_id = current_run_id()
            count = SegmentMembership.objects.filter(run_id=run_id, segment=segment).count()
            observed.append((run_id, count))

    with running_in_background(reader):
        for round_ in range(3):
            _shoppers(10, days_ago=1)  # each full run has ten more buyers
            segmentation_run_start(kind=SegmentationRun.Kind.FULL)
            if round_ == 1:
                for user in User.objects.filter(is_staff=False).order_by("pk")[:30]:
                    bought_orders(user=user, days_ago=[0], total=5_000)
                segmentation_run_start(kind=SegmentationRun.Kind.INCREMENTAL)

    # Sizes as each run left them (the snapshot; old runs' membership rows are deleted two runs later).
    final = dict(SegmentSnapshot.objects.filter(segment=segment).values_list("run_id", "size"))
    assert len(observed) > 10
    assert len(final) >= 2  # the reader saw more than one run become current
    assert all(count == final[run_id] for run_id, count in observed)
