# ruff: noqa: S608 (SQL identifiers come from the models' Meta and this module's constants; every value is a parameter)
"""Behaviour events that do not grow without bound: daily partitions ahead of time, old days dropped whole.

On PostgreSQL `feed_trackedevent` is partitioned by day (Seoul) (migration 0003): `feed_trackedevent_pYYYYMMDD`
holds [that day 00:00, next day 00:00) Seoul time, and `feed_trackedevent_default` catches any row no day
partition covers, so an insert is never refused. On SQLite the table is plain and old rows are deleted in batches.
Raw events older than FEED_EVENT_RETENTION_DAYS go; the per-customer daily rollups (services.rollups) stay.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from feed.models import TrackedEvent

logger = logging.getLogger(__name__)

TABLE = TrackedEvent._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
PARTITION_NAME = re.compile(rf"^{TABLE}_p(\d{{8}})$")
DELETE_BATCH = 5_000
# DDL on the parent waits for its lock behind long readers, and every insert would queue behind that wait: give up
# after a few seconds instead (the next run, hours later, tries again; partitions are made a week ahead).
LOCK_TIMEOUT = "5s"
MAINTENANCE_LOCK = 0x66656564  # pg_advisory_xact_lock key ("feed"): one maintenance run at a time


@dataclass
class PartitionsReport:
    created: list[date] = field(default_factory=list)
    moved_from_default: int = 0


@dataclass
class RetentionReport:
    cutoff: date
    partitions_dropped: list[date] = field(default_factory=list)
    rows_deleted: int = 0


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[day 00:00, next day 00:00) in the mall's time zone (Seoul), as aware datetimes."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time.min, zone), datetime.combine(day + timedelta(days=1), time.min, zone)


def partition_name(day: date) -> str:
    return f"{TABLE}_p{day:%Y%m%d}"


def event_partition_days() -> list[date]:
    """The days that have their own partition, oldest first (PostgreSQL; [] elsewhere)."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    days = []
    for name in names:
        match = PARTITION_NAME.match(name)
        if match:
            days.append(datetime.strptime(match.group(1), "%Y%m%d").date())  # noqa: DTZ007 (a date, no time)
    return sorted(days)


def _lock_for_maintenance(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MAINTENANCE_LOCK])
    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _default_days(cursor) -> list[date]:
    cursor.execute(
        f"SELECT DISTINCT (occurred_at AT TIME ZONE %s)::date FROM {DEFAULT_PARTITION}", [settings.TIME_ZONE]
    )
    return sorted(row[0] for row in cursor.fetchall())


def _partition_create(cursor, day: date) -> int:
    """Create `day`'s partition, first moving the rows of that day out of the DEFAULT partition (PostgreSQL refuses
    a new partition while the default one holds rows that belong in it). Returns the rows moved.

    The partition is built as a plain table and then attached, so the parent is held only with SHARE UPDATE
    EXCLUSIVE (inserts keep flowing); PostgreSQL adds the parent's indexes while attaching."""
    name = partition_name(day)
    lower, upper = day_bounds(day)
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at >= %s AND occurred_at < %s RETURNING *)"
        f" INSERT INTO {name} SELECT * FROM moved",
        [lower, upper],
    )
    moved = cursor.rowcount
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [lower, upper])
    return moved


def event_partitions_ensure(*, today: date, days_ahead: int = 7) -> PartitionsReport:
    """Make sure today and the next `days_ahead` days have their partitions, and give every day that has rows in
    the DEFAULT partition its own partition (those rows are moved there). Idempotent; a no-op off PostgreSQL.

    One transaction under an advisory lock, so two runs never race; each DDL statement waits at most LOCK_TIMEOUT
    for the parent's lock and otherwise raises (the beat task retries at its next run).
    """
    report = PartitionsReport()
    if not partitioned():
        return report
    wanted = {today + timedelta(days=offset) for offset in range(days_ahead + 1)}
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_for_maintenance(cursor)
        existing = set(event_partition_days())
        stray = set(_default_days(cursor))
        for day in sorted((wanted | stray) - existing):
            report.moved_from_default += _partition_create(cursor, day)
            report.created.append(day)
    if report.moved_from_default:
        logger.warning("moved %d events out of the default partition", report.moved_from_default)
    return report


def events_retention_apply(*, today: date, keep_days: int | None = None) -> RetentionReport:
    """Delete raw behaviour events of the days before `today - keep_days` (default FEED_EVENT_RETENTION_DAYS).

    An event is kept at least `keep_days` full days and removed within a day after that, whole days at a time, so a
    day's rollup (services.rollups) is never left half-fed. On PostgreSQL whole day partitions are dropped (no row
    deletes, no vacuum) and stray old rows are deleted from the DEFAULT partition; on SQLite rows are deleted in
    batches of DELETE_BATCH, each its own short statement. Daily rollups are not touched.
    """
    keep_days = settings.FEED_EVENT_RETENTION_DAYS if keep_days is None else keep_days
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    cutoff = today - timedelta(days=keep_days)
    report = RetentionReport(cutoff=cutoff)
    cutoff_at, _ = day_bounds(cutoff)
    if not partitioned():
        while True:
            batch = list(
                TrackedEvent.objects.filter(occurred_at__lt=cutoff_at).values_list("pk", flat=True)[:DELETE_BATCH]
            )
            if not batch:
                break
            deleted, _ = TrackedEvent.objects.filter(pk__in=batch).delete()
            report.rows_deleted += deleted
        return report
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_for_maintenance(cursor)
        for day in event_partition_days():
            if day < cutoff:
                cursor.execute(f"DROP TABLE {partition_name(day)}")
                report.partitions_dropped.append(day)
        cursor.execute(f"DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at < %s", [cutoff_at])
        report.rows_deleted = cursor.rowcount
    return report
