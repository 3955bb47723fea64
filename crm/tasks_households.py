"""Celery task for household essentials reminders (imported through CELERY_IMPORTS; crm/tasks.py is the engine's)."""

from celery import shared_task
from django.utils import timezone

from crm.selectors.runs import current_run
from crm.services.reminders import REMIND_HOURS, essentials_remind_due


@shared_task(name="crm.essentials_remind")
def essentials_remind_task() -> int:
    """Daily at 10:00 Seoul (beat) and after every segmentation run: feed reminders for the current run's due and
    overdue essentials. Outside 08:00-21:00 Seoul it does nothing (a night-time run leaves them to the 10:00 beat).
    Safe to run twice: each due date is reminded once. Returns the feed items created.
    """
    now = timezone.localtime()
    if not REMIND_HOURS[0] <= now.hour < REMIND_HOURS[1]:
        return 0
    run = current_run()
    if run is None:
        return 0
    return essentials_remind_due(run=run, today=now.date())
