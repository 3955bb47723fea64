"""Segments as feed audiences: every active segment is the audience "crm_segment_<pk>" of feed's registry, so
greetings and nudge rules can target it. Registered once in CrmConfig.ready() as a key-prefix provider, so a segment
created later validates in Greeting.clean at once.

A greeting is chosen on every page view, so membership is read from the cache: per customer, the ids of the
segments they belong to in the current run, under a version made of the current run and the newest succeeded
run (a full run's swap and an incremental patch both change it, and `audience_version_forget` drops it after they
commit). Cached: no query per greeting; cold: one query for the version (shared by all customers for a minute, kept
in process memory for a couple of seconds) and one for the customer's segments.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from config import local_memo
from crm.models import Segment
from crm.selectors.profiles import customer_segment_ids

logger = logging.getLogger(__name__)

PREFIX = "crm_segment_"
VERSION_KEY = "crm:audience:version"
VERSION_SECONDS = 60
MEMBER_SECONDS = 15 * 60


def _segment_id(key: str) -> int | None:
    tail = key.removeprefix(PREFIX)
    return int(tail) if tail.isdigit() else None


def _version_load() -> str:
    """'<current full run>.<newest succeeded run>' ('' before the first run)."""
    try:
        version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("audience cache unavailable", exc_info=True)
        version = None
    if version is not None:
        return version
    from crm.selectors.runs import current_run_id, run_last_succeeded

    current = current_run_id()
    latest = run_last_succeeded()
    version = f"{current}.{latest.pk}" if current and latest else ""
    try:
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    except Exception:
        logger.warning("audience cache unavailable", exc_info=True)
    return version


def audience_version() -> str:
    return local_memo.get(VERSION_KEY, _version_load)


def audience_version_forget() -> None:
    """Called after a run succeeds (on commit): the next greeting reads the new memberships."""
    local_memo.forget(VERSION_KEY)
    try:
        cache.delete(VERSION_KEY)
    except Exception:
        logger.warning("audience cache unavailable", exc_info=True)


def customer_segment_ids_cached(*, user_id: int) -> frozenset[int]:
    """The segments a customer is in (current run), from the cache when possible."""
    version = audience_version()
    if not version:
        return frozenset()
    key = f"crm:audience:{version}:{user_id}"
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return frozenset(cached)
    run_id = int(version.split(".")[0])
    ids = customer_segment_ids(user_id=user_id, run_id=run_id)
    try:
        cache.set(key, sorted(ids), MEMBER_SECONDS)
    except Exception:
        logger.warning("audience cache unavailable", exc_info=True)
    return frozenset(ids)


def _is_member(segment_id: int, context: Any, _days: int | None) -> bool:
    user = context.user
    if user is None:
        return False
    return segment_id in customer_segment_ids_cached(user_id=user.pk)


def _predicate_for(key: str):
    segment_id = _segment_id(key)
    return partial(_is_member, segment_id) if segment_id is not None else None


def _exists(key: str) -> bool:
    segment_id = _segment_id(key)
    return segment_id is not None and Segment.objects.filter(pk=segment_id, is_active=True).exists()


def _choices() -> list[tuple[str, str]]:
    segments = Segment.objects.filter(is_active=True).select_related("team").order_by("team__name", "name", "pk")
    return [
        (segment.audience_key, _("세그먼트: %(team)s · %(name)s") % {"team": segment.team.name, "name": segment.name})
        for segment in segments
    ]


def audiences_register() -> None:
    """Make every active segment a feed audience (CrmConfig.ready())."""
    from feed import audiences

    audiences.register_provider(
        audiences.Provider(prefix=PREFIX, predicate_for=_predicate_for, exists=_exists, choices=_choices)
    )
