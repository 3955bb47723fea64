"""Celery tasks for surveys and the morning round (imported through CELERY_IMPORTS; crm/tasks.py is the engine's)."""

from celery import shared_task
from django.utils import timezone

from crm.services.rounds import rounds_build_all
from crm.services.surveys import DELIVERY_BATCH, survey_deliver_batch


@shared_task(name="crm.survey_deliver", bind=True, max_retries=5, default_retry_delay=30)
def survey_deliver_task(self, *, survey_id: int, batches: int = 0, max_batches: int = 1000) -> int:
    """Deliver one batch of a sent survey's feed items, then re-enqueue itself until none is left (at most
    `max_batches` times). Memory: one batch of invitations (DELIVERY_BATCH rows); a retried batch skips the
    invitations that already have their feed item."""
    delivered = survey_deliver_batch(survey_id=survey_id, now=timezone.now())
    if delivered >= DELIVERY_BATCH and batches + 1 < max_batches:
        survey_deliver_task.delay(survey_id=survey_id, batches=batches + 1, max_batches=max_batches)
    return delivered


@shared_task(name="crm.rounds_build")
def rounds_build_task() -> int:
    """Every morning (beat, 07:30 Seoul): today's 오늘 챙길 단골 list for every member of every team. Lists that
    already exist are kept as they are. Returns the rows written."""
    return rounds_build_all(today=timezone.localdate())
