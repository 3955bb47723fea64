"""The segmentation pipeline: household essentials -> scored profiles -> memberships -> snapshots -> swap.

Full run (crm.tasks, started by crm.services.runs.segmentation_run_start):
1. `segmentation_run_execute` claims the run, splits the customers into id ranges of CRM_SEGMENTATION_CHUNK,
   stages the run's bought orders and lines once (crm.services.staging: the one pass over shop's order lines that
   every later step reads), fixes the run's RFM breakpoints and lifecycle thresholds, writes the run's household
   essentials (crm.services.households, households span ranges) and their per-household summary, and queues a
   Celery chord: one `segmentation_chunk_compute` per range (any number of workers, in parallel; in eager mode
   inline, one after the other), then `segmentation_finalize`.
2. A range task writes that range's profiles, scored and with their household's essentials figures, in one
   INSERT ... SELECT (each profile row is written once, never updated) and adds to the run's progress.
3. Finalize, over the whole run: the staging tables dropped, removal of rows whose customer or category was
   deleted meanwhile, one INSERT ... SELECT of memberships per active segment, a snapshot per segment, then the
   swap (one UPDATE, crm.services.runs.run_succeed), then deletion of the rows of runs older than the previous one.
Nothing a reader sees changes before the swap: readers follow the current run, and a failed run's rows are never
current. Any exception marks the run failed (error recorded, lock released) and is re-raised for Celery.

Incremental run (`segmentation_incremental_execute`): the customers whose orders, order statuses, sign-ups or
behaviour changed since the last successful run started (their households' purchases staged for the run) get their
profile rows of the current run recomputed, scored against the current run's stored breakpoints, their household
essentials and memberships rebuilt, and the snapshots refreshed, all in one transaction: readers see the whole patch
or none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.errors import DomainError
from crm.models import (
    CustomerProfile,
    HouseholdEssential,
    LifecycleThresholds,
    Segment,
    SegmentationRun,
    SegmentMembership,
    SegmentSnapshot,
)
from crm.selectors.profiles import lifecycle_thresholds
from crm.selectors.runs import current_run
from crm.services import sql
from crm.services.conditions import segment_members_queryset
from crm.services.households import essentials_summary_build
from crm.services.profiles import customer_id_ranges, profiles_delete, profiles_insert
from crm.services.run_tables import load_table, load_table_create, load_table_publish, runs_rows_drop
from crm.services.runs import run_claim, run_fail, run_progress, run_succeed, runs_obsolete_ids
from crm.services.scoring import rfm_breakpoints_compute
from crm.services.staging import (
    Stage,
    stage_build,
    stage_buyers,
    stage_check,
    stage_drop,
    stage_vacuum,
    stages_drop,
)

logger = logging.getLogger(__name__)

Kind = SegmentationRun.Kind
BATCH = 1000  # customers per statement in incremental runs (bounded parameter lists on every database)
SEGMENT_SKIPPED = gettext_noop("세그먼트 #{pk} '{name}'은 조건이 맞지 않아 건너뛰었어요: {error}")
RUN_NO_BASE = gettext_noop("고칠 전체 계산 결과가 없어요. 전체 계산을 먼저 해 주세요.")


def chunk_size() -> int:
    return max(1, int(getattr(settings, "CRM_SEGMENTATION_CHUNK", 50_000)))


def _run_day(run: SegmentationRun) -> tuple[date, datetime]:
    """The run's clock: every range of one run uses the same Seoul date, even across midnight."""
    moment = run.started_at or timezone.now()
    return timezone.localdate(moment), moment


def _thresholds(run: SegmentationRun) -> LifecycleThresholds:
    """The thresholds the run fixed when it started (admins may edit them while it runs)."""
    stored = (run.rfm_breakpoints or {}).get("lifecycle")
    if not stored:
        return lifecycle_thresholds()
    return LifecycleThresholds(pk=1, **stored)


def _fail_on_error(run_id: int, step: str, exc: BaseException) -> None:
    logger.exception("segmentation run %s failed in %s", run_id, step)
    run_fail(run_id=run_id, error=f"{step}: {type(exc).__name__}: {exc}")


# --- full run ------------------------------------------------------------------------------------------------------


