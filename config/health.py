"""/healthz: is every configured part of the stack answering?"""

import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

CHECK_TIMEOUT_SECONDS = 1.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from config.celery import app

    # The URL comes from settings at request time so a check always probes what Django is configured with.
    with app.connection_for_write(url=settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT_SECONDS)


def check_channel_layer() -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        import asyncio

        channel = await asyncio.wait_for(layer.new_channel(), CHECK_TIMEOUT_SECONDS)
        await asyncio.wait_for(layer.send(channel, {"type": "healthz.ping"}), CHECK_TIMEOUT_SECONDS)
        message = await asyncio.wait_for(layer.receive(channel), CHECK_TIMEOUT_SECONDS)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("channel layer returned a different message")

    async_to_sync(round_trip)()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "channel_layer": check_channel_layer,
}


def describe_backend(part: str) -> str:
    if part == "database":
        return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if part == "cache":
        return "redis" if "redis" in settings.CACHES["default"]["BACKEND"].lower() else "locmem"
    if part == "broker":
        return "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "redis"
    return "redis" if "redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower() else "in-memory"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    parts: dict[str, dict[str, str]] = {}
    failing: list[str] = []
    for part, check in CHECKS.items():
        backend = describe_backend(part)
        try:
            check()
        except Exception as exc:  # a health check reports every failure, whatever its type
            parts[part] = {"status": "error", "backend": backend, "error": f"{type(exc).__name__}: {exc}"[:300]}
            failing.append(f"{part} ({backend})")
        else:
            parts[part] = {"status": "ok", "backend": backend}
    body = {"status": "ok" if not failing else "error", "failing": failing, "parts": parts}
    return JsonResponse(body, status=200 if not failing else 503)
