"""Behaviour events: validate a beacon batch, store it in bulk, update the live counters, check nudge rules.

The batch format (JSON object, as sent by static/js/track.js):
    {"events": [{"type": "category_view", "ts": 1764000000000, "path": "/c/bags/", "category": 3,
                 "product": null, "store": null, "q": "", "dwell": 0, "utm": "instagram", "ref": ""}, ...]}
`ts` is epoch milliseconds; ids are positive integers; unknown keys are rejected.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import DomainError
from feed import counters
from feed.models import TrackedEvent, Visitor
from feed.services.visitors import visitor_previous_seen_forget

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_BATCH = 50
MAX_FUTURE = timedelta(minutes=10)
MAX_PAST = timedelta(hours=24)
MAX_ID = 2**53
MAX_DWELL = 3600
STRING_LIMITS = {"path": 300, "q": 100, "utm": 50, "ref": 300}
ID_FIELDS = ("category", "product", "store")
ALLOWED_KEYS = {"type", "ts", "dwell", *STRING_LIMITS, *ID_FIELDS}
REQUIRED_ID: dict[str, str] = {
    TrackedEvent.Type.CATEGORY_VIEW: "category",
    TrackedEvent.Type.PRODUCT_VIEW: "product",
    TrackedEvent.Type.STORE_VIEW: "store",
}

EVENTS_BODY_TOO_LARGE = "보낸 기록이 너무 커요."
EVENTS_NOT_JSON = "기록을 읽을 수 없어요. JSON 객체로 보내 주세요."
EVENTS_NOT_A_LIST = "events 목록이 필요해요."
EVENTS_EMPTY = "보낸 기록이 없어요."
EVENTS_TOO_MANY = "한 번에 50개까지만 보낼 수 있어요."
EVENT_NOT_AN_OBJECT = "{index}번째 기록이 객체가 아니에요."
EVENT_UNKNOWN_KEY = "{index}번째 기록에 모르는 항목({key})이 있어요."
EVENT_UNKNOWN_TYPE = "{index}번째 기록의 종류를 알 수 없어요."
EVENT_BAD_TIME = "{index}번째 기록의 시각이 올바르지 않아요."
EVENT_BAD_ID = "{index}번째 기록의 {key} 번호가 올바르지 않아요."
EVENT_MISSING_ID = "{index}번째 기록에 {key} 번호가 필요해요."
EVENT_BAD_STRING = "{index}번째 기록의 {key} 값이 올바르지 않거나 너무 길어요."
EVENT_BAD_DWELL = "{index}번째 기록의 머문 시간이 올바르지 않아요."
EVENT_SEARCH_EMPTY = "{index}번째 기록의 검색어가 비어 있어요."

VISITOR_TOUCH_SECONDS = 300


@dataclass(frozen=True)
class CleanEvent:
    type: str
    occurred_at: datetime
    path: str = ""
    category: int | None = None
    product: int | None = None
    store: int | None = None
    q: str = ""
    dwell: int = 0
    utm: str = ""
    ref: str = ""


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def events_parse(*, body: bytes, now: datetime) -> list[CleanEvent]:
    """Parse and validate one beacon body. Raises DomainError (400) with the first problem found."""
    if len(body) > MAX_BODY_BYTES:
        raise DomainError(_(EVENTS_BODY_TOO_LARGE), code="too_large", http_status=413)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DomainError(_(EVENTS_NOT_JSON), code="not_json") from exc
    if not isinstance(payload, dict):
        raise DomainError(_(EVENTS_NOT_JSON), code="not_json")
    raw_events = payload.get("events")
    if not isinstance(raw_events, list):
        raise DomainError(_(EVENTS_NOT_A_LIST), code="not_a_list")
    if not raw_events:
        raise DomainError(_(EVENTS_EMPTY), code="empty")
    if len(raw_events) > MAX_BATCH:
        raise DomainError(_(EVENTS_TOO_MANY), code="too_many")
    known_types = set(TrackedEvent.Type.values)
    earliest, latest = now - MAX_PAST, now + MAX_FUTURE
    cleaned: list[CleanEvent] = []
    for index, raw in enumerate(raw_events, start=1):
        if not isinstance(raw, dict):
            raise DomainError(_(EVENT_NOT_AN_OBJECT).format(index=index))
        for key in raw:
            if key not in ALLOWED_KEYS:
                raise DomainError(_(EVENT_UNKNOWN_KEY).format(index=index, key=str(key)[:20]))
        kind = raw.get("type")
        if not isinstance(kind, str) or kind not in known_types:
            raise DomainError(_(EVENT_UNKNOWN_TYPE).format(index=index))
        ts = raw.get("ts")
        if not _is_int(ts) or not 0 < ts < 2**47:
            raise DomainError(_(EVENT_BAD_TIME).format(index=index))
        occurred_at = datetime.fromtimestamp(ts / 1000, tz=UTC)
        if not earliest <= occurred_at <= latest:
            raise DomainError(_(EVENT_BAD_TIME).format(index=index))
        ids: dict[str, int | None] = {}
        for key in ID_FIELDS:
            value = raw.get(key)
            if value is not None and (not _is_int(value) or not 0 < value < MAX_ID):
                raise DomainError(_(EVENT_BAD_ID).format(index=index, key=key))
            ids[key] = value
        needed = REQUIRED_ID.get(kind)
        if needed and ids[needed] is None:
            raise DomainError(_(EVENT_MISSING_ID).format(index=index, key=needed))
        strings: dict[str, str] = {}
        for key, limit in STRING_LIMITS.items():
            value = raw.get(key, "")
            if value is None:
                value = ""
            if not isinstance(value, str) or len(value) > limit or "\x00" in value:
                raise DomainError(_(EVENT_BAD_STRING).format(index=index, key=key))
            strings[key] = value.strip()
        if kind == TrackedEvent.Type.SEARCH and not strings["q"]:
            raise DomainError(_(EVENT_SEARCH_EMPTY).format(index=index))
        dwell = raw.get("dwell", 0)
        if dwell is None:
            dwell = 0
        if not _is_int(dwell) or not 0 <= dwell <= MAX_DWELL:
            raise DomainError(_(EVENT_BAD_DWELL).format(index=index))
        cleaned.append(CleanEvent(type=kind, occurred_at=occurred_at, dwell=dwell, **ids, **strings))  # type: ignore[arg-type]
    return cleaned


def tracking_allowed(*, user: Any, dnt: bool) -> bool:
    if dnt:
        return False
    return not (user is not None and getattr(user, "tracking_opted_out", False))


def visitor_touch(*, visitor_id: UUID, user: Any, now: datetime, due: bool | None = None) -> None:
    """Make sure the Visitor row exists and its last/previous visit are current (at most every 5 minutes).

    `due` says whether the 5-minute slot was already claimed by the caller (the Redis prelude)."""
    if due is None:
        try:
            due = cache.add(f"vt:{visitor_id}", 1, VISITOR_TOUCH_SECONDS)
        except Exception:
            due = True
    if not due:
        return
    with transaction.atomic():
        relaxed_commit()  # a visit stamp is not money
        visitor, created = Visitor.objects.get_or_create(
            pk=visitor_id, defaults={"user": user, "first_seen": now, "last_seen": now}
        )
    if created:
        return
    updates: dict[str, Any] = {"last_seen": now}
    if timezone.localdate(visitor.last_seen) < timezone.localdate(now):
        updates["previous_seen"] = visitor.last_seen
    if user is not None and visitor.user_id != user.pk:
        updates["user"] = user
    Visitor.objects.filter(pk=visitor_id).update(**updates)
    if "previous_seen" in updates:
        visitor_previous_seen_forget(visitor_id)


def events_record(*, visitor_id: UUID, user: Any, events: list[CleanEvent], now: datetime) -> int:
    """Store a validated batch, update the counters, and let the nudge rules look at it.

    On Redis the visitor-touch slot, the rule list, the write-behind buffer and the product viewers cost
    one round trip together (counters.redis_prelude), and the rule counters one more when a rule matched.
    Returns how many events were accepted. The counters and rules fail soft: with the cache down the events
    are still stored (directly) and nothing fires. Nudges fire through services.nudges.
    """
    from feed.services.nudges import RULES_CACHE_KEY, nudges_check_batch

    user_id = user.pk if user is not None else None
    viewed = [e.product for e in events if e.type == TrackedEvent.Type.PRODUCT_VIEW and e.product]
    client = counters.redis_client()
    prelude = None
    if client is not None:
        try:
            prelude = counters.redis_prelude(
                client,
                visitor_id=str(visitor_id),
                touch_key=f"vt:{visitor_id}",
                touch_seconds=VISITOR_TOUCH_SECONDS,
                rules_key=RULES_CACHE_KEY,
                buffer_key=BUFFER_KEY,
                buffer_values=_buffer_values(visitor_id=visitor_id, user_id=user_id, events=events, now=now)
                if buffering_enabled()
                else [],
                viewed=viewed,
                now_ts=now.timestamp(),
            )
        except Exception:
            logger.warning("Redis unavailable: events stored directly, no live counters", exc_info=True)
            visitor_touch(visitor_id=visitor_id, user=user, now=now, due=True)
            events_store(rows=[_row(visitor_id=visitor_id, user_id=user_id, event=e, now=now) for e in events])
            return len(events)
    if prelude is not None:
        due, cached_specs, buffered = prelude
        visitor_touch(visitor_id=visitor_id, user=user, now=now, due=due)
    else:
        cached_specs, buffered = None, False
        visitor_touch(visitor_id=visitor_id, user=user, now=now)
    if not buffered:
        events_store(rows=[_row(visitor_id=visitor_id, user_id=user_id, event=e, now=now) for e in events])
    try:
        if prelude is None and viewed:
            counters.viewers_add(viewed, str(visitor_id), now.timestamp())
        nudges_check_batch(visitor_id=visitor_id, user=user, events=events, now=now, cached_specs=cached_specs)  # type: ignore[arg-type]
    except Exception:
        if getattr(settings, "FEED_RAISE_COUNTER_ERRORS", False):
            raise
        logger.warning("live counters unavailable; events stored without nudges", exc_info=True)
    return len(events)


# Write-behind buffer. With FEED_EVENT_BUFFER on (production), a batch is one RPUSH to Redis and the beat task
# feed.flush_events moves the rows to PostgreSQL in large bulk inserts, so the beacon never waits for the
# database. With the buffer off (development, tests) or Redis unreachable, rows are inserted at once.
BUFFER_KEY = "feed:events:buffer"
FLUSH_CHUNK = 200  # batches (up to 50 events each) per bulk insert


def buffering_enabled() -> bool:
    return bool(getattr(settings, "FEED_EVENT_BUFFER", False))


def _row(*, visitor_id: UUID, user_id: int | None, event: CleanEvent, now: datetime) -> TrackedEvent:
    return TrackedEvent(
        visitor_id=visitor_id,
        user_id=user_id,
        type=event.type,
        path=event.path,
        category_id=event.category,
        product_id=event.product,
        store_id=event.store,
        query=event.q,
        dwell_seconds=event.dwell,
        utm_source=event.utm,
        referrer=event.ref,
        occurred_at=event.occurred_at,
        received_at=now,
    )


def relaxed_commit() -> None:
    """Inside an atomic block on PostgreSQL: let this transaction's commit return before the WAL is flushed.

    For rows that are not money (behaviour, nudge exposures, feed items): a crash may lose the last instant
    of them, but visibility, locks and unique constraints work exactly as before."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def events_store(*, rows: list[TrackedEvent]) -> int:
    """Insert behaviour rows in bulk. Behaviour is not money, so on PostgreSQL the commit does not wait for
    the WAL flush (a crash may lose the last instant of clicks, never an order or a coupon)."""
    if not rows:
        return 0
    with transaction.atomic():
        relaxed_commit()
        TrackedEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _buffer_values(*, visitor_id: UUID, user_id: int | None, events: list[CleanEvent], now: datetime) -> list[str]:
    """One buffer entry per batch: [visitor, user, received_ms, [[type, path, category, product, store, q,
    dwell, utm, ref, occurred_ms], ...]] (one json.dumps and one list element for the whole batch)."""
    rows = [
        [
            e.type,
            e.path,
            e.category,
            e.product,
            e.store,
            e.q,
            e.dwell,
            e.utm,
            e.ref,
            int(e.occurred_at.timestamp() * 1000),
        ]
        for e in events
    ]
    return [json.dumps([str(visitor_id), user_id, int(now.timestamp() * 1000), rows], ensure_ascii=False)]


