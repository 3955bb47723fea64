"""A process-local copy of small shared-cache values that every page reads (version stamps), kept a few seconds.

Each page view used to ask Redis for the catalog and greeting versions; under load every round trip also waits for
Redis to be scheduled. Keeping the value in process memory for LOCAL_SECONDS means an edit made in one process
reaches the others at most that late; the process that made the edit sees it at once (set / forget).
"""

import time
from collections.abc import Callable
from typing import Any

LOCAL_SECONDS = 2.0
MAX_ENTRIES = 10_000  # a plain bound: past it the memo starts over rather than tracking ages
_entries: dict[str, tuple[float, Any]] = {}


def get(key: str, load: Callable[[], Any], seconds: float = LOCAL_SECONDS) -> Any:
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = load()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (now + seconds, value)
    return value


def peek(key: str) -> Any:
    """The value kept for `key` while it is fresh, else None (nothing is loaded)."""
    entry = _entries.get(key)
    return entry[1] if entry is not None and entry[0] > time.monotonic() else None


def has(key: str) -> bool:
    entry = _entries.get(key)
    return entry is not None and entry[0] > time.monotonic()


def set(key: str, value: Any, seconds: float = LOCAL_SECONDS) -> None:
    _entries[key] = (time.monotonic() + seconds, value)


def forget(key: str) -> None:
    _entries.pop(key, None)


def clear() -> None:
    """Forget everything (tests clear it together with the shared cache)."""
    _entries.clear()
