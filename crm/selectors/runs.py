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


def run_last_succeeded() -> SegmentationRun | None:
    """The newest succeeded run of either kind: an incremental run picks up changes since it started."""
    return (
        SegmentationRun.objects.filter(status=SegmentationRun.Status.SUCCEEDED).order_by("-finished_at", "-pk").first()
    )


def run_active() -> SegmentationRun | None:
    """The pending or running run, if any (at most one exists: the unique lock)."""
    return SegmentationRun.objects.filter(lock=True).select_related("requested_by").first()


def run_get(*, run_id: int) -> SegmentationRun | None:
    """One run with who asked for it, for the progress panel (poll it: progress_percent, chunks_done, status)."""
    return SegmentationRun.objects.select_related("requested_by").filter(pk=run_id).first()


def runs_recent(*, limit: int = 20) -> list[SegmentationRun]:
    """The latest runs, newest first, with who asked for them (one query)."""
    return list(SegmentationRun.objects.select_related("requested_by").order_by("-created_at", "-pk")[:limit])
