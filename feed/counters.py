"""Windowed counters in the cache (Redis in production, local memory in development and tests).

Keys are per-minute buckets with a TTL, so a window of W minutes is the sum of the last W buckets:
`fc:<visitor>:<rule>:<n|d>:<minute>` (count / dwell seconds of the events that match a nudge rule).
Product viewers are distinct visitors per 5-minute bucket (a Redis HyperLogLog, a set in local memory).

Every function here may raise when the cache is down; callers (services) catch and fail soft.
"""

from collections.abc import Iterable

from django.core.cache import cache, caches

try:  # django's Redis backend exposes a client we can pipeline on
    from django.core.cache.backends.redis import RedisCache, RedisSerializer
except ImportError:  # pragma: no cover
    RedisCache = None  # type: ignore[assignment,misc]

BUCKET_TTL_SECONDS = 130 * 60  # the longest window is 120 minutes
VIEWER_BUCKET_SECONDS = 300
VIEWER_WINDOW_BUCKETS = 12  # one hour


def minute_of(ts: float) -> int:
    return int(ts // 60)


_clients: dict[int, object] = {}


def full_key(key: str) -> str:
    return caches["default"].make_and_validate_key(key)


def redis_client():
    """The raw redis client behind the default cache (reused: redis clients are thread-safe), or None."""
    backend = caches["default"]  # the real backend: `cache` is a proxy, so isinstance() on it is always False
    if RedisCache is None or not isinstance(backend, RedisCache):
        return None
    key = id(backend._cache)
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = backend._cache.get_client(write=True)
    return client


def rule_key(visitor_id: str, rule_id: int, what: str, minute: int) -> str:
    return f"fc:{visitor_id}:{rule_id}:{what}:{minute}"


def add_many(deltas: dict[str, int]) -> None:
    """Add each delta to its key (creating it with the bucket TTL). One round trip on Redis."""
    if not deltas:
        return
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for key, delta in deltas.items():
            full = cache.make_and_validate_key(key)
            pipe.incrby(full, delta)
            pipe.expire(full, BUCKET_TTL_SECONDS)
        pipe.execute()
        return
    for key, delta in deltas.items():
        cache.add(key, 0, BUCKET_TTL_SECONDS)
        try:
            cache.incr(key, delta)
        except ValueError:  # expired between add and incr
            cache.set(key, delta, BUCKET_TTL_SECONDS)


def window_sums(visitor_id: str, rules: Iterable[tuple[int, int]], now_ts: float) -> dict[int, tuple[int, int]]:
    """{rule_id: (count, dwell_seconds)} over each rule's window (rule_id, window_minutes)."""
    current = minute_of(now_ts)
    wanted: dict[str, tuple[int, str]] = {}
    for rule_id, window in rules:
        for minute in range(current - window + 1, current + 1):
            for what in ("n", "d"):
                wanted[rule_key(visitor_id, rule_id, what, minute)] = (rule_id, what)
    found = cache.get_many(list(wanted))
    sums: dict[int, list[int]] = {}
    for key, (rule_id, what) in wanted.items():
        entry = sums.setdefault(rule_id, [0, 0])
        value = int(found.get(key) or 0)
        entry[0 if what == "n" else 1] += value
    return {rule_id: (n, d) for rule_id, (n, d) in sums.items()}


def viewers_add(product_ids: Iterable[int], visitor_id: str, now_ts: float) -> None:
    bucket = int(now_ts // VIEWER_BUCKET_SECONDS)
    ttl = VIEWER_BUCKET_SECONDS * (VIEWER_WINDOW_BUCKETS + 1)
    client = redis_client()
    ids = set(product_ids)
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for pid in ids:
            full = cache.make_and_validate_key(f"pv:{pid}:{bucket}")
            pipe.pfadd(full, visitor_id)
            pipe.expire(full, ttl)
        pipe.execute()
        return
    for pid in ids:
        key = f"pv:{pid}:{bucket}"
        seen = cache.get(key) or set()
        seen.add(visitor_id)
        cache.set(key, seen, ttl)


def viewers_and_last_order(product_id: int, now_ts: float) -> tuple[int, float | None]:
    """Distinct visitors who viewed the product in the last hour, and when it was last ordered (epoch seconds, or
    None): one Redis round trip."""
    bucket = int(now_ts // VIEWER_BUCKET_SECONDS)
    keys = [f"pv:{product_id}:{b}" for b in range(bucket - VIEWER_WINDOW_BUCKETS + 1, bucket + 1)]
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.pfcount(*[cache.make_and_validate_key(k) for k in keys])
        pipe.get(cache.make_and_validate_key(f"po:{product_id}"))
        viewers, last = pipe.execute()
        return int(viewers), (RedisSerializer().loads(last) if last is not None else None)
    union: set[str] = set()
    for value in cache.get_many(keys).values():
        union |= value
    return len(union), last_ordered_get(product_id)


def last_ordered_set(product_ids: Iterable[int], when_ts: float) -> None:
    cache.set_many({f"po:{pid}": when_ts for pid in product_ids}, 24 * 3600)


def last_ordered_get(product_id: int) -> float | None:
    return cache.get(f"po:{product_id}")


def now_ts() -> float:
    """Seconds since the epoch from django's clock (so time-machine moves it)."""
    from django.utils import timezone

    return timezone.now().timestamp()


def redis_prelude(
    client,
    *,
    visitor_id: str,
    touch_key: str,
    touch_seconds: int,
    rules_key: str,
    buffer_key: str,
    buffer_values: list[str],
    viewed: list[int],
    now_ts: float,
) -> tuple[bool, object, bool]:
    """Everything a beacon batch needs from Redis before the rules run, in ONE round trip: claim the
    visitor-touch slot (SET NX EX), read the cached rule list, push the batch onto the write-behind buffer
    (when given) and add the product viewers. Returns (visitor touch is due, cached rules or None, buffered)."""
    serializer = caches["default"]._cache._serializer
    bucket = int(now_ts // VIEWER_BUCKET_SECONDS)
    ttl = VIEWER_BUCKET_SECONDS * (VIEWER_WINDOW_BUCKETS + 1)
    pipe = client.pipeline(transaction=False)
    pipe.set(full_key(touch_key), 1, nx=True, ex=touch_seconds)
    pipe.get(full_key(rules_key))
    if buffer_values:
        pipe.rpush(full_key(buffer_key), *buffer_values)
    for pid in set(viewed):
        full = full_key(f"pv:{pid}:{bucket}")
        pipe.pfadd(full, visitor_id)
        pipe.expire(full, ttl)
    results = pipe.execute()
    rules = serializer.loads(results[1]) if results[1] is not None else None
    return bool(results[0]), rules, bool(buffer_values)


def add_and_sum(
    visitor_id: str, deltas: dict[str, int], rules: list[tuple[int, int]], now_ts: float
) -> dict[int, tuple[int, int]]:
    """add_many then window_sums; on Redis in one pipelined round trip (the reads run after the writes)."""
    client = redis_client()
    if client is None:
        add_many(deltas)
        return window_sums(visitor_id, rules, now_ts)
    current = minute_of(now_ts)
    wanted: list[tuple[str, int, str]] = []
    for rule_id, window in rules:
        for minute in range(current - window + 1, current + 1):
            for what in ("n", "d"):
                wanted.append((rule_key(visitor_id, rule_id, what, minute), rule_id, what))
    pipe = client.pipeline(transaction=False)
    for key, delta in deltas.items():
        full = full_key(key)
        pipe.incrby(full, delta)
        pipe.expire(full, BUCKET_TTL_SECONDS)
    pipe.mget([full_key(key) for key, _r, _w in wanted])
    values = pipe.execute()[-1]
    sums: dict[int, list[int]] = {rule_id: [0, 0] for rule_id, _window in rules}
    for (_key, rule_id, what), value in zip(wanted, values, strict=True):
        sums[rule_id][0 if what == "n" else 1] += int(value or 0)
    return {rule_id: (n, d) for rule_id, (n, d) in sums.items()}
