"""Brute-force limits (log-in, sign-up, password reset, coupon codes), counted per account and per IP in the
shared cache (Redis in production, so every web process sees the same counts).

Two ways to count, both fixed windows that start at the first counted attempt:
- `failures_check` / `failure_record` / `failures_clear`: only failed attempts count (a wrong password, an
  unknown coupon code) and a success clears the account's count, so a shopper who types well is never slowed;
  once `limit` failures fall in the window, every attempt is refused until the window ends.
- `attempt_hit`: every attempt counts (sign-up, password-reset mails), refused past `limit` in the window.

A refusal raises RateLimited (HTTP 429) whose Korean message says how long to wait; the API turns it into
`{"detail": ..., "code": "rate_limited"}` with a Retry-After header, the pages into a form error with the same
header. A dead cache fails open: nobody is locked out because the counter could not be read.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.errors import DomainError

logger = logging.getLogger(__name__)

TOO_MANY_ATTEMPTS = gettext_noop("시도가 너무 많아요. 보안을 위해 {wait} 뒤에 다시 시도해 주세요.")
WAIT_SECONDS = gettext_noop("{n}초")
WAIT_MINUTES = gettext_noop("{n}분")


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window_seconds: int


class RateLimited(DomainError):
    http_status = 429
    code = "rate_limited"

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(_(TOO_MANY_ATTEMPTS).format(wait=_wait_text(self.retry_after)))


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return _(WAIT_SECONDS).format(n=seconds)
    return _(WAIT_MINUTES).format(n=math.ceil(seconds / 60))


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind our own proxies (DJANGO_PROXY_COUNT of them, each appending
    to X-Forwarded-For) the entry the outermost one added; entries further left are the client's to invent."""
    proxies = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(limit: Limit, subject: str) -> tuple[str, str]:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]  # no user names or IPs in Redis keys
    base = f"rl:{limit.scope}:{digest}"
    return f"{base}:n", f"{base}:since"


def _wait(limit: Limit, since_key: str, now: float) -> int:
    since = cache.get(since_key)
    started = since if isinstance(since, int | float) else now
    return math.ceil(started + limit.window_seconds - now)


def failures_check(*pairs: tuple[Limit, str]) -> None:
    """Raise RateLimited when any (limit, subject) already reached its limit of failures in its window."""
    now = time.time()
    try:
        for limit, subject in pairs:
            count_key, since_key = _keys(limit, subject)
            if (cache.get(count_key) or 0) >= limit.limit:
                wait = _wait(limit, since_key, now)
                if wait > 0:
                    raise RateLimited(retry_after=wait)
                cache.delete_many([count_key, since_key])  # the window is over by our clock: a fresh start
    except RateLimited:
        raise
    except Exception:
        logger.warning("brute-force counter unavailable", exc_info=True)


def failure_record(*pairs: tuple[Limit, str]) -> None:
    for limit, subject in pairs:
        _count(limit, subject)


def failures_clear(*pairs: tuple[Limit, str]) -> None:
    try:
        cache.delete_many([key for limit, subject in pairs for key in _keys(limit, subject)])
    except Exception:
        logger.warning("brute-force counter unavailable", exc_info=True)


def attempt_hit(*pairs: tuple[Limit, str]) -> None:
    """Count one attempt for every pair; raise RateLimited when one of them went past its limit."""
    waits = [wait for limit, subject in pairs if (wait := _count(limit, subject)) > 0]
    if waits:
        raise RateLimited(retry_after=max(waits))


def _count(limit: Limit, subject: str) -> int:
    """Add one to the counter (starting the window on the first); the seconds to wait when past the limit, else 0."""
    count_key, since_key = _keys(limit, subject)
    now = time.time()
    ttl = limit.window_seconds
    try:
        if cache.add(count_key, 1, ttl):
            cache.set(since_key, now, ttl)
            count = 1
        else:
            try:
                count = cache.incr(count_key)
            except ValueError:  # expired between add and incr
                cache.set(count_key, 1, ttl)
                cache.set(since_key, now, ttl)
                count = 1
    except Exception:
        logger.warning("brute-force counter unavailable", exc_info=True)
        return 0
    return _wait(limit, since_key, now) if count > limit.limit else 0
