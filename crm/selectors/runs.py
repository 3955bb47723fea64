"""Which segmentation run is current. Profiles, household essentials and memberships are read through it."""

from crm.models import SegmentationRun


def current_run() -> SegmentationRun | None:
    """The newest succeeded full run: its rows are the live profiles and memberships (None before the first run).

    A full run becomes current by one UPDATE of its status, so a reader sees either the old run's rows or the new
    run's, never a mix. Incremental runs update the current run's rows in place inside one transaction.
    """
    return (
        SegmentationRun.objects.filter(kind=SegmentationRun.Kind.FULL, status=SegmentationRun.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def current_run_id() -> int | None:
    run = current_run()
    return run.pk if run else None
