# ruff: noqa: S608 (SQL identifiers come from the models' Meta and the run id; every value is a parameter)
"""The run's purchases, staged once: one pass over the bought orders and one over their lines, read by every step.

Profiles (frequency, spend, first/last order, top categories), the RFM breakpoints and the household essentials
all read the same bought orders and lines. Instead of each re-reading shop's tables (every id range used to
re-scan all order lines for its top categories), a run writes two narrow tables at its start:

- `orders`: one row per customer with bought orders: user_id, household_id, orders, spend (sum of totals),
  first_at / last_at (first and latest order), first_day (the Seoul day number of the first order placed
  before the end of the run's day, for the essentials' share window), recency_days (Seoul days from the latest
  order to the run's day, 0 for a later one) and first_order_days (days since the first order). Computed once
  per customer here: inlined into the profile's score and stage expressions, the time-zone conversions ran
  dozens of times per row;
- `lines`: one row per bought order line: user_id, household_id, category_id, day (Seoul day number of the
  order), spend (the line total).

They are UNLOGGED on PostgreSQL (derived data: no WAL; a crash loses them with the run, which the next run
redoes), plain tables on SQLite, named after the run (`crm_stage_orders_<id>`), indexed by user id (each range
task reads its own customers; the lines' index covers what it reads), analysed right away. A full run builds them
in its plan step (committed, so the range tasks on any worker read them, then vacuumed: `stage_vacuum`) and drops
them when finalizing; an incremental run or a direct call stages only the households of its customers (`staged`).
Tables of a run that died are dropped by the next run's clean-up (`stages_drop`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from crm.services.households_sql import HouseholdSql, day_number, table_name
from crm.services.sql import fence
from shop.models import Order, OrderLine, Product
from shop.selectors.household import BOUGHT_STATUSES

PREFIX = "crm_stage_"
STAGE_NAME = re.compile(rf"^{PREFIX}(orders|lines|households)_(\d+)$")
BATCH = 1000  # customers per INSERT of a scoped stage (bounded parameter lists on SQLite)


@dataclass(frozen=True)
class Stage:
    """The staged purchases of one run: quoted table names for SQL."""

    run_id: int

    @property
    def orders(self) -> str:
        return connection.ops.quote_name(f"{PREFIX}orders_{self.run_id}")

    @property
    def lines(self) -> str:
        return connection.ops.quote_name(f"{PREFIX}lines_{self.run_id}")

    @property
    def households(self) -> str:
        """The run's essentials figures per household (crm.services.households.essentials_summary_build)."""
        return connection.ops.quote_name(f"{PREFIX}households_{self.run_id}")

    @property
    def unlogged(self) -> str:
        return "UNLOGGED " if connection.vendor == "postgresql" else ""


def _selects(sql: HouseholdSql, today: date, scope: str) -> tuple[str, str]:
    """The SELECTs of the two tables (`scope`: an extra condition on the order's user `o.user_id`). Orders are
    aggregated per customer before the customer's household is joined (one row per customer, not per order), and
    the per-customer days convert the aggregated timestamps. Lines join their order's customer, household and
    Seoul day computed once per order (`fence`: merged into the join over the lines, the conversion and the
    customer join ran once per line)."""
    orders, lines, users, products = table_name(Order), table_name(OrderLine), table_name(User), table_name(Product)
    statuses = sql.in_list("o.status", [str(status) for status in BOUGHT_STATUSES])
    day = sql.seoul_day("o.placed_at")
    until = sql.param(day_number(today))
    tomorrow = sql.param(timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min)))
    last_day, first_day = sql.seoul_day("a.last_at"), sql.seoul_day("a.first_at")
    first_day_until = sql.seoul_day("a.first_until")
    orders_select = f"""
        SELECT a.user_id, u.household_id, a.orders, a.spend, a.first_at, a.last_at,
               {first_day_until} AS first_day,
               CASE WHEN {last_day} > {until} THEN 0 ELSE {until} - {last_day} END AS recency_days,
               {until} - {first_day} AS first_order_days
        FROM (
            SELECT o.user_id, COUNT(*) AS orders, SUM(o.total) AS spend,
                   MIN(o.placed_at) AS first_at, MAX(o.placed_at) AS last_at,
                   MIN(CASE WHEN o.placed_at < {tomorrow} THEN o.placed_at END) AS first_until
            FROM {orders} o
            WHERE {statuses}{scope}
            GROUP BY o.user_id
        ) a
        JOIN {users} u ON u.id = a.user_id"""
    lines_select = f"""
        SELECT o.user_id, o.household_id, p.category_id, o.day, l.line_total AS spend
        FROM {lines} l
        JOIN (
            SELECT o.id, o.user_id, u.household_id, {day} AS day
            FROM {orders} o
            JOIN {users} u ON u.id = o.user_id
            WHERE {statuses}{scope}{fence()}
        ) o ON o.id = l.order_id
        JOIN {products} p ON p.id = l.product_id"""
    return orders_select, lines_select


