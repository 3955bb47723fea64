"""Run the segmentation benchmark (see bench/segmentation/__init__.py)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS = BASE_DIR / "bench" / "results" / "segmentation.json"
RESULTS_LARGE = BASE_DIR / "bench" / "results" / "segmentation_large.json"  # --large keeps the default's figures
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/donggeu_bench_seg"
SIZES = {"default": (100_000, 1_000_000, 10.0), "large": (1_000_000, 10_000_000, 120.0)}


def _log(message: str) -> None:
    print(f"[bench.segmentation] {message}", flush=True)


def _database_url() -> str:
    url = os.environ.get("BENCH_SEGMENTATION_DATABASE_URL", DEFAULT_DB)
    if not url.startswith("postgres"):
        sys.exit("bench.segmentation needs PostgreSQL (BENCH_SEGMENTATION_DATABASE_URL)")
    import psycopg2
    from psycopg2 import sql

    dbname = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            _log(f"created database {dbname}")
    admin.close()
    return url


def _recreate(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    dbname = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    admin.close()
    _log(f"recreated database {dbname}")


def _django(url: str) -> None:
    # In-process and eager: no broker, no Redis (the run is the same code a worker runs).
    os.environ["DATABASE_URL"] = url
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _instrument(timings: dict[str, list[float]]) -> None:
    """Time each step of the pipeline by wrapping the functions crm.services.segmentation calls."""
    from crm.services import segmentation

    def timed(name: str, func):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                timings[name].append(time.perf_counter() - started)

        return wrapper

    for name in (
        "customer_id_ranges",
        "stage_build",
        "stage_vacuum",
        "essentials_summary_build",
        "segmentation_chunk_compute",
        "rfm_breakpoints_compute",
        "essentials_compute",
        "memberships_build",
        "snapshots_build",
        "runs_rows_delete",
    ):
        setattr(segmentation, name, timed(name, getattr(segmentation, name)))
    from crm import tasks, tasks_households

    tasks.segmentation_chunk_compute = segmentation.segmentation_chunk_compute

    class ReminderQueued:
        """The essentials reminders are their own task, queued after the swap (eager here): not part of the run.
        Run inline, the first run of a fresh data set also timed one feed item per due household member."""

        @staticmethod
        def delay(*args, **kwargs) -> None:
            return None

    tasks_households.essentials_remind_task = ReminderQueued()


def _floor() -> float:
    """One bare aggregate over the same order lines: per customer count, sum and latest order."""
    from django.db import connection

    from shop.selectors.household import BOUGHT_STATUSES

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT o.user_id, COUNT(*), SUM(l.line_total), MAX(o.placed_at) FROM shop_orderline l "
            "JOIN shop_order o ON o.id = l.order_id WHERE o.status = ANY(%s) GROUP BY o.user_id",
            [[str(s) for s in BOUGHT_STATUSES]],
        )
        cursor.fetchall()
        return time.perf_counter() - started


def _database_cpu() -> float | None:
    """CPU seconds the database backend of this connection has used so far (user + system), when PostgreSQL runs
    on this machine: unlike the wall time, it does not grow with the load other processes put on the cores."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


TIMINGS: dict[str, list[float]] = defaultdict(list)