@sql.relaxed_commits
def segmentation_run_execute(*, run_id: int) -> None:
    """Claim a pending run and start its work (the task body of crm.tasks.segmentation_run_task). A run that is
    no longer pending (duplicate delivery, expired) is left alone."""
    run = SegmentationRun.objects.filter(pk=run_id).first()
    if run is None or not run_claim(run_id=run_id):
        return
    if run.kind == Kind.INCREMENTAL:
        segmentation_incremental_execute(run_id=run_id)
        return
    try:
        thresholds = lifecycle_thresholds()
        fixed = {name: getattr(thresholds, name) for name in _THRESHOLD_FIELDS}
        total, ranges = customer_id_ranges(chunk_size=chunk_size())
        today = _run_day(run)[0]
        with transaction.atomic():
            sql.tune_transaction(work_mem=sql.PLAN_WORK_MEM)
            stage = stage_build(run_id=run_id, today=today)
            breakpoints = rfm_breakpoints_compute(stage=stage)
        stage_vacuum(stage)  # committed, outside the transaction: the range tasks read the lines index-only
        with transaction.atomic():
            sql.tune_transaction(work_mem=sql.PLAN_WORK_MEM)
            essentials = load_table_create(HouseholdEssential, run_id)
            essentials_compute(run=run, today=today, fill_profiles=False, stage=stage, into=essentials)
            essentials_summary_build(run=run, stage=stage, essentials=essentials)
            load_table_publish(HouseholdEssential, run_id)
            load_table_create(CustomerProfile, run_id)
        run_progress(
            run_id=run_id,
            customers_total=total,
            chunks_total=len(ranges),
            rfm_breakpoints={**breakpoints, "lifecycle": fixed, "staged_buyers": stage_buyers(stage)},
        )
    except Exception as exc:
        _fail_on_error(run_id, "plan", exc)
        raise
    from celery import chord

    from crm.tasks import segmentation_chunk_task as _chunk_task
    from crm.tasks import segmentation_finalize_task as _finalize_task

    if not ranges:
        _finalize_task.delay(run_id=run_id)
        return
    header = [_chunk_task.si(run_id=run_id, lo=lo, hi=hi) for lo, hi in ranges]
    chord(header)(_finalize_task.si(run_id=run_id))


_THRESHOLD_FIELDS = (
    "new_days",
    "regular_min_orders",
    "vip_min_orders",
    "vip_min_spend",
    "at_risk_days",
    "dormant_days",
)


@sql.relaxed_commits
def segmentation_chunk_compute(*, run_id: int, lo: int, hi: int) -> int:
    """Write the profiles of customers with ids in [lo, hi] for the run, in one transaction (delete + insert, so
    a retried task leaves the same rows), then add to the progress. Returns the rows written; 0 when the run is
    no longer running (failed or expired meanwhile)."""
    run = SegmentationRun.objects.filter(pk=run_id, status=SegmentationRun.Status.RUNNING).first()
    if run is None:
        return 0
    today, moment = _run_day(run)
    try:
        with transaction.atomic():
            sql.tune_transaction()
            stage_check(Stage(run_id), buyers=(run.rfm_breakpoints or {}).get("staged_buyers", 0))
            into = load_table(CustomerProfile, run_id)
            profiles_delete(run_id=run_id, id_range=(lo, hi), into=into)
            written = profiles_insert(
                run_id=run_id,
                today=today,
                now=moment,
                thresholds=_thresholds(run),
                breakpoints=run.rfm_breakpoints,
                id_range=(lo, hi),
                with_essentials=True,
                stage=Stage(run_id),
                into=into,
            )
    except Exception as exc:
        _fail_on_error(run_id, f"range {lo}-{hi}", exc)
        raise
    run_progress(run_id=run_id, customers=written, chunks=1)
    return written


@sql.relaxed_commits
def segmentation_finalize(*, run_id: int) -> bool:
    """Essentials, memberships, snapshots, swap, clean-up (step 3 above). Returns True when the run became
    current. Each step is its own transaction and beats the heartbeat."""
    run = SegmentationRun.objects.filter(pk=run_id, status=SegmentationRun.Status.RUNNING).first()
    if run is None:
        return False
    _today, moment = _run_day(run)
    step = "memberships"
    try:
        stage_drop(Stage(run_id))  # every range has read it
        with transaction.atomic():
            sql.tune_transaction()
            load_table_publish(CustomerProfile, run_id)  # analysed too, before the joins over the fresh rows
            orphans_delete(run_id=run_id)
            memberships = load_table_create(SegmentMembership, run_id)
            notes = memberships_build(run_id=run_id, now=moment, into=memberships)
            load_table_publish(SegmentMembership, run_id)
        run_progress(run_id=run_id)
        step = "snapshots"
        with transaction.atomic():
            sql.tune_transaction()
            snapshots_build(run_id=run_id, now=moment)
        previous = current_run()
    except Exception as exc:
        _fail_on_error(run_id, step, exc)
        raise
    if not run_succeed(run_id=run_id, notes="\n".join(notes)):
        return False
    keep = [run_id] + ([previous.pk] if previous else [])
    runs_rows_delete(run_ids=runs_obsolete_ids(keep=keep))
    return True


