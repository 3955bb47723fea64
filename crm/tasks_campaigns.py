"""Celery tasks for campaigns and the two-yearly consent notice (imported through CELERY_IMPORTS)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from config.errors import DomainError
from crm.services.campaigns import (
    campaign_batch_deliver,
    campaign_launch,
    campaigns_launch_due,
    campaigns_resume_stalled,
)
from crm.services.consent_notices import consent_notices_send


@shared_task(name="crm.campaign_launch")
def campaign_launch_task(*, campaign_id: int) -> int:
    """Draw the audience and queue the delivery batches. Idempotent: only a scheduled campaign is launched."""
    return campaign_launch(campaign_id=campaign_id)


@shared_task(
    name="crm.campaign_batch",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, DomainError),
    retry_backoff=2,
    max_retries=5,
)
def campaign_batch_task(*, campaign_id: int, lo: int, hi: int) -> int:
    """One range of recipient ids, delivered in one transaction. Redelivered or retried, it sends nothing twice
    (rows are claimed with a conditional update). Memory: one batch's ids (CRM_CAMPAIGN_BATCH, 5,000 by default);
    time: well under a second per batch on PostgreSQL. Returns the feed items delivered."""
    return campaign_batch_deliver(campaign_id=campaign_id, lo=lo, hi=hi).delivered


@shared_task(name="crm.campaigns_due")
def campaigns_due_task() -> int:
    """Every minute (beat): launch the scheduled campaigns whose time has come and re-queue the batches of any
    campaign stuck sending (a lost task). Returns the campaigns launched."""
    launched = campaigns_launch_due()
    campaigns_resume_stalled()
    return len(launched)


@shared_task(name="crm.consent_notices")
def consent_notices_task() -> int:
    """Daily (beat): tell customers whose marketing consent is two years old what they consented to."""
    return consent_notices_send()
