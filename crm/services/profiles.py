"""Customer profiles of a segmentation run, written with set-based SQL (one INSERT ... SELECT per id range).

A customer is an active user who is neither staff nor an admin. Orders count when they were bought
(shop.selectors.household.BOUGHT_STATUSES: paid, not cancelled or refunded), at the order's total.

Per customer, as of the run's Seoul date `today`:
- frequency (orders), monetary (sum of order totals), first/last order, recency_days (days since the last order);
- household id/size/children, age band (decade of the whole-year age: 34 -> 30), gender, consents, joined_at;
- last_seen_at (the latest visit, from feed) and top_category_ids (the three categories with the most spend);
- the lifecycle stage, from crm.models.LifecycleThresholds (`lifecycle_case`).
RFM scores and names are set afterwards over the whole run (crm.services.scoring).
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise
from typing import Any

from crm.models import CustomerProfile, Lifecycle, LifecycleThresholds
from crm.services import sql
from crm.services.scoring import rfm_scores, rfm_segment
from crm.services.sql import Fragment
from crm.services.staging import Stage, staged


def lifecycle_case(prefix: str = "b.") -> str:
    """The lifecycle stage as one SQL CASE over frequency, monetary, recency_days and first_days (days since the
    first order), first rule that holds wins:

    1. no order                                                   -> 잠재 (prospect)
    2. recency_days > dormant_days                                -> 휴면 (dormant)
    3. frequency >= 2 and recency_days > at_risk_days             -> 이탈위험 (at_risk)
    4. first order at most new_days ago                           -> 신규 (new)
    5. frequency < regular_min_orders (1 with the defaults)       -> 단순구매 (one_time)
    6. frequency >= vip_min_orders or monetary >= vip_min_spend   -> 충성/VIP (vip)
    7. otherwise                                                  -> 단골 (regular)
    """
    p = prefix
    return f"""CASE
        WHEN {p}frequency = 0 THEN '{Lifecycle.PROSPECT}'
        WHEN {p}recency_days > :dormant_days THEN '{Lifecycle.DORMANT}'
        WHEN {p}frequency >= 2 AND {p}recency_days > :at_risk_days THEN '{Lifecycle.AT_RISK}'
        WHEN {p}first_days <= :new_days THEN '{Lifecycle.NEW}'
        WHEN {p}frequency < :regular_min_orders THEN '{Lifecycle.ONE_TIME}'
        WHEN {p}frequency >= :vip_min_orders OR {p}monetary >= :vip_min_spend THEN '{Lifecycle.VIP}'
        ELSE '{Lifecycle.REGULAR}' END"""


def thresholds_values(thresholds: LifecycleThresholds) -> dict[str, int]:
    return {
        "dormant_days": thresholds.dormant_days,
        "at_risk_days": thresholds.at_risk_days,
        "new_days": thresholds.new_days,
        "regular_min_orders": max(2, thresholds.regular_min_orders),
        "vip_min_orders": thresholds.vip_min_orders,
        "vip_min_spend": thresholds.vip_min_spend,
    }


def customer_scope(column: str, *, id_range: tuple[int, int] | None, user_ids: list[int] | None) -> str:
    """A WHERE condition limiting `column` (a user id) to a range or a list (`:lo`/`:hi` or `:user_ids*`)."""
    if user_ids is not None:
        return f"{column} IN (:user_ids*)"
    if id_range is not None:
        return f"{column} BETWEEN :lo AND :hi"
    return "1 = 1"


def _last_seen_fragment(*, id_range: tuple[int, int] | None, user_ids: list[int] | None) -> Fragment:
    from feed.selectors import last_seen_by_user_queryset

    visits = last_seen_by_user_queryset()
    if user_ids is not None:
        visits = visits.filter(user_id__in=user_ids)
    elif id_range is not None:
        visits = visits.filter(user_id__gte=id_range[0], user_id__lte=id_range[1])
    return visits.query.sql_with_params()


def profiles_insert(
    *,
    run_id: int,
    today: date,
    now: datetime,
    thresholds: LifecycleThresholds,
    breakpoints: dict,
    id_range: tuple[int, int] | None = None,
    user_ids: list[int] | None = None,
    with_essentials: bool = False,
    stage: Stage | None = None,
    into: str | None = None,
) -> int:
    """INSERT one profile row per customer in the id range (or list) for `run_id`; returns the rows written.

    One statement: users joined to their household, their bought orders aggregated per user, their top three
    categories by spend (ROW_NUMBER per user) and their latest visit, the purchases read from the run's `stage`
    (crm.services.staging; without one, the scope's purchases are staged for this statement alone); RFM scores and name against
    `breakpoints` (crm.services.scoring) and the lifecycle stage in the same SELECT. With `with_essentials` (a
    full run, whose household essentials are computed before its profiles) the essentials columns come from the
    run's HouseholdEssential rows in the same statement; otherwise they start at their defaults and
    crm.services.households fills them afterwards. The caller deletes the scope's
    old rows of the run first (idempotent retries) and holds the transaction. `into`: the table a full run loads
    its rows into (crm.services.run_tables), else the model's.
    """
    if stage is None:
        with staged(run_id=run_id, today=today, user_ids=user_ids) as scoped:
            return profiles_insert(
                run_id=run_id,
                today=today,
                now=now,
                thresholds=thresholds,
                breakpoints=breakpoints,
                id_range=id_range,
                user_ids=user_ids,
                with_essentials=with_essentials,
                stage=scoped,
                into=into,
            )
    from accounts.models import Household, User
    from crm.services.households_sql import profile_essentials_sql
    from shop.selectors.household import BOUGHT_STATUSES

    profile, user, household = into or sql.table(CustomerProfile), sql.table(User), sql.table(Household)
    essentials_join, essentials_columns = "", "0, 0, 0, NULL"
    essentials_values: dict[str, Any] = {}
    if with_essentials:
        essentials_join, essentials_columns, essentials_values = profile_essentials_sql(stage=stage)
    top_ids = (
        "'[' || CAST(MAX(CASE WHEN r.rn = 1 THEN r.category_id END) AS TEXT)"
        " || COALESCE(',' || CAST(MAX(CASE WHEN r.rn = 2 THEN r.category_id END) AS TEXT), '')"
        " || COALESCE(',' || CAST(MAX(CASE WHEN r.rn = 3 THEN r.category_id END) AS TEXT), '') || ']'"
    )
    template = f"""
    INSERT INTO {profile} (run_id, user_id, household_id, household_size, has_children, age_band, gender,
        marketing_consent, night_marketing_consent, joined_at, first_order_at, last_order_at, recency_days,
        frequency, monetary, r_score, f_score, m_score, rfm_segment, lifecycle, essentials_bought, essentials_due,
        essentials_overdue, essentials_share, top_category_ids, last_seen_at, computed_at)
    SELECT :run_id, b.user_id, b.household_id, b.household_size, b.has_children, b.age_band, b.gender,
        b.marketing_consent, b.night_marketing_consent, b.joined_at, b.first_at, b.last_at, b.recency_days,
        b.frequency, b.monetary, b.r_score, b.f_score, b.m_score, {rfm_segment(prefix="b.")}, {lifecycle_case()},
        {essentials_columns},
        {sql.as_json("COALESCE(t.ids, '[]')")}, v.last_seen_at, :now
    FROM (
        SELECT c.*, {rfm_scores(breakpoints, prefix="c.")}
        FROM (
            SELECT u.id AS user_id, u.household_id, h.size AS household_size,
                CASE WHEN u.household_id IS NULL THEN -u.id ELSE u.household_id END AS hkey,
                COALESCE(h.has_children, FALSE) AS has_children,
                CASE WHEN u.birth_date IS NULL THEN NULL
                     ELSE ((:today_int - {sql.yyyymmdd("u.birth_date")}) / 100000) * 10 END AS age_band,
                u.gender,
                u.marketing_consented_at IS NOT NULL AS marketing_consent,
                (u.marketing_consented_at IS NOT NULL AND u.night_marketing_consented_at IS NOT NULL)
                    AS night_marketing_consent,
                u.date_joined AS joined_at, o.first_at, o.last_at,
                o.recency_days, o.first_order_days AS first_days,
                COALESCE(o.orders, 0) AS frequency, COALESCE(o.spend, 0) AS monetary
            FROM {user} u
            LEFT JOIN {household} h ON h.id = u.household_id
            LEFT JOIN (
                SELECT user_id, orders, spend, first_at, last_at, recency_days, first_order_days
                FROM {stage.orders}
                WHERE {customer_scope("user_id", id_range=id_range, user_ids=user_ids)}
            ) o ON o.user_id = u.id
            WHERE {customer_scope("u.id", id_range=id_range, user_ids=user_ids)}
                AND u.is_active AND NOT u.is_staff AND NOT u.is_superuser
        ) c{sql.fence()}
    ) b
    LEFT JOIN (
        SELECT r.user_id, {top_ids} AS ids
        FROM (
            SELECT s.user_id, s.category_id,
                ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY SUM(s.spend) DESC, s.category_id) AS rn
            FROM {stage.lines} s
            WHERE {customer_scope("s.user_id", id_range=id_range, user_ids=user_ids)}
            GROUP BY s.user_id, s.category_id
        ) r
        WHERE r.rn <= 3
        GROUP BY r.user_id
    ) t ON t.user_id = b.user_id
    LEFT JOIN ({{last_seen}}) v ON v.user_id = b.user_id{essentials_join}
    """  # noqa: S608 (table names from model meta, every value bound)
    values: dict[str, Any] = {
        "run_id": run_id,
        "now": now,
        "today": today,
        "today_int": today.year * 10000 + today.month * 100 + today.day,
        "statuses": [str(status) for status in BOUGHT_STATUSES],
        **thresholds_values(thresholds),
        **essentials_values,
    }
    if id_range is not None:
        values["lo"], values["hi"] = id_range
    if user_ids is not None:
        values["user_ids"] = user_ids
    fragments = {"last_seen": _last_seen_fragment(id_range=id_range, user_ids=user_ids)}
    return sql.execute(template, values, fragments)


def profiles_delete(
    *, run_id: int, id_range: tuple[int, int] | None = None, user_ids: list[int] | None = None, into: str | None = None
) -> int:
    """Delete a run's profile rows in a scope (before re-inserting them); `into` as for `profiles_insert`."""
    if into is not None:
        scope = customer_scope("user_id", id_range=id_range, user_ids=user_ids)
        values: dict[str, Any] = {"run_id": run_id, "user_ids": user_ids or []}
        if id_range is not None:
            values["lo"], values["hi"] = id_range
        return sql.execute(f"DELETE FROM {into} WHERE run_id = :run_id AND {scope}", values)  # noqa: S608
    profiles = CustomerProfile.objects.filter(run_id=run_id)
    if user_ids is not None:
        profiles = profiles.filter(user_id__in=user_ids)
    elif id_range is not None:
        profiles = profiles.filter(user_id__gte=id_range[0], user_id__lte=id_range[1])
    return profiles.delete()[0]


def customer_id_ranges(*, chunk_size: int) -> tuple[int, list[tuple[int, int]]]:
    """(number of customers, id ranges of about `chunk_size` customers each) in one query: every chunk_size-th
    customer id starts a range, so ranges stay even however sparse the ids are."""
    from accounts.models import User

    rows = sql.fetchall(
        f"""
        SELECT n.id, n.rn, n.total FROM (
            SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn, COUNT(*) OVER () AS total
            FROM {sql.table(User)} WHERE is_active AND NOT is_staff AND NOT is_superuser
        ) n
        WHERE (n.rn - 1) % :chunk = 0 OR n.rn = n.total
        ORDER BY n.id
        """,  # noqa: S608 (table name from model meta)
        {"chunk": chunk_size},
    )
    if not rows:
        return 0, []
    total = rows[-1][2]
    starts = [row[0] for row in rows if (row[1] - 1) % chunk_size == 0]
    last_id = rows[-1][0]
    ranges = [(start, nxt - 1) for start, nxt in pairwise(starts)]
    ranges.append((starts[-1], last_id))
    return total, ranges