def essentials_compute(
    *,
    run: SegmentationRun,
    today: date,
    stage: Stage,
    user_ids: list[int] | None = None,
    fill_profiles: bool = True,
    into: str | None = None,
) -> int:
    """Household essentials of the run (crm.services.households) from the staged purchases. A full run computes
    them before its profiles (`fill_profiles=False`: each range's profile INSERT reads them); an incremental run
    after, filling the changed households' profiles."""
    from crm.services.households import household_essentials_compute

    return household_essentials_compute(
        run=run, today=today, user_ids=user_ids, fill_profiles=fill_profiles, stage=stage, into=into
    )


def orphans_delete(*, run_id: int) -> int:
    """Delete the run's profiles and essentials whose customer or category was deleted while the run computed
    (the bulk tables have no foreign-key constraints, see crm.models.CustomerProfile): anti-joins over the run's
    rows, before its memberships are built from the profiles."""
    from accounts.models import User
    from shop.models import Category

    deleted = CustomerProfile.objects.filter(run_id=run_id).exclude(user_id__in=User.objects.values("pk")).delete()
    gone = HouseholdEssential.objects.filter(run_id=run_id).exclude(category_id__in=Category.objects.values("pk"))
    return deleted[0] + gone.delete()[0]


def _active_segments() -> list[Segment]:
    return list(Segment.objects.filter(is_active=True).order_by("pk"))


def memberships_insert(
    *, run_id: int, segment: Segment, now: datetime, user_ids: list[int] | None = None, into: str | None = None
) -> int:
    """INSERT ... SELECT the segment's members of the run (optionally only among `user_ids`) into `into` (a full
    run's load table, crm.services.run_tables) or the model's table. One statement. Raises DomainError when the
    segment's conditions no longer validate."""
    members = segment_members_queryset(definition=segment.definition, run_id=run_id, now=now)
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
    return sql.execute(
        f"INSERT INTO {into or sql.table(SegmentMembership)} (run_id, segment_id, user_id)"  # noqa: S608 (model table)
        " SELECT :run_id, :segment_id, m.user_id FROM ({members}) m",
        {"run_id": run_id, "segment_id": segment.pk},
        {"members": members.values("user_id").query.sql_with_params()},
    )


def memberships_build(
    *, run_id: int, now: datetime, user_ids: list[int] | None = None, into: str | None = None
) -> list[str]:
    """Memberships of every active segment for the run; returns notes for segments skipped because their
    conditions no longer validate (e.g. a deleted category): the run goes on without them."""
    notes = []
    for segment in _active_segments():
        try:
            with transaction.atomic():
                for batch in _batches(user_ids):
                    memberships_insert(run_id=run_id, segment=segment, now=now, user_ids=batch, into=into)
        except DomainError as exc:
            notes.append(_(SEGMENT_SKIPPED).format(pk=segment.pk, name=segment.name, error=exc.message))
    return notes


def _batches(user_ids: list[int] | None) -> Iterator[list[int] | None]:
    if user_ids is None:
        yield None
        return
    iterator = iter(user_ids)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def snapshots_build(*, run_id: int, now: datetime) -> int:
    """One SegmentSnapshot per active segment for the run (replacing the run's earlier ones): size, revenue
    (members' spend), orders, average order value, repeat rate (buyers with 2+ orders / buyers) and the average
    essentials share. One aggregate query plus one bulk insert."""
    rows = sql.fetchall(
        f"""
        SELECT m.segment_id, COUNT(*), COALESCE(SUM(p.monetary), 0), COALESCE(SUM(p.frequency), 0),
            SUM(CASE WHEN p.frequency >= 2 THEN 1 ELSE 0 END), SUM(CASE WHEN p.frequency >= 1 THEN 1 ELSE 0 END),
            AVG(p.essentials_share)
        FROM {sql.table(SegmentMembership)} m
        JOIN {sql.table(CustomerProfile)} p ON p.run_id = m.run_id AND p.user_id = m.user_id
        WHERE m.run_id = :run_id
        GROUP BY m.segment_id
        """,  # noqa: S608 (table names from model meta)
        {"run_id": run_id},
    )
    figures = {row[0]: row[1:] for row in rows}
    snapshots = []
    for segment in _active_segments():
        size, revenue, orders, repeaters, buyers, share = figures.get(segment.pk, (0, 0, 0, 0, 0, None))
        snapshots.append(
            SegmentSnapshot(
                segment=segment,
                run_id=run_id,
                size=size,
                revenue=int(revenue),
                orders=int(orders),
                average_order_value=int(revenue) // int(orders) if orders else 0,
                repeat_rate=(repeaters / buyers) if buyers else 0.0,
                essentials_share=float(share) if share is not None else None,
                computed_at=now,
            )
        )
    SegmentSnapshot.objects.filter(run_id=run_id).delete()
    SegmentSnapshot.objects.bulk_create(snapshots)
    return len(snapshots)


