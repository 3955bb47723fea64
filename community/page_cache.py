"""Visitors' copies of 집들이 pages, each valid only under the stamp it was rendered at
(community.services.page_versions).

A page view first looks in this process: the stamp as this process last saw it (config.local_memo, at most
LOCAL_SECONDS old, and the process that replaced it knows at once) and the copy kept here under that stamp. Failing
that, one round trip to the shared cache fetches the copy and the current stamp together, and a copy whose stamp was
replaced is rendered again. A dead shared cache renders every time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache, caches
from django.utils.translation import get_language

from community.services.page_versions import stamp_current
from config import local_memo

logger = logging.getLogger(__name__)
NEAR_SECONDS = 60  # a copy kept in process memory; it is still checked against the stamp on every use


def stamped_copy(*, key_parts: Iterable[Any], stamp_key: str, seconds: int, render: Callable[[], Any]) -> Any:
    """The copy for `key_parts` (and the active language) rendered under the current stamp, else render() stored
    with that stamp for `seconds` (at most, so anything a stamp does not cover lags by that much). A render() that
    returns None (nothing to show) is not stored."""
    raw = "|".join(str(part) for part in (get_language(), *key_parts))
    key = "community:copy:" + hashlib.sha256(raw.encode()).hexdigest()
    near = caches["local"]
    stamp = local_memo.peek(stamp_key)
    if stamp is not None:
        entry = near.get(key)
        if entry is not None and entry[0] == stamp:
            return entry[1]
    try:
        found = cache.get_many([key, stamp_key])
        stamp = stamp_current(stamp_key, found.get(stamp_key))
    except Exception:
        logger.warning("shared cache unavailable for %s", stamp_key, exc_info=True)
        return render()
    local_memo.set(stamp_key, stamp)
    entry = found.get(key)
    if entry is None or entry[0] != stamp:
        # Rendered after the stamp was read: a change committed meanwhile has replaced it, so this copy expires.
        entry = (stamp, render())
        if entry[1] is None:
            return None
        try:
            cache.set(key, entry, seconds)
        except Exception:
            logger.warning("shared cache unavailable for %s", key, exc_info=True)
    near.set(key, entry, min(seconds, NEAR_SECONDS))
    return entry[1]