def _from_buffer(value: bytes) -> list[TrackedEvent]:
    vid, user_id, received, rows = json.loads(value)
    visitor_id = UUID(vid)
    received_at = datetime.fromtimestamp(received / 1000, tz=UTC)
    return [
        TrackedEvent(
            visitor_id=visitor_id,
            user_id=user_id,
            type=kind,
            path=path,
            category_id=category,
            product_id=product,
            store_id=store,
            query=q,
            dwell_seconds=dwell,
            utm_source=utm,
            referrer=ref,
            occurred_at=datetime.fromtimestamp(occurred / 1000, tz=UTC),
            received_at=received_at,
        )
        for kind, path, category, product, store, q, dwell, utm, ref, occurred in rows
    ]


def events_flush(*, limit: int = 50_000) -> int:
    """Move buffered events to the database, FLUSH_CHUNK at a time (LRANGE+LTRIM in one MULTI, so two
    flushers never take the same rows). A chunk that fails to insert is pushed back. Returns rows stored."""
    client = counters.redis_client()
    if client is None:
        return 0
    key = counters.full_key(BUFFER_KEY)
    stored = 0
    while stored < limit:
        pipe = client.pipeline(transaction=True)
        pipe.lrange(key, 0, FLUSH_CHUNK - 1)
        pipe.ltrim(key, FLUSH_CHUNK, -1)
        chunk, _trimmed = pipe.execute()
        if not chunk:
            break
        try:
            stored += events_store(rows=[row for value in chunk for row in _from_buffer(value)])
        except Exception:
            client.lpush(key, *reversed(chunk))
            raise
    return stored
