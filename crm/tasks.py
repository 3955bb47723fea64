"""crm's Celery tasks: thin wrappers that take ids and call one service each.

Segmentation (crm.services.segmentation): `segmentation_run_task` claims a run and fans out one
`segmentation_chunk_task` per customer-id range in a chord whose callback is `segmentation_finalize_task`.
Beat starts `segmentation_scheduled_task` nightly (full) and every 15 minutes (incremental); admins change those
schedules in Django admin (django-celery-beat's periodic tasks) without a deploy.
"""

from __future__ import annotations

import logging

from celery import shared_task

from config.errors import DomainError
from crm.models import SegmentationRun
from crm.services.runs import segmentation_run_start
from crm.services.segmentation import segmentation_chunk_compute, segmentation_finalize, segmentation_run_execute

logger = logging.getLogger(__name__)


@shared_task(name="crm.segmentation_run")
def segmentation_run_task(*, run_id: int) -> None:
    """Claim the pending run and start its work. Idempotent: a run that is no longer pending is left alone.
    Memory: the list of id ranges (one pair per CRM_SEGMENTATION_CHUNK customers)."""
    segmentation_run_execute(run_id=run_id)


@shared_task(name="crm.segmentation_chunk", acks_late=True, reject_on_worker_lost=True)
def segmentation_chunk_task(*, run_id: int, lo: int, hi: int) -> int:
    """One range of customers' profiles: one INSERT ... SELECT over the run's staged purchases, in one transaction
    (delete + insert, so a redelivered task writes the same rows). Memory: constant (the database does the work)."""
    return segmentation_chunk_compute(run_id=run_id, lo=lo, hi=hi)


@shared_task(name="crm.segmentation_finalize", acks_late=True, reject_on_worker_lost=True)
def segmentation_finalize_task(*, run_id: int) -> bool:
    """Scores, essentials, memberships, snapshots and the swap, over the whole run. Idempotent: it acts only on a
    running run, and the swap is a conditional UPDATE."""
    return segmentation_finalize(run_id=run_id)


@shared_task(name="crm.segmentation_scheduled")
def segmentation_scheduled_task(*, kind: str = SegmentationRun.Kind.FULL) -> int | None:
    """Beat's entry point: start a run of `kind` unless one is already running (then skip until next time).
    Returns the new run's id."""
    try:
        run = segmentation_run_start(kind=kind, trigger="schedule")
    except DomainError as exc:
        logger.info("scheduled %s segmentation skipped: %s", kind, exc.message)
        return None
    return run.pk