def runs_rows_delete(*, run_ids: list[int]) -> int:
    """Delete the profiles, household essentials and memberships of obsolete runs (the run rows and their
    snapshots stay: they are the segments' history), and any such rows whose run no longer exists (the bulk tables
    have no foreign-key constraints; Django's cascade removes them when a run is deleted through the ORM, this
    catches a deletion behind its back), and the staging tables of runs that died before finalizing
    (crm.services.run_tables: on PostgreSQL whole partitions go). Best effort: a failure is logged, the next run
    retries."""
    try:
        stages_drop(keep=list(SegmentationRun.objects.filter(lock=True).values_list("pk", flat=True)))
        return runs_rows_drop(run_ids=run_ids)
    except Exception:
        logger.exception("could not delete rows of obsolete segmentation runs %s", run_ids)
        return 0


# --- incremental run ------------------------------------------------------------------------------------------------


def changed_customer_ids(*, since: datetime) -> list[int]:
    """Customers whose facts changed since `since`: orders placed, order status changes (paid, cancelled,
    refunded), sign-ups, and behaviour (feed's rollups, refreshed every 15 minutes). Four indexed queries."""
    from accounts.models import User
    from feed.selectors import activity_changed_since_queryset
    from shop.models import Order, OrderStatusEvent

    ids: set[int] = set(Order.objects.filter(placed_at__gte=since).values_list("user_id", flat=True))
    ids.update(OrderStatusEvent.objects.filter(created_at__gte=since).values_list("order__user_id", flat=True))
    ids.update(User.objects.filter(date_joined__gte=since).values_list("pk", flat=True))
    ids.update(activity_changed_since_queryset(since=since))
    return sorted(ids)


@sql.relaxed_commits
def segmentation_incremental_execute(*, run_id: int) -> None:
    """Patch the current full run for the customers that changed (see the module docstring). The run must be
    claimed (running). Marks it succeeded, or failed with the error (re-raised)."""
    run = SegmentationRun.objects.select_related("base_run").get(pk=run_id)
    try:
        base = current_run()
        if base is None:
            raise DomainError(_(RUN_NO_BASE), code="run_no_base")
        since = run.since or base.started_at or base.created_at
        user_ids = changed_customer_ids(since=since)
        run_progress(run_id=run_id, customers_total=len(user_ids), chunks_total=1, base_run=base)
        today, moment = _run_day(run)
        thresholds = lifecycle_thresholds()
        breakpoints: dict[str, Any] = base.rfm_breakpoints or {}
        with transaction.atomic():
            sql.tune_transaction()
            stage = stage_build(run_id=run_id, today=today, user_ids=user_ids)
            for batch in _batches(user_ids):
                profiles_delete(run_id=base.pk, user_ids=batch)
                profiles_insert(
                    run_id=base.pk,
                    today=today,
                    now=moment,
                    thresholds=thresholds,
                    breakpoints=breakpoints,
                    user_ids=batch,
                    stage=stage,
                )
                SegmentMembership.objects.filter(run_id=base.pk, user_id__in=batch).delete()  # type: ignore[misc]
            if user_ids:
                essentials_compute(run=base, today=today, user_ids=user_ids, stage=stage)
            stage_drop(stage)
            notes = memberships_build(run_id=base.pk, now=moment, user_ids=user_ids)
            snapshots_build(run_id=base.pk, now=moment)
        run_progress(run_id=run_id, customers=len(user_ids), chunks=1)
    except Exception as exc:
        _fail_on_error(run_id, "incremental", exc)
        raise
    run_succeed(run_id=run_id, notes="\n".join(notes))