def stage_build(*, run_id: int, today: date, user_ids: list[int] | None = None) -> Stage:
    """Write the run's two staging tables (replacing any left over): every bought order and line, or with
    `user_ids` those of the customers' households (every member, so the household's essentials are whole).
    Runs in the caller's transaction."""
    stage = Stage(run_id)
    members = None if user_ids is None else _household_members(user_ids)
    batches: list[list[int] | None] = (
        [None] if members is None else [members[i : i + BATCH] for i in range(0, len(members), BATCH)] or [[]]
    )
    stage_drop(stage)
    with connection.cursor() as cursor:
        for index, batch in enumerate(batches):
            sql = HouseholdSql()
            scope = "" if batch is None else f" AND {sql.in_list('o.user_id', batch)}"
            orders_select, lines_select = _selects(sql, today, scope)
            if index == 0:
                cursor.execute(f"CREATE {stage.unlogged}TABLE {stage.orders} AS {orders_select}", sql.params)
                cursor.execute(f"CREATE {stage.unlogged}TABLE {stage.lines} AS {lines_select}", sql.params)
            else:
                cursor.execute(f"INSERT INTO {stage.orders} {orders_select}", sql.params)
                cursor.execute(f"INSERT INTO {stage.lines} {lines_select}", sql.params)
        # The lines' index covers what a range task reads of its customers' lines (top categories by spend):
        # once `stage_vacuum` has marked the table all-visible, PostgreSQL reads them from the index alone.
        covering = " INCLUDE (category_id, spend)" if connection.vendor == "postgresql" else ""
        for kind, table, include in (("orders", stage.orders, ""), ("lines", stage.lines, covering)):
            index_name = connection.ops.quote_name(f"{PREFIX}{kind}_{run_id}_user")
            cursor.execute(f"CREATE INDEX {index_name} ON {table} (user_id){include}")
            if connection.vendor == "postgresql":
                # The statements that read them come next: give the planner their real size now.
                cursor.execute(f"ANALYZE {table}")
    return stage


def stage_vacuum(stage: Stage) -> None:
    """Mark the staged lines all-visible (PostgreSQL, outside any transaction block: skipped inside one, e.g. a
    test's). Each range task then reads its customers' lines by an index-only scan of the covering index, in
    customer order, instead of fetching them from heap pages spread over the whole table (every range read
    nearly every page: 0.7 s of a range's top categories at a million customers, 0.3 s index-only)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {stage.lines}")


def stage_buyers(stage: Stage) -> int:
    """How many customers the stage holds (recorded by the full run, checked by each range: `stage_check`)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {stage.orders}")
        return cursor.fetchone()[0]


def stage_check(stage: Stage, *, buyers: int) -> None:
    """Raise when a stage that held `buyers` customers is empty: PostgreSQL empties UNLOGGED tables when it
    restarts after a crash, and a range reading an empty stage would write its customers as never having bought.
    The run then fails, and the next one recomputes everything. (A dropped stage fails the query itself.)"""
    if not buyers:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {stage.orders} LIMIT 1")
        if cursor.fetchone() is None:
            raise RuntimeError(f"the run's staged purchases ({buyers} customers) are gone: database restarted?")


def _household_members(user_ids: list[int]) -> list[int]:
    """The customers and every member of their households, sorted, each once."""
    ids = sorted({int(pk) for pk in user_ids})
    members = set(ids)
    for start in range(0, len(ids), BATCH):
        households = User.objects.filter(pk__in=ids[start : start + BATCH], household_id__isnull=False)
        members.update(
            User.objects.filter(household_id__in=households.values("household_id")).values_list("pk", flat=True)
        )
    return sorted(members)


def stage_drop(stage: Stage) -> None:
    with connection.cursor() as cursor:
        for table in (stage.orders, stage.lines, stage.households):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def staged(*, run_id: int, today: date, user_ids: list[int] | None) -> Iterator[Stage]:
    """A stage for one step that has none (an incremental run, a direct call), dropped afterwards; inside one
    transaction, so a failure leaves nothing behind."""
    with transaction.atomic():
        stage = stage_build(run_id=run_id, today=today, user_ids=user_ids)
        yield stage
        stage_drop(stage)


def stages_drop(*, keep: list[int]) -> int:
    """Drop the staging tables of every run not in `keep` (left by runs that died before finalizing)."""
    dropped = 0
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            match = STAGE_NAME.match(name)
            if match and int(match.group(2)) not in keep:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)}")
                dropped += 1
    return dropped
