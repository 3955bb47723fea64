"""Per-user rate limits for community writes (posts, comments, reports, uploads), counted in the shared cache.

A fixed window per key: the first hit in a window creates the counter with the window as its TTL, every later hit
increments it, and a hit past the limit raises DomainError (HTTP 429) with a message that says when to try again.
Services call it before writing, so a page shows the message as a form error and the API answers
`{"detail": ..., "code": "rate_limited"}`, never a 500.

The counter lives in the default cache (Redis in production: shared by every process; locmem on the embedded
default: per process, which is enough for `make run`). If Redis is down the limit fails open: a write is never
refused because the counter could not be read.
"""

import logging
import math
import time

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.errors import DomainError

logger = logging.getLogger(__name__)

RATE_LIMITED = gettext_noop("너무 자주 올리고 있어요. {wait} 뒤에 다시 시도해 주세요.")
WAIT_SECONDS = gettext_noop("{n}초")
WAIT_MINUTES = gettext_noop("{n}분")


def _wait_text(seconds: int) -> str:
    seconds = max(1, seconds)
    if seconds < 60:
        return _(WAIT_SECONDS).format(n=seconds)
    return _(WAIT_MINUTES).format(n=(seconds + 59) // 60)


def ratelimit_hit(*, key: str, limit: int, window_seconds: int) -> None:
    """Count one action under `key` (e.g. "post:user:42") and raise once more than `limit` fell in the window.

    Raises DomainError(code="rate_limited", http_status=429) whose message says how long to wait. The refused hit
    is counted too, so hammering does not open the window early. Fails open when the cache is unreachable.
    """
    if limit <= 0 or window_seconds <= 0:
        return
    now = time.time()
    window = int(now // window_seconds)
    cache_key = f"rl:{key}:{window_seconds}:{window}"
    try:
        cache.add(cache_key, 0, window_seconds + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the counter expired between add and incr
            cache.set(cache_key, 1, window_seconds + 1)
            count = 1
    except Exception:  # a dead cache must not stop people from writing
        logger.warning("rate limit counter unavailable for %s", key, exc_info=True)
        return
    if count > limit:
        wait = math.ceil((window + 1) * window_seconds - now)
        raise DomainError(_(RATE_LIMITED).format(wait=_wait_text(wait)), code="rate_limited", http_status=429)
