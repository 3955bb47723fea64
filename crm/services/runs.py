"""The life of a segmentation run: start (one at a time), progress, failure, and the atomic swap.

A run is `pending` when created, `running` once a worker picks it up, then `succeeded` or `failed`. While pending or
running it holds `lock = TRUE`, and the unique constraint on `lock` lets only one run exist in those states: a
second start fails on that constraint, whoever wins the race. A run whose heartbeat is older than
CRM_SEGMENTATION_STALE_MINUTES (its worker died) is marked failed by the next start, so it never blocks forever.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial, update_wrapper

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from crm.models import SegmentationRun
from crm.selectors.runs import current_run, run_last_succeeded

Kind = SegmentationRun.Kind
Status = SegmentationRun.Status

RUN_ALREADY_ACTIVE = gettext_noop("이미 계산 중이에요. 끝나면 다시 시작할 수 있어요.")
RUN_KIND_UNKNOWN = gettext_noop("알 수 없는 계산 종류예요.")
RUN_STALE = gettext_noop("진행 보고가 {minutes}분 넘게 없어서 멈춘 것으로 보고 실패 처리했어요.")
ACTIVE = (Status.PENDING, Status.RUNNING)


def stale_minutes() -> int:
    return int(getattr(settings, "CRM_SEGMENTATION_STALE_MINUTES", 30))


def runs_expire_stale() -> int:
    """Mark failed (and unlock) every pending/running run whose last heartbeat (or creation) is older than the
    stale limit. One conditional UPDATE; returns how many it released."""
    minutes = stale_minutes()
    now = timezone.now()
    return (
        SegmentationRun.objects.filter(lock=True)
        .alias(last_sign=Coalesce("heartbeat_at", "created_at"))
        .filter(last_sign__lt=now - timedelta(minutes=minutes))
        .update(status=Status.FAILED, lock=None, finished_at=now, error=_(RUN_STALE).format(minutes=minutes))
    )


def segmentation_run_start(
    *, kind: str = Kind.FULL, requested_by: User | None = None, trigger: str = "manual"
) -> SegmentationRun:
    """Create a pending run and queue its work after commit (crm.tasks.segmentation_run_task).

    Releases stale runs first. Raises DomainError (409, code "run_active") while another run is pending or
    running: the unique `lock` decides between two concurrent starts, so exactly one of them gets a run. An
    incremental run needs a current full run to patch; without one this starts a full run instead. The task is
    queued with `on_commit(robust=True)`: in eager mode (make run) the run executes right after the commit, and an
    error inside it is recorded on the run (status failed) rather than raised into the caller's request.
    """
    if kind not in Kind.values:
        raise DomainError(_(RUN_KIND_UNKNOWN), code="run_kind")
    runs_expire_stale()
    base = current_run()
    if kind == Kind.INCREMENTAL and base is None:
        kind = Kind.FULL
    since = None
    if kind == Kind.INCREMENTAL:
        last = run_last_succeeded()
        since = last.started_at if last and last.started_at else base.started_at  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            run = SegmentationRun.objects.create(
                kind=kind,
                status=Status.PENDING,
                lock=True,
                requested_by=requested_by,
                trigger=trigger[:20],
                created_at=timezone.now(),
                heartbeat_at=timezone.now(),
                base_run=base if kind == Kind.INCREMENTAL else None,
                since=since,
            )
    except IntegrityError as exc:
        raise DomainError(_(RUN_ALREADY_ACTIVE), code="run_active", http_status=409) from exc
    transaction.on_commit(update_wrapper(partial(_run_enqueue, run_id=run.pk), _run_enqueue), robust=True)
    return run


def _run_enqueue(*, run_id: int) -> None:
    from crm.tasks import segmentation_run_task as _task

    _task.delay(run_id=run_id)


def run_claim(*, run_id: int) -> bool:
    """pending -> running (started_at, heartbeat). False when the run is no longer pending (a duplicate delivery,
    or it was expired): the caller then does nothing."""
    now = timezone.now()
    return bool(
        SegmentationRun.objects.filter(pk=run_id, status=Status.PENDING).update(
            status=Status.RUNNING, started_at=now, heartbeat_at=now
        )
    )


def run_is_running(*, run_id: int) -> bool:
    return SegmentationRun.objects.filter(pk=run_id, status=Status.RUNNING).exists()


def run_progress(*, run_id: int, customers: int = 0, chunks: int = 0, **fields: object) -> None:
    """Add to the run's progress counters and beat its heartbeat in one UPDATE (F() so parallel range tasks
    never overwrite each other's counts). Extra fields (customers_total, chunks_total) are set as given."""
    SegmentationRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
        customers_processed=F("customers_processed") + customers,
        chunks_done=F("chunks_done") + chunks,
        heartbeat_at=timezone.now(),
        **fields,
    )


def run_fail(*, run_id: int, error: str) -> bool:
    """Mark an active run failed with the error and release the lock. Rows it wrote stay unused (no reader looks
    at a failed run) and the next successful run deletes them. Returns False when it was no longer active."""
    return bool(
        SegmentationRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
            status=Status.FAILED, lock=None, finished_at=timezone.now(), error=error[:4000]
        )
    )


def run_succeed(*, run_id: int, notes: str = "") -> bool:
    """The swap: one UPDATE sets the running run succeeded and unlocks it. For a full run this makes its rows the
    current ones for every reader at once (crm.selectors.runs.current_run). False when the run was no longer
    running (expired as stale meanwhile): its work is then discarded. After commit, the household essentials that
    became due get their feed reminder (crm.essentials_remind: daytime only, once per due date)."""
    from crm.audiences import audience_version_forget
    from crm.tasks_households import essentials_remind_task as _remind_task

    now = timezone.now()
    transaction.on_commit(audience_version_forget)
    swapped = bool(
        SegmentationRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            status=Status.SUCCEEDED,
            lock=None,
            finished_at=now,
            heartbeat_at=now,
            customers_processed=F("customers_total"),
            error=notes[:4000],
        )
    )
    if swapped:
        transaction.on_commit(_remind_task.delay, robust=True)
    return swapped


def runs_obsolete_ids(*, keep: list[int]) -> list[int]:
    """Full runs whose rows nobody reads any more: finished, and neither the current nor the previous current run
    (a reader that looked up the current run just before a swap still finds the previous run's rows)."""
    return list(
        SegmentationRun.objects.filter(kind=Kind.FULL)
        .filter(~Q(status__in=ACTIVE))
        .exclude(pk__in=keep)
        .values_list("pk", flat=True)
    )
