# ruff: noqa: S608 (SQL identifiers come from the models' Meta and this module's constants; every value is a parameter)
"""Household essentials: what each household buys here, how regularly, and when it runs out (the feed reminder
is crm.services.reminders).

A household is `accounts.Household`; a customer without one counts as a household of one. Inside the SQL both are
one integer key, `hkey`: the household id (positive) or minus the user id (negative), so one window partition
covers either kind. Everything here is set-based SQL that runs on PostgreSQL and SQLite (window functions,
UPDATE ... FROM): the number of statements never depends on the number of customers.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import User
from crm.models import CustomerProfile, HouseholdEssential, SegmentationRun
from crm.services.households_sql import (
    HouseholdSql,
    day_number,
    essential_share_categories,
    hkey,
    scope_sql,
    table_name,
)
from crm.services.staging import Stage, staged
from shop.models import Category, Order
from shop.selectors.household import BOUGHT_STATUSES

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 5  # "due" (곧 떨어져요) when the due date is today or within the next 5 days
SHARE_LOOKBACK_DAYS = 180  # the share-of-wallet window (shortened for households that started buying later)
REGULAR_MIN_PURCHASE_DAYS = 3  # "regular" needs at least 3 purchase days (2 intervals) ...
REGULAR_TOLERANCE = 0.5  # ... and most intervals within median x (1 +- 0.5) ...
REGULAR_STEADY_SHARE = (2, 3)  # ... where "most" is at least 2 out of 3 intervals
USER_IDS_BATCH = 1000  # customers per pass of an incremental recompute (bounded parameter lists on SQLite)

Status = HouseholdEssential.Status


def _essentials_insert(
    *, run: SegmentationRun, today: date, user_ids: list[int] | None, stage: Stage, into: str, analyze: bool
) -> int:
    """One INSERT ... SELECT over the run's staged purchases (crm.services.staging, analysed when written, so the
    planner knows their size: with stale estimates PostgreSQL once re-ran windows in a nested loop for minutes).

    `bought` has one row per household, Seoul day and essential category bought that day (only essential lines).
    Everything per household and category then follows one sort order: `gaps` (each day's gap to the previous
    one, LAG, and `n`, the number of gaps: one less than the days), `ranked` (the gaps in order, NULLS LAST so
    the first day's missing gap never takes a rank) and `medians` (the mean of the middle one or two gaps) are
    windows over the same partition, and `facts` is one group aggregate over their rows: the plain facts (days,
    first, last, recent) and the rhythm (steady gaps, median) together. Categories a household bought on one day
    only (three in four on the bench) have no gap: their facts come straight from `gaps`, past the ranking. No second aggregate of `bought` and no join of two aggregates
    of 2.5 million rows each (the large bench): they spilled to disk. `since`, the household's first day here, is
    one aggregate over its staged orders (not their lines); it and the category join the facts.
    """
    sql = HouseholdSql()
    categories, essentials = table_name(Category), into
    today_n = sql.param(day_number(today))
    lookback = sql.param(SHARE_LOOKBACK_DAYS)
    low, high = sql.param(1 - REGULAR_TOLERANCE), sql.param(1 + REGULAR_TOLERANCE)
    steady_num, steady_den = REGULAR_STEADY_SHARE
    stage_hkey = "(CASE WHEN s.household_id IS NULL THEN -s.user_id ELSE s.household_id END)"
    scope = scope_sql(sql, "s", user_ids, id_column="user_id")
    essential = sql.param(Category.Kind.ESSENTIAL.value)
    partition = "PARTITION BY hkey, category_id"
    # One window for LAG (which ignores the frame) and the partition's size (the whole frame): one pass.
    by_day = f"{partition} ORDER BY bought_day ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    # INSERT first, then the CTEs: Python's sqlite3 reports a rowcount only for statements that start with INSERT.
    statement = f"""
INSERT INTO {essentials} (
    run_id, household_id, user_id, category_id, purchase_days, first_bought_on, last_bought_on,
    median_interval_days, cycle_days, is_regular, due_on, status, reminded_on, recent_purchase_days, coverage
)
WITH bought AS (
    SELECT DISTINCT {stage_hkey} AS hkey, s.category_id, s.day AS bought_day
    FROM {stage.lines} s
    WHERE s.day <= {today_n} AND s.category_id IN (SELECT c.id FROM {categories} c WHERE c.kind = {essential}){scope}
),
since AS (
    SELECT {stage_hkey} AS hkey, MIN(s.first_day) AS since_day
    FROM {stage.orders} s
    WHERE s.first_day IS NOT NULL{scope}
    GROUP BY {stage_hkey}
),
gaps AS (
    SELECT hkey, category_id, bought_day,
           bought_day - LAG(bought_day) OVER ({by_day}) AS gap,
           COUNT(*) OVER ({by_day}) - 1 AS n
    FROM bought
),
ranked AS (
    SELECT hkey, category_id, bought_day, gap, n,
           ROW_NUMBER() OVER ({partition} ORDER BY gap NULLS LAST) AS rn
    FROM gaps
    WHERE n > 0
),
medians AS (
    SELECT hkey, category_id, bought_day, gap, n,
           AVG(CASE WHEN gap IS NOT NULL AND (rn = (n + 1) / 2 OR rn = (n + 2) / 2) THEN gap * 1.0 END)
               OVER ({partition}) AS median_gap
    FROM ranked
),
facts AS (
    SELECT hkey, category_id,
           COUNT(*) AS purchase_days,
           MIN(bought_day) AS first_day,
           MAX(bought_day) AS last_day,
           SUM(CASE WHEN bought_day > {today_n} - {lookback} THEN 1 ELSE 0 END) AS recent_days,
           SUM(CASE WHEN gap >= {low} * median_gap AND gap <= {high} * median_gap THEN 1 ELSE 0 END) AS steady_gaps,
           MAX(median_gap) AS median_gap,
           MAX(n) AS gap_count
    FROM medians
    GROUP BY hkey, category_id
    UNION ALL
    SELECT hkey, category_id, 1, bought_day, bought_day,
           CASE WHEN bought_day > {today_n} - {lookback} THEN 1 ELSE 0 END, 0, NULL, 0
    FROM gaps
    WHERE n = 0
),
calc AS (
    SELECT f.hkey, f.category_id, f.purchase_days, f.first_day, f.last_day, f.recent_days, f.median_gap,
           CASE WHEN f.purchase_days >= {REGULAR_MIN_PURCHASE_DAYS}
                     AND f.steady_gaps * {steady_den} >= f.gap_count * {steady_num}
                THEN TRUE ELSE FALSE END AS is_regular,
           COALESCE(CAST(ROUND(f.median_gap) AS INTEGER), c.replenishment_days) AS cycle,
           CASE WHEN c.is_active THEN c.replenishment_days END AS share_cycle,
           CASE WHEN {today_n} - s.since_day + 1 < {lookback} THEN {today_n} - s.since_day + 1 ELSE {lookback} END
               AS window_days
    FROM facts f
    JOIN since s ON s.hkey = f.hkey
    JOIN {categories} c ON c.id = f.category_id
),
expected AS (
    SELECT calc.*,
           CASE WHEN share_cycle IS NULL THEN NULL
                WHEN share_cycle > 0 AND window_days > share_cycle THEN window_days * 1.0 / share_cycle
                ELSE 1.0 END AS expected_days
    FROM calc
)
SELECT {sql.param(run.pk)},
       CASE WHEN hkey > 0 THEN hkey END,
       CASE WHEN hkey < 0 THEN -hkey END,
       category_id, purchase_days, {sql.day_to_date("first_day")}, {sql.day_to_date("last_day")},
       median_gap, cycle, is_regular,
       CASE WHEN cycle IS NULL THEN NULL ELSE {sql.day_to_date("last_day + cycle")} END,
       CASE WHEN cycle IS NULL THEN {sql.param(Status.OK.value)}
            WHEN last_day + cycle < {today_n} THEN {sql.param(Status.OVERDUE.value)}
            WHEN last_day + cycle <= {today_n} + {sql.param(DUE_SOON_DAYS)} THEN {sql.param(Status.DUE.value)}
            ELSE {sql.param(Status.OK.value)} END,
       NULL,
       recent_days,
       CASE WHEN expected_days IS NULL THEN NULL
            WHEN recent_days > expected_days THEN 1.0
            ELSE recent_days / expected_days END
    FROM expected
"""
    with connection.cursor() as cursor:
        if sql.postgres:
            # `bought` as one sort (then unique) that the windows reuse, not a hash aggregate and then the sort:
            # the planner, guessing a quarter of the distinct days, picks the hash (a tenth slower on the bench).
            # This statement only (we are inside the caller's transaction).
            cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute(statement, sql.params)
        written = max(cursor.rowcount, 0)
        if sql.postgres:
            cursor.execute("RESET enable_hashagg")
        if sql.postgres and user_ids is None and analyze:
            # The profile UPDATE that follows reads these fresh rows: give the planner their real size. (A full
            # run's load table is analysed when it is published, crm.services.run_tables: not twice.)
            cursor.execute(f"ANALYZE {essentials}")
    return written


def _profiles_fill(*, run: SegmentationRun, user_ids: list[int] | None) -> None:
    """Copy the household figures onto the run's profile of every member (two UPDATEs)."""
    share_categories = essential_share_categories()
    profiles, users, orders, essentials = (
        table_name(CustomerProfile),
        table_name(User),
        table_name(Order),
        table_name(HouseholdEssential),
    )

    reset = HouseholdSql()
    scope = ""
    if user_ids is not None:
        scope = f" AND user_id IN (SELECT u.id FROM {users} u WHERE 1 = 1{scope_sql(reset, 'u', user_ids)})"
    # Only rows that hold figures: a full run's fresh profiles are inserted with the defaults, so this writes
    # nothing then (rewriting every row of the run cost seconds); a recompute of a run clears the old figures.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {profiles} SET essentials_bought = 0, essentials_due = 0, essentials_overdue = 0, "
            f"essentials_share = NULL WHERE run_id = {reset.param(run.pk)}{scope} AND (essentials_bought <> 0 "
            "OR essentials_due <> 0 OR essentials_overdue <> 0 OR essentials_share IS NOT NULL)",
            reset.params,
        )
        if reset.postgres and user_ids is None:
            # The fill below joins the run's fresh profiles: give the planner their real size.
            cursor.execute(f"ANALYZE {profiles}")

    fill = HouseholdSql()
    run_param = fill.param(run.pk)
    statuses = fill.in_list("o.status", [str(status) for status in BOUGHT_STATUSES])
    share = (
        f"COALESCE(e.covered, 0) / {fill.param(float(share_categories))}" if share_categories else "CAST(NULL AS REAL)"
    )
    due, overdue = fill.param(Status.DUE.value), fill.param(Status.OVERDUE.value)
    aggregates = f"""
        SELECT CASE WHEN household_id IS NULL THEN -user_id ELSE household_id END AS hkey,
               COUNT(*) AS bought,
               SUM(CASE WHEN status = {due} THEN 1 ELSE 0 END) AS due,
               SUM(CASE WHEN status = {overdue} THEN 1 ELSE 0 END) AS overdue,
               SUM(coverage) AS covered
        FROM {essentials}
        WHERE run_id = {run_param}
        GROUP BY CASE WHEN household_id IS NULL THEN -user_id ELSE household_id END"""
    scope_users = scope_sql(fill, "u", user_ids)
    scope_buyers = scope_sql(fill, "m", user_ids)
    statement = f"""
UPDATE {profiles}
SET essentials_bought = s.bought, essentials_due = s.due, essentials_overdue = s.overdue, essentials_share = s.share
FROM (
    SELECT u.id AS user_id,
           COALESCE(e.bought, 0) AS bought,
           COALESCE(e.due, 0) AS due,
           COALESCE(e.overdue, 0) AS overdue,
           {share} AS share
    FROM {users} u
    JOIN (
        SELECT DISTINCT {hkey("m")} AS hkey
        FROM {orders} o
        JOIN {users} m ON m.id = o.user_id
        WHERE {statuses}{scope_buyers}
    ) b ON b.hkey = {hkey("u")}
    LEFT JOIN ({aggregates}) e ON e.hkey = b.hkey
    WHERE 1 = 1{scope_users}
) s
WHERE {profiles}.run_id = {run_param} AND {profiles}.user_id = s.user_id
"""
    with connection.cursor() as cursor:
        cursor.execute(statement, fill.params)


