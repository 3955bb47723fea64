# ruff: noqa: S608 (SQL identifiers come from the models' Meta and run ids; no value comes from a user)
"""Where a full run writes its bulk rows (profiles, household essentials, memberships), by database.

PostgreSQL: the three tables are partitioned by run (LIST on run_id, migration 0008; rows written outside a full
run, e.g. by tests' factories, land in the DEFAULT partition). A full run fills a table of its own without any
index (`load_table_create`), builds the indexes over the loaded rows in one sorted pass each, and attaches it as
the run's partition (`load_table_publish`): index upkeep row by row cost a third of a run. Obsolete runs' rows go
by dropping their partition instead of a DELETE (which left as many dead rows as it removed).

SQLite keeps plain tables: the run writes into the model's table and obsolete rows are deleted.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import Q

from crm.models import CustomerProfile, HouseholdEssential, SegmentMembership

RUN_MODELS = (CustomerProfile, HouseholdEssential, SegmentMembership)
LOCK_TIMEOUT = "2s"  # dropping a partition waits for readers of the parent; the next run retries when this passes


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def _name(model, run_id: int) -> str:
    return f"{model._meta.db_table}_r{int(run_id)}"


def load_table(model, run_id: int) -> str:
    """The quoted table a full run writes `model`'s rows of `run_id` into."""
    if not partitioned():
        return connection.ops.quote_name(model._meta.db_table)
    return connection.ops.quote_name(_name(model, run_id))


def load_table_create(model, run_id: int) -> str:
    """An empty, index-free table for the run's rows (PostgreSQL; replacing any earlier one and the run's rows in
    the default partition). Its CHECK on run_id lets the attach skip validating the rows. Returns `load_table`."""
    table = load_table(model, run_id)
    if not partitioned():
        return table
    parent = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"DELETE FROM {parent} WHERE run_id = %s", [run_id])
        cursor.execute(f"CREATE TABLE {table} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval(pg_get_serial_sequence(%s, 'id')::regclass), "
            f"ADD CONSTRAINT {connection.ops.quote_name(_name(model, run_id) + '_run')} CHECK (run_id = {int(run_id)})",
            [model._meta.db_table],
        )
    return table


def load_table_publish(model, run_id: int) -> None:
    """Index the loaded rows like the parent, analyse them, attach the table as the run's partition (PostgreSQL)."""
    if not partitioned():
        return
    parent = model._meta.db_table
    table = load_table(model, run_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid), c.contype FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
            "WHERE x.indrelid = %s::regclass",
            [parent],
        )
        for index_name, definition, constraint in cursor.fetchall():
            own = connection.ops.quote_name(f"{index_name[:50]}_r{int(run_id)}")
            definition = re.sub(r" ON (ONLY )?\S+ USING ", f" ON {table} USING ", definition, count=1)
            definition = definition.replace(f"INDEX {index_name} ON", f"INDEX {own} ON", 1)
            cursor.execute(definition.replace(f'INDEX "{index_name}" ON', f"INDEX {own} ON", 1))
            if constraint in ("p", "u"):  # a parent's constraint needs one on the partition, not a bare index
                kind = "PRIMARY KEY" if constraint == "p" else "UNIQUE"
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {own} {kind} USING INDEX {own}")
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(
            f"ALTER TABLE {connection.ops.quote_name(parent)} ATTACH PARTITION {table} FOR VALUES IN ({int(run_id)})"
        )


def runs_rows_drop(*, run_ids: list[int]) -> int:
    """Remove the rows of the runs in `run_ids` (obsolete) and of runs that no longer exist. PostgreSQL: drops their
    partitions and load tables (a failed run's table may never have been attached) and deletes such rows from the
    default partition, in one transaction whose drops wait at most LOCK_TIMEOUT for readers of the parent (raises
    then; the next run retries); SQLite: deletes the rows. Returns the tables dropped plus the rows deleted."""
    from crm.models import SegmentationRun

    existing = set(SegmentationRun.objects.values_list("pk", flat=True))
    gone = sorted(set(run_ids))
    keep = existing - set(gone)
    removed = 0
    if not partitioned():
        for model in RUN_MODELS:
            removed += model.objects.filter(Q(run_id__in=gone) | ~Q(run_id__in=existing)).delete()[0]
        return removed
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # Not introspection.table_names(): it leaves out partitions.
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
        )
        names = sorted(name for (name,) in cursor.fetchall())
        for model in RUN_MODELS:
            own = re.compile(rf"^{re.escape(model._meta.db_table)}_r(\d+)$")
            for name in names:
                match = own.match(name)
                if match and int(match.group(1)) not in keep:
                    cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)}")
                    removed += 1
            default = connection.ops.quote_name(f"{model._meta.db_table}_default")
            cursor.execute(
                f"DELETE FROM {default} WHERE run_id = ANY(%s) OR NOT run_id = ANY(%s)", [gone, sorted(existing)]
            )
            removed += max(cursor.rowcount, 0)
    return removed
