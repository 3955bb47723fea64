"""Tasks that prove the Celery machinery itself works (no business rules here)."""

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task(name="config.ping")
def ping(echo: str = "pong") -> dict[str, str]:
    """Round trip through broker and worker: answers with `echo` and the worker's name after touching the DB."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"echo": echo, "worker": ping.request.hostname or "eager"}


@shared_task(name="config.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Scheduled by beat every BEAT_HEARTBEAT_SECONDS; the worker stamps the time it ran into the cache."""
    at = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, at, timeout=60 * 60)
    return at