def _reminders_carry_forward(*, run: SegmentationRun, user_ids: list[int] | None, into: str) -> None:
    """A due date already reminded in any other run stays reminded in this one: one UPDATE joining the run's
    unreminded due rows to the reminded rows of other runs with the same owner, category and due date (read
    through the partial index of reminded rows, few: one per reminder sent)."""
    sql = HouseholdSql()
    essentials, users = into, table_name(User)
    statuses = sql.in_list(f"{essentials}.status", [Status.DUE.value, Status.OVERDUE.value])
    run_param = sql.param(run.pk)

    def owner(table: str) -> str:
        return f"CASE WHEN {table}.household_id IS NULL THEN -{table}.user_id ELSE {table}.household_id END"

    scope = ""
    if user_ids is not None:
        scope = (
            f" AND ({essentials}.household_id IN (SELECT s.household_id FROM {users} s WHERE "
            f"{sql.in_list('s.id', user_ids)}) OR {sql.in_list(f'{essentials}.user_id', user_ids)})"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {essentials} SET reminded_on = t.reminded_on
            FROM (
                SELECT p.category_id, p.due_on, {owner("p")} AS owner, MAX(p.reminded_on) AS reminded_on
                FROM {table_name(HouseholdEssential)} p
                WHERE p.reminded_on IS NOT NULL AND p.run_id <> {run_param}
                GROUP BY p.category_id, p.due_on, {owner("p")}
            ) t
            WHERE {essentials}.run_id = {run_param} AND {essentials}.reminded_on IS NULL AND {statuses}{scope}
              AND t.category_id = {essentials}.category_id AND t.due_on = {essentials}.due_on
              AND t.owner = {owner(essentials)}
            """,
            sql.params,
        )


def _owner_scope(user_ids: list[int]) -> Q:
    households = User.objects.filter(pk__in=user_ids, household_id__isnull=False).values("household_id")
    return Q(household_id__in=households) | Q(user_id__in=user_ids)


def household_essentials_compute(
    *,
    run: SegmentationRun,
    today: date,
    user_ids: list[int] | None = None,
    fill_profiles: bool = True,
    stage: Stage | None = None,
    into: str | None = None,
) -> int:
    """Write `run`'s HouseholdEssential rows and fill its profiles' essentials columns. Returns the rows written.

    Per household (a customer without a household is a household of one) and per essential category it bought
    here ("bought" = shop.selectors.household.BOUGHT_STATUSES, up to the end of `today`, Seoul calendar):
    - purchase_days: distinct Seoul dates with a purchase; first/last bought on;
    - median_interval_days: median gap between consecutive purchase days (ROW_NUMBER/COUNT over the partition);
    - cycle_days: the rounded median when there is at least one gap, else the category's replenishment_days;
    - is_regular: at least REGULAR_MIN_PURCHASE_DAYS (3) purchase days and at least 2 of every 3 gaps within
      median x 0.5 .. median x 1.5 (a steady rhythm tolerates one odd gap);
    - due_on = last_bought_on + cycle_days; status overdue when today > due_on, due when due_on is within
      today .. today + DUE_SOON_DAYS (5), else ok (and ok without any cycle);
    - recent_purchase_days and coverage, for the share of wallet below.

    Estimated essentials share (CustomerProfile.essentials_share, the same for every member of a household):
        window_c  = min(SHARE_LOOKBACK_DAYS (180), days since the household's first bought order here + 1)
        expected_c = max(1, window / replenishment_days_c)
        coverage_c = min(1, purchase days of c within the window / expected_c)
        share = sum(coverage_c) / number of active essential categories with a replenishment cycle
    Categories never bought here count 0 (that is what the household buys elsewhere); it uses the category's
    cycle, not the household's own, so a household that buys double packs every 60 days scores 0.5 for a 30-day
    category: an estimate, not a measurement. Households without any bought order get NULL (unknown).
    essentials_bought / _due / _overdue count the household's rows (all, due, overdue).

    With `user_ids` (incremental runs) only the households of those customers are recomputed: their rows in
    `run` are deleted and written again, their members' profiles updated; everything else in the run stays.
    Passes of USER_IDS_BATCH customers keep parameter lists bounded (a household whose members fall into two
    passes is simply computed twice, with the same result, and counted twice in the return value).
    Reminder marks (`reminded_on`) survive the recompute for an unchanged due date, from this run's replaced rows
    and from any other run's rows, so a reminder is never sent twice for the same due date.

    The purchases come from `stage` (crm.services.staging: a full run passes the one it built); without one,
    the scope's purchases are staged for this call alone.

    Runs inside the caller's transaction (a savepoint of its own); takes no locks beyond the rows it writes.
    With `fill_profiles` (the default) the run's existing profiles get their essentials columns updated here. A full
    run computes the essentials before its profiles instead and passes `fill_profiles=False`: each range's profile
    INSERT then reads the figures from these rows (`profile_essentials_sql`), so no profile row is written twice.
    A full run also passes `into`, the table it loads the run's rows into (crm.services.run_tables).
    """
    if stage is None:
        with staged(run_id=run.pk, today=today, user_ids=user_ids) as scoped:
            return household_essentials_compute(
                run=run, today=today, user_ids=user_ids, fill_profiles=fill_profiles, stage=scoped, into=into
            )
    into = into or table_name(HouseholdEssential)
    with transaction.atomic():
        if user_ids is None:
            return _essentials_recompute(
                run=run, today=today, user_ids=None, fill_profiles=fill_profiles, stage=stage, into=into
            )
        ids = sorted({int(pk) for pk in user_ids})
        return sum(
            _essentials_recompute(
                run=run,
                today=today,
                user_ids=ids[start : start + USER_IDS_BATCH],
                fill_profiles=fill_profiles,
                stage=stage,
                into=into,
            )
            for start in range(0, len(ids), USER_IDS_BATCH)
        )


def essentials_summary_build(*, run: SegmentationRun, stage: Stage, essentials: str | None = None) -> None:
    """Stage the run's essentials figures per household (`stage.households`: hkey, bought, due, overdue, covered;
    indexed, analysed) for a full run's range tasks: each range joins the figures of its customers' households
    instead of aggregating the run's essentials rows again. `essentials`: the table holding them (the model's)."""
    sql = HouseholdSql()
    due, overdue = sql.param(Status.DUE.value), sql.param(Status.OVERDUE.value)
    owner = "CASE WHEN household_id IS NULL THEN -user_id ELSE household_id END"
    index_name = connection.ops.quote_name(f"crm_stage_households_{stage.run_id}_hkey")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage.households}")
        cursor.execute(
            f"CREATE {stage.unlogged}TABLE {stage.households} AS "
            f"SELECT {owner} AS hkey, COUNT(*) AS bought, SUM(CASE WHEN status = {due} THEN 1 ELSE 0 END) AS due, "
            f"SUM(CASE WHEN status = {overdue} THEN 1 ELSE 0 END) AS overdue, SUM(coverage) AS covered "
            f"FROM {essentials or table_name(HouseholdEssential)} WHERE run_id = {sql.param(run.pk)} GROUP BY {owner}",
            sql.params,
        )
        cursor.execute(f"CREATE INDEX {index_name} ON {stage.households} (hkey)")
        if sql.postgres:
            cursor.execute(f"ANALYZE {stage.households}")


def _essentials_recompute(
    *, run: SegmentationRun, today: date, user_ids: list[int] | None, fill_profiles: bool, stage: Stage, into: str
) -> int:
    rows = HouseholdEssential.objects.filter(run=run)
    if user_ids is not None:
        rows = rows.filter(_owner_scope(user_ids))
    # Recomputing rows that were already reminded (an incremental patch, or a full recompute of the same run)
    # must not forget it: keep the marks of the rows about to be replaced (few: one per reminder sent).
    kept_reminders = list(
        rows.filter(reminded_on__isnull=False, due_on__isnull=False).values_list(
            "household_id", "user_id", "category_id", "due_on", "reminded_on"
        )
    )
    rows.delete()
    written = _essentials_insert(run=run, today=today, user_ids=user_ids, stage=stage, into=into, analyze=fill_profiles)
    if kept_reminders:
        _reminders_restore(run=run, kept=kept_reminders)  # type: ignore[arg-type]
    _reminders_carry_forward(run=run, user_ids=user_ids, into=into)
    if fill_profiles:
        _profiles_fill(run=run, user_ids=user_ids)
    return written


def _reminders_restore(*, run: SegmentationRun, kept: list[tuple[int | None, int | None, int, date, date]]) -> None:
    """Put back the reminder marks of replaced rows on the new rows with the same owner, category and due date.
    Two queries plus one per 1,000 marks, whatever the size of the run (only due rows with a kept due date are
    read)."""
    marks = {(household, user, category, due): reminded for household, user, category, due, reminded in kept}
    fresh = HouseholdEssential.objects.filter(
        run=run,
        status__in=[Status.DUE, Status.OVERDUE],
        due_on__in={due for _household, _user, _category, due in marks},
        category_id__in={category for _household, _user, category, _due in marks},
    ).only("pk", "household_id", "user_id", "category_id", "due_on")
    changed = []
    for row in fresh.iterator(chunk_size=2000):
        reminded = marks.get((row.household_id, row.user_id, row.category_id, row.due_on))  # type: ignore[arg-type]
        if reminded is not None:
            row.reminded_on = reminded
            changed.append(row)
    HouseholdEssential.objects.bulk_update(changed, ["reminded_on"], batch_size=1000)