def _run_once() -> tuple[float, dict[str, list[float]], dict]:
    from crm.models import SegmentationRun
    from crm.services.runs import segmentation_run_start

    TIMINGS.clear()
    cpu_before = _database_cpu()
    started = time.perf_counter()
    run = segmentation_run_start(kind=SegmentationRun.Kind.FULL, trigger="bench")
    elapsed = time.perf_counter() - started
    cpu_after = _database_cpu()
    run.refresh_from_db()
    if run.status != SegmentationRun.Status.SUCCEEDED:
        sys.exit(f"run failed: {run.error}")
    timings = {name: list(values) for name, values in TIMINGS.items()}
    return (
        elapsed,
        defaultdict(list, timings),
        {
            "customers": run.customers_processed,
            "chunks": run.chunks_total,
            "run_id": run.pk,
            "database_cpu": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
            "load": os.getloadavg()[0],
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="1,000,000 customers and 10,000,000 order lines")
    parser.add_argument("--runs", type=int, default=2, help="timed full runs (default 2: cold and warm)")
    parser.add_argument("--customers", type=int, default=None, help="override the size (a quick smoke run)")
    parser.add_argument("--lines", type=int, default=None, help="override the size (a quick smoke run)")
    parser.add_argument("--chunk", type=int, default=None, help="customers per range task (CRM_SEGMENTATION_CHUNK)")
    args = parser.parse_args()
    size = "large" if args.large else "default"
    customers, lines, target = SIZES[size]
    if args.customers or args.lines:
        size = "custom"
        customers, lines = args.customers or customers, args.lines or lines
    url = _database_url()
    if args.chunk:
        os.environ["CRM_SEGMENTATION_CHUNK"] = str(args.chunk)
    _django(url)
    from django.core.management import call_command

    from bench.segmentation import seed

    call_command("migrate", "--noinput", verbosity=0)
    if seed.seeded_size() != (customers, lines):  # another size, or a generation that stopped half-way
        from django.db import connections

        connections.close_all()
        _recreate(url)
        call_command("migrate", "--noinput", verbosity=0)
        seed.seed(customers=customers, lines=lines)
    segments = seed.segments_create()
    from django.conf import settings

    _instrument(TIMINGS)
    runs = []
    for index in range(args.runs):
        elapsed, timings, info = _run_once()
        runs.append((elapsed, timings, info))
        cpu = "" if info["database_cpu"] is None else f", database CPU {info['database_cpu']:.2f} s"
        _log(
            f"full run {index + 1}: {elapsed:.2f} s ({info['customers']:,} customers, {info['chunks']} ranges{cpu}; "
            f"load average {info['load']:.1f})"
        )
    floor = min(_floor() for _ in range(3))
    elapsed, timings, info = min(runs, key=lambda item: item[0])
    chunk_times = timings["segmentation_chunk_compute"]
    steps = {
        name: round(sum(timings[name]), 3)
        for name in (
            "customer_id_ranges",
            "stage_build",
            "stage_vacuum",
            "rfm_breakpoints_compute",
            "essentials_compute",
            "essentials_summary_build",
            "segmentation_chunk_compute",
            "memberships_build",
            "snapshots_build",
            "runs_rows_delete",
        )
    }
    serial_rest = elapsed - sum(chunk_times)

    def with_workers(workers: int) -> float:
        """The measured run with its range tasks spread over `workers` (longest first onto the least loaded)."""
        loads = [0.0] * workers
        for seconds in sorted(chunk_times, reverse=True):
            loads[loads.index(min(loads))] += seconds
        return round(serial_rest + max(loads), 2)

    result = {
        "size": size,
        "customers": customers,
        "order_lines": lines,
        "segments": segments,
        "chunk_size": settings.CRM_SEGMENTATION_CHUNK,
        "ranges": len(chunk_times),
        "full_run_seconds": round(elapsed, 2),
        "all_runs_seconds": [round(r[0], 2) for r in runs],
        "database_cpu_seconds": None if info["database_cpu"] is None else round(info["database_cpu"], 2),
        "load_average": round(info["load"], 2),
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": round(elapsed / floor, 1),
        "target_seconds": target,
        "target_met": elapsed < target,
        "steps_seconds": steps,
        "range_task_seconds": {
            "mean": round(statistics.mean(chunk_times), 3) if chunk_times else 0,
            "max": round(max(chunk_times, default=0), 3),
        },
        "estimated_wall_seconds_with_workers": {str(w): with_workers(w) for w in (1, 2, 4, 8)},
        "database": url.split("@")[-1],
    }
    results = RESULTS_LARGE if size == "large" else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    _log(
        f"{customers:,} customers / {lines:,} lines: full run {elapsed:.2f} s (target {target:.0f} s: "
        f"{'met' if result['target_met'] else 'MISSED'}), floor {floor:.3f} s, ratio {elapsed / floor:.1f}x"
    )
    for name, seconds in steps.items():
        _log(f"  {name:28s} {seconds:7.2f} s")
    _log(f"  with N workers (ranges in parallel): {result['estimated_wall_seconds_with_workers']}")
    _log(f"results written to {results.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
