"""Reads of customer profiles and the lifecycle thresholds, always through the current run (crm.selectors.runs)."""

from __future__ import annotations

from crm.models import CustomerProfile, LifecycleThresholds, SegmentMembership
from crm.selectors.runs import current_run_id


def lifecycle_thresholds() -> LifecycleThresholds:
    """The thresholds row (pk=1), or unsaved defaults when no admin has saved one yet. One query."""
    return LifecycleThresholds.objects.filter(pk=1).first() or LifecycleThresholds(pk=1)


def customer_profile(*, user_id: int, run_id: int | None = None) -> CustomerProfile | None:
    """A customer's profile in the current run (or `run_id`); None before the first run or for staff."""
    run_id = run_id if run_id is not None else current_run_id()
    if run_id is None:
        return None
    return CustomerProfile.objects.filter(run_id=run_id, user_id=user_id).first()


def customer_segment_ids(*, user_id: int, run_id: int | None = None) -> set[int]:
    """Ids of the segments the customer belongs to in the current run (or `run_id`). One query."""
    run_id = run_id if run_id is not None else current_run_id()
    if run_id is None:
        return set()
    return set(SegmentMembership.objects.filter(run_id=run_id, user_id=user_id).values_list("segment_id", flat=True))
