"""Campaign delivery benchmark: one campaign to a segment of 100,000 customers, delivered by a real Celery worker.

    python -m bench.campaigns [--customers 100000] [--concurrency 2]

PostgreSQL (BENCH_CAMPAIGNS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/donggeu_camp_bench) and Redis
as the broker (BENCH_CAMPAIGNS_REDIS_URL, default redis://127.0.0.1:6379/11). The customers (95 % with marketing
consent, half of them with night-time consent), a finished run and the segment's memberships are generated in SQL
once and kept; each run deletes the previous campaigns and their feed items first. The clock runs from the
campaign's creation (the editor's submit) to the last batch's commit (status "sent"): the launch task draws the
audience and the control group, then the worker delivers the batches (CRM_CAMPAIGN_BATCH recipients each, one
INSERT ... SELECT of feed items per batch). Prints the figures and writes bench/results/campaigns.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS = BASE_DIR / "bench" / "results" / "campaigns.json"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/donggeu_camp_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
TARGET_SECONDS = 60.0


def _log(message: str) -> None:
    print(f"[bench.campaigns] {message}", flush=True)


def _environment() -> dict[str, str]:
    url = os.environ.get("BENCH_CAMPAIGNS_DATABASE_URL", DEFAULT_DB)
    if not url.startswith("postgres"):
        sys.exit("bench.campaigns needs PostgreSQL (BENCH_CAMPAIGNS_DATABASE_URL)")
    redis = os.environ.get("BENCH_CAMPAIGNS_REDIS_URL", DEFAULT_REDIS)
    return {"DATABASE_URL": url, "REDIS_URL": redis, "CELERY_BROKER_URL": redis, "CELERY_RESULT_BACKEND": redis}


def _ensure_database(url: str) -> None:
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


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _sql(statement: str, params: list | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _seed(customers: int):
    """The team, its MD lead, a finished run and a segment whose members are `customers` generated customers."""
    from accounts.models import User
    from crm.models import Segment, SegmentationRun, SegmentMembership, Team, TeamMember

    team, _ = Team.objects.get_or_create(slug="bench-campaigns", defaults={"name": "벤치 캠페인팀"})
    lead, _ = User.objects.get_or_create(username="bench_camp_lead", defaults={"nickname": "리더", "is_staff": True})
    TeamMember.objects.get_or_create(team=team, user=lead, defaults={"role": TeamMember.Role.MD_LEAD})
    segment, _ = Segment.objects.get_or_create(
        team=team, name="벤치 세그먼트", defaults={"definition": {"match": "all", "conditions": []}}
    )
    run = SegmentationRun.objects.filter(status=SegmentationRun.Status.SUCCEEDED).order_by("-pk").first()
    have = User.objects.filter(username__startswith="campbench").count()
    if have < customers:
        _log(f"generating {customers - have:,} customers")
        _sql(
            """
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                is_active, date_joined, nickname, gender, phone, marketing_consented_at, night_marketing_consented_at,
                tracking_opted_out, notify_by_email, notify_by_alimtalk)
            SELECT '!', FALSE, 'campbench' || g, '', '', '', FALSE, TRUE, now() - interval '200 days', '고객' || g, '',
                '', c.consent, CASE WHEN c.consent IS NOT NULL AND g %% 2 = 0 THEN c.consent END, FALSE, TRUE, TRUE
            FROM generate_series(%s, %s) g
            CROSS JOIN LATERAL (SELECT CASE WHEN g %% 20 <> 0 THEN now() - interval '100 days' END AS consent
                                WHERE g > 0) c
            """,
            [have + 1, customers],
        )
    if run is None or SegmentMembership.objects.filter(run=run, segment=segment).count() != customers:
        from django.utils import timezone

        run = SegmentationRun.objects.create(
            kind=SegmentationRun.Kind.FULL,
            status=SegmentationRun.Status.SUCCEEDED,
            lock=None,
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )
        _sql(
            """
            INSERT INTO crm_segmentmembership (run_id, segment_id, user_id)
            SELECT %s, %s, id FROM accounts_user WHERE username LIKE 'campbench%%' ORDER BY id LIMIT %s
            """,
            [run.pk, segment.pk, customers],
        )
        _sql("ANALYZE")
    return team, lead, segment


def _reset() -> None:
    _sql("DELETE FROM feed_feeditem WHERE source LIKE 'campaign:%%'")
    _sql("DELETE FROM crm_campaignrecipient")
    _sql("DELETE FROM crm_campaign")
    _sql("VACUUM ANALYZE feed_feeditem")


def _worker(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=WARNING",
        f"--concurrency={concurrency}",
        "--hostname=campbench@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    process = subprocess.Popen(command, cwd=BASE_DIR, env={**os.environ, **env})  # noqa: S603 - our own command
    from celery import current_app

    for _ in range(60):
        time.sleep(1)
        if current_app.control.ping(destination=[f"campbench@{os.uname().nodename}"], timeout=0.5):
            return process
    process.terminate()
    sys.exit("the Celery worker did not start")


def _measure(team, lead, segment) -> dict:
    from crm.models import Campaign
    from crm.selectors.access import seat_for
    from crm.selectors.campaigns import campaign_results
    from crm.services.campaigns import campaign_create, recipient_ranges

    started = time.perf_counter()
    campaign = campaign_create(
        seat=seat_for(user=lead, team=team),
        segment_id=segment.pk,
        title="벤치마크 캠페인",
        body="{nickname}님, 이번 주 생활용품 할인이에요",
        control_percent=10,
    )
    launched = None
    while True:
        time.sleep(0.2)
        row = Campaign.objects.filter(pk=campaign.pk).values("status", "launched_at").get()
        if launched is None and row["launched_at"] is not None:
            launched = time.perf_counter() - started
        if row["status"] == Campaign.Status.SENT:
            break
        if time.perf_counter() - started > 600:
            sys.exit("the campaign did not finish within 10 minutes")
    total = time.perf_counter() - started
    campaign.refresh_from_db()
    results_started = time.perf_counter()
    results = campaign_results(campaign)
    results_seconds = time.perf_counter() - results_started
    return {
        "seconds": round(total, 2),
        "launch_seen_after_seconds": round(launched or 0.0, 2),
        "audience": results.audience,
        "batches": len(recipient_ranges(campaign_id=campaign.pk)),
        "delivered": results.delivered,
        "held_out": results.held_out,
        "skipped": results.skipped,
        "recipients_per_second": round(results.audience / total),
        "results_page_query_seconds": round(results_seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (the machine has 2 cores)")
    args = parser.parse_args()
    env = _environment()
    _ensure_database(env["DATABASE_URL"])
    _django(env)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    team, lead, segment = _seed(args.customers)
    _reset()
    worker = _worker(env, args.concurrency)
    try:
        figures = _measure(team, lead, segment)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    figures.update(
        {
            "customers": args.customers,
            "worker_concurrency": args.concurrency,
            "batch_size": settings.CRM_CAMPAIGN_BATCH,
            "target_seconds": TARGET_SECONDS,
            "within_target": figures["seconds"] < TARGET_SECONDS,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    )
    for key, value in figures.items():
        _log(f"{key}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    _log(f"wrote {RESULTS.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
