from celery import shared_task
from django.utils import timezone

from feed.services import abandoned_carts_check


@shared_task(name="feed.abandoned_carts")
def abandoned_carts_task() -> int:
    """Every few minutes (beat): nudge visitors whose cart has been left alone past a cart rule's window."""
    return abandoned_carts_check(now=timezone.now())
