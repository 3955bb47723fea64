"""Shop's Celery tasks: thin wrappers that load ids and call one service each (beat runs them daily)."""

import logging

from celery import shared_task

from accounts.models import User
from shop.services.points import point_expire_due_users, point_expire_for_user

logger = logging.getLogger(__name__)


@shared_task(name="shop.points_expire")
def points_expire_task() -> int:
    """Write expire entries for every customer whose points have expired; returns how many customers.

    Idempotent: each customer's due amount is computed from the ledger under their account lock, so a second
    run (or a run racing a checkout) writes nothing more. Memory: one list of user ids.
    """
    expired = 0
    for user in User.objects.filter(pk__in=point_expire_due_users()).order_by("pk").iterator(chunk_size=500):
        if point_expire_for_user(user=user) is not None:
            expired += 1
    logger.info("points expired for %d customers", expired)
    return expired
