"""Community's Celery tasks: thin wrappers that load ids and call one service."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="community.image_renditions_make", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def image_renditions_make_task(*, image_id: int) -> bool:
    """After an upload commits: the 480/960/1440 px display sizes of one picture. Safe to run twice."""
    from community.images import image_renditions_make

    return image_renditions_make(image_id=image_id) is not None


@shared_task(name="community.tour_views_prune")
def tour_views_prune_task() -> int:
    """Daily (beat): forget per-visitor view rows of past days; only today's are needed to count people once."""
    from community.services.social import tour_views_prune

    return tour_views_prune(now=timezone.now())
