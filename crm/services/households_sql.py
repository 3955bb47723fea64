# ruff: noqa: S608 (SQL identifiers come from the models' Meta; every value is a parameter)
"""The small SQL toolkit of crm.services.households: quoted table names, the household key, the Seoul day
number arithmetic of PostgreSQL and SQLite, named parameters collected while a statement is assembled, and the
essentials columns a profile INSERT reads from the staged summary."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from accounts.models import User
from shop.models import Category, Order

if TYPE_CHECKING:  # staging builds on this module
    from crm.services.staging import Stage


def table_name(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def hkey(alias: str) -> str:
    """The household key of a user row: its household id, else minus its own id."""
    return f"(CASE WHEN {alias}.household_id IS NULL THEN -{alias}.id ELSE {alias}.household_id END)"


class HouseholdSql:
    """Collects named parameters while a statement is assembled, and knows the two dialects' date arithmetic.

    Dates are handled as day numbers (days since 1970-01-01, Seoul calendar) so that intervals and due dates are
    integer arithmetic in both databases.
    """

    def __init__(self) -> None:
        if connection.vendor not in ("postgresql", "sqlite"):
            raise ImproperlyConfigured(
                f"household essentials SQL supports PostgreSQL and SQLite, not {connection.vendor}"
            )
        self.params: dict[str, Any] = {}

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def in_list(self, column: str, values: list[Any]) -> str:
        if not values:
            return "1 = 0"
        if self.postgres:
            return f"{column} = ANY({self.param(list(values))})"
        return f"{column} IN ({', '.join(self.param(value) for value in values)})"

    def seoul_day(self, column: str) -> str:
        """Day number of an aware timestamp column on the Seoul calendar (Django's own time-zone conversion)."""
        sql, tz_params = connection.ops.datetime_cast_date_sql(column, (), timezone.get_default_timezone_name())
        for value in tz_params:
            sql = sql.replace("%s", self.param(value), 1)
        if self.postgres:
            return f"({sql} - DATE '1970-01-01')"
        return f"CAST(julianday({sql}) - 2440587.5 AS INTEGER)"

    def day_to_date(self, expression: str) -> str:
        if self.postgres:
            return f"(DATE '1970-01-01' + CAST({expression} AS INTEGER))"
        return f"date(({expression}) + 2440587.5)"


def day_number(value: date) -> int:
    return (value - date(1970, 1, 1)).days


def scope_sql(sql: HouseholdSql, user_alias: str, user_ids: list[int] | None, *, id_column: str = "id") -> str:
    """Restrict to the households of `user_ids` (members of their households, or the solo customers themselves);
    the rows of `user_alias` hold a household_id and the user id in `id_column`."""
    if user_ids is None:
        return ""
    users = table_name(User)
    return (
        f" AND ({user_alias}.household_id IN (SELECT hs.household_id FROM {users} hs WHERE "
        f"{sql.in_list('hs.id', user_ids)} AND hs.household_id IS NOT NULL)"
        f" OR ({user_alias}.household_id IS NULL AND {sql.in_list(f'{user_alias}.{id_column}', user_ids)}))"
    )


def essential_share_categories() -> int:
    """How many essential categories the share of wallet divides by (active, with a replenishment cycle)."""
    return Category.objects.filter(
        kind=Category.Kind.ESSENTIAL, is_active=True, replenishment_days__isnull=False
    ).count()


def profile_essentials_sql(*, stage: Stage) -> tuple[str, str, dict[str, Any]]:
    """For a profile INSERT ... SELECT whose customer rows `b` have `hkey` (see `_hkey`), `household_id` and
    `frequency` (bought orders): (a LEFT JOIN clause, the four column expressions essentials_bought,
    essentials_due, essentials_overdue and essentials_share, the values they bind besides `:statuses*`). The
    figures are the ones `_profiles_fill` writes, read from the run's staged summary (`essentials_summary_build`)."""
    users, orders = table_name(User), table_name(Order)
    user_alias = "b"
    count = essential_share_categories()
    join = f"""
    LEFT JOIN {stage.households} ess ON ess.hkey = b.hkey"""
    # A household without rows still has a share (0) when any member bought anything here; NULL when none did.
    # A scalar subquery with LIMIT 1, evaluated by index only for the few rows that reach it (as EXISTS, the
    # planner hashed every bought order of every customer once per range).
    household_bought = (
        f"(SELECT 1 FROM {orders} oe JOIN {users} me ON me.id = oe.user_id"
        f" WHERE me.household_id = {user_alias}.household_id AND oe.status IN (:statuses*) LIMIT 1) IS NOT NULL"
    )
    share = (
        f"CASE WHEN ess.hkey IS NOT NULL THEN COALESCE(ess.covered, 0) / :essential_categories"
        f" WHEN b.frequency > 0 THEN 0.0"
        f" WHEN {user_alias}.household_id IS NOT NULL AND {household_bought} THEN 0.0 END"
        if count
        else "CAST(NULL AS REAL)"
    )
    columns = f"COALESCE(ess.bought, 0), COALESCE(ess.due, 0), COALESCE(ess.overdue, 0), {share}"
    values = {"essential_categories": float(count)}
    return join, columns, values
