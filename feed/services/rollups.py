# ruff: noqa: S608 (SQL identifiers come from the models' Meta and this module's constants; every value is a parameter)
"""Per-customer daily rollups of behaviour: what segment conditions and crm's customer profiles read.

`activity_rollup(day=...)` turns one Seoul day of TrackedEvent rows into DailyActivity rows with one INSERT ...
SELECT ... GROUP BY ... ON CONFLICT DO UPDATE (the same statement on PostgreSQL and SQLite): a row per customer and
category they looked at, plus a whole-day totals row (category_id 0). Only events with a user count; an anonymous
visitor's events count once visitor_merge has given them the user (at log-in) and the day is rolled up again.
"""

from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from feed.models import DailyActivity, TrackedEvent
from feed.services.retention import day_bounds

EVENTS = TrackedEvent._meta.db_table
ROLLUPS = DailyActivity._meta.db_table
USERS = DailyActivity._meta.get_field("user").related_model._meta.db_table
T = TrackedEvent.Type

FIGURES = ("page_views", "category_views", "product_views", "searches", "cart_adds", "dwell_seconds", "last_seen_at")

_AGGREGATES = (
    f"SUM(CASE WHEN e.type = '{T.PAGE_VIEW}' THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN e.type = '{T.CATEGORY_VIEW}' THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN e.type = '{T.PRODUCT_VIEW}' THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN e.type = '{T.SEARCH}' THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN e.type = '{T.CART_ADD}' THEN 1 ELSE 0 END),"
    " SUM(e.dwell_seconds), MAX(e.occurred_at)"
)
# Events of the day whose user still exists (the events table has no foreign key: a deleted user's rows may linger).
_SOURCE = f" FROM {EVENTS} e JOIN {USERS} u ON u.id = e.user_id WHERE e.occurred_at >= %s AND e.occurred_at < %s"
_COLUMNS = ", ".join(("user_id", "day", "category_id", *FIGURES, "updated_at"))
_CHANGED = ", ".join(f"{ROLLUPS}.{name}" for name in FIGURES), ", ".join(f"excluded.{name}" for name in FIGURES)
ROLLUP_SQL = (
    f"INSERT INTO {ROLLUPS} ({_COLUMNS})"
    f" SELECT s.*, %s FROM ("
    f"SELECT e.user_id, %s, e.category_id, {_AGGREGATES}{_SOURCE} AND e.category_id IS NOT NULL"
    " GROUP BY e.user_id, e.category_id"
    " UNION ALL"
    f" SELECT e.user_id, %s, {DailyActivity.ALL_CATEGORIES}, {_AGGREGATES}{_SOURCE} GROUP BY e.user_id"
    ") s WHERE TRUE"  # SQLite needs a WHERE before ON CONFLICT after INSERT ... SELECT
    " ON CONFLICT (user_id, day, category_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in (*FIGURES, "updated_at"))
    + f" WHERE ({_CHANGED[0]}) <> ({_CHANGED[1]})"
)


def activity_rollup(*, day: date, now: datetime | None = None) -> int:
    """Roll up the events of Seoul `day` into DailyActivity. Returns how many rows were inserted or changed.

    Idempotent and safe to run again at any time, also two at once (the upsert settles on the unique key): rows
    whose figures did not change are left alone, so `updated_at` marks real change. Rows are only ever written,
    never deleted, so running it for a day whose raw events retention has already dropped changes nothing.
    One statement reading one day's partition (PostgreSQL prunes the others by occurred_at).
    """
    lower, upper = day_bounds(day)
    ops = connection.ops
    bounds = [ops.adapt_datetimefield_value(lower), ops.adapt_datetimefield_value(upper)]
    params = [
        ops.adapt_datetimefield_value(now or timezone.now()),
        ops.adapt_datefield_value(day),
        *bounds,
        ops.adapt_datefield_value(day),
        *bounds,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL, params)
        return cursor.rowcount
