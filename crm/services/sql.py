"""A tiny SQL layer for the segmentation engine: named parameters and the few expressions in which PostgreSQL and
SQLite differ (local dates, day differences, JSON). Everything else the engine writes is plain SQL both accept.

Statements are written with `:name` for a value, `:name*` for a list (expanded to `%s, %s, ...`) and `{name}` for
a fragment that is itself (sql, params), e.g. an ORM queryset's `query.sql_with_params()`. `bind()` turns them into
the `%s` form Django's cursor takes on every backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar

from django.db import DatabaseError, connection
from django.utils import timezone

Fragment = tuple[str, Sequence[Any]]
T = TypeVar("T")
WORK_MEM = "64MB"  # per sort or hash of one statement of a run: two or three at a time per worker
# The plan step of a full run (staging, breakpoints, household essentials) runs once per run, never two at a time
# (the run lock): its hashes of every bought order and sorts of every essential purchase day fit in memory at a
# million customers instead of spilling to temporary files.
PLAN_WORK_MEM = "256MB"
_TOKEN = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)(\*?)|\{([a-z_][a-z0-9_]*)\}")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def bind(template: str, values: dict[str, Any] | None = None, fragments: dict[str, Fragment] | None = None) -> Fragment:
    """(sql with %s placeholders, params in order) from a template with named markers. Literal % is escaped."""
    values = values or {}
    fragments = fragments or {}
    sql: list[str] = []
    params: list[Any] = []
    position = 0
    for match in _TOKEN.finditer(template):
        sql.append(template[position : match.start()].replace("%", "%%"))
        position = match.end()
        name, many, fragment = match.groups()
        if fragment:
            fragment_sql, fragment_params = fragments[fragment]
            sql.append(fragment_sql)
            params.extend(fragment_params)
        elif many:
            items = list(values[name])
            if not items:
                sql.append("NULL")  # `x IN (NULL)` matches nothing, as an empty list should
            else:
                sql.append(", ".join(["%s"] * len(items)))
                params.extend(_adapt(item) for item in items)
        else:
            sql.append("%s")
            params.append(_adapt(values[name]))
    sql.append(template[position:].replace("%", "%%"))
    return "".join(sql), params


def _adapt(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def execute(template: str, values: dict[str, Any] | None = None, fragments: dict[str, Fragment] | None = None) -> int:
    """Run one statement; returns the affected row count."""
    sql, params = bind(template, values, fragments)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetchall(template: str, values: dict[str, Any] | None = None, fragments: dict[str, Fragment] | None = None):
    sql, params = bind(template, values, fragments)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def tune_transaction(*, work_mem: str = WORK_MEM) -> None:
    """Inside an atomic block on PostgreSQL: room for the run's sorts and hashes in memory (instead of temporary
    files), and commits that do not wait for the WAL flush. Segmentation rows are derived data: a crash may lose
    the last instant of a run, which then counts as failed (stale) and the next run recomputes everything."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{work_mem}'")
            # JIT compiling a run's long CASE expressions cost more (0.3 s a statement) than it saved.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def relaxed_commits(func: Callable[..., T]) -> Callable[..., T]:
    """Run a segmentation step with commits that do not wait for the WAL flush (PostgreSQL, outside any atomic
    block; the session setting is reset afterwards). Every progress update and swap of a run is a small commit right
    after large writes; waiting for each flush made them the slowest statements of a run. Same reasoning as
    `tune_transaction`: derived data, recomputed by the next run if a crash loses the last instant."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        if not is_postgres() or connection.in_atomic_block:
            return func(*args, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
        try:
            return func(*args, **kwargs)
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
            except DatabaseError:  # the connection broke with the step's error; a new one starts with the default
                pass

    return wrapper


def analyze(model: Any) -> None:
    """Refresh the planner's statistics of a table a run just filled (PostgreSQL; autovacuum comes too late for
    the run's own next statements, which otherwise plan for an empty run: nested loops over 100,000 rows)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table(model)}")


def fence() -> str:
    """Appended to a subquery in FROM: on PostgreSQL (OFFSET 0) the planner keeps it a subquery instead of merging
    it into the outer query, so an expression it computes is computed once per row (and below the joins above it),
    not again wherever the outer query uses its column. Nothing on SQLite (no OFFSET without LIMIT there)."""
    return " OFFSET 0" if is_postgres() else ""


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- expressions that differ between PostgreSQL and SQLite ----------------------------------------------------------


def local_date(expr: str) -> str:
    """The Seoul (TIME_ZONE) calendar date of a stored timestamp."""
    if is_postgres():
        return f"CAST(({expr}) AT TIME ZONE '{timezone.get_default_timezone_name()}' AS date)"
    # SQLite stores UTC text; Seoul has had no daylight saving since 1988, so one fixed offset is exact.
    offset = timezone.now().astimezone(timezone.get_default_timezone()).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"date({expr}, '{minutes:+d} minutes')"


def date_param(name: str) -> str:
    """A date parameter (bound as 'YYYY-MM-DD')."""
    return f"CAST(:{name} AS date)" if is_postgres() else f"date(:{name})"


def days_between(later: str, earlier: str) -> str:
    """Whole days from date `earlier` to date `later` (integer)."""
    if is_postgres():
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def yyyymmdd(expr: str) -> str:
    """A date as the integer YYYYMMDD (for whole-year ages by integer arithmetic)."""
    if is_postgres():
        return f"CAST(to_char({expr}, 'YYYYMMDD') AS INTEGER)"
    return f"CAST(strftime('%Y%m%d', {expr}) AS INTEGER)"


def as_json(expr: str) -> str:
    """A JSON text value stored into a JSONField column."""
    return f"CAST({expr} AS jsonb)" if is_postgres() else expr
