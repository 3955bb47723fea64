# ruff: noqa: S603, S108, S101 (a benchmark driver: fixed local commands, a log file in /tmp, sanity asserts)
"""bench.events: event ingestion throughput and nudge push latency, served the production way.

    python -m bench.events            (make bench-events)

Uses DATABASE_URL (PostgreSQL) and REDIS_URL, by default the machine's own (bench.pages' database, Redis db 9).
Serves the mall as docker-compose.yml does (DJANGO_DEBUG=0):
gunicorn sync workers for HTTP (BENCH_WORKERS, default one per CPU) and daphne for WebSockets, then:
1. throughput: a separate load process posts beacon batches of 20 events to POST /api/events/ over
   keep-alive connections for BENCH_SECONDS (default 15) with BENCH_THREADS (default 16) threads;
2. latency: a real WebSocket client (the `websockets` package) joins ws/feed/ on daphne as a fresh visitor,
   then posts a batch that meets a nudge rule's threshold to gunicorn and times post -> nudge received (through
   the Redis channel layer), BENCH_SAMPLES times.
Prints the figures and writes bench/results/events.json.
"""

import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "events.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):  # the machine's own PostgreSQL and Redis, as bench.pages uses them
        from bench.pages import bench_database_url

        env["DATABASE_URL"] = bench_database_url()
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    if not env["DATABASE_URL"].startswith("postgres"):
        sys.exit("bench.events needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as in production.")
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
        # daphne (WebSockets): under ASGI every request runs in its own thread, so persistent connections would pile up
        # until PostgreSQL refuses more: connect per request (what Django's docs advise without a pooler).
        DJANGO_CONN_MAX_AGE=env.get("DJANGO_CONN_MAX_AGE", "0"),
        FEED_EVENT_BUFFER=env.get("FEED_EVENT_BUFFER", "1"),  # production: beacon -> Redis list -> bulk flush
    )
    return env


def _prepare(env: dict[str, str]) -> int:
    """Migrate, create the bench's nudge rule and empty the event buffer; returns the rule's category id."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    code = (
        "import django; django.setup()\n"
        "from shop.models import Category\n"
        "from feed.models import NudgeRule\n"
        "from feed.services import rules_invalidate\n"
        "c, _ = Category.objects.get_or_create(slug='bench-bags', defaults={'name': '벤치 가방', 'kind': 'preference'})\n"
        "NudgeRule.objects.update_or_create(name='bench: 가방 4번', defaults=dict(event_type='category_view',"
        " category=c, min_count=4, window_minutes=30, title='가방 고민 중이세요?', message='천천히 보세요',"
        " is_promotional=False, cooldown_minutes=60))\n"
        "rules_invalidate()\n"
        "from feed.services.events import events_flush\n"
        "events_flush()\n"
        "print(c.pk)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def _wait_healthy(proc: subprocess.Popen, port: int, name: str, log: str) -> subprocess.Popen:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"{name} did not start: see {log}")


def _start_http(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    """docker-compose.yml's `web`: gunicorn sync workers on the WSGI app, one kept DB connection per worker."""
    log = "/tmp/bench-events-gunicorn.log"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--keep-alive", "5", "--backlog", "256", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env={**env, "DJANGO_CONN_MAX_AGE": "60"},
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),  # noqa: SIM115
    )
    return _wait_healthy(proc, port, "gunicorn", log)


def _start_ws(env: dict[str, str], port: int) -> subprocess.Popen:
    """docker-compose.yml's `ws`: daphne on the ASGI app, for the live feed's WebSockets."""
    log = "/tmp/bench-events-daphne.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "w"),  # noqa: SIM115
    )
    return _wait_healthy(proc, port, "daphne", log)


def _post(port: int, visitor: str, category: int) -> None:
    now = int(time.time() * 1000)
    body = json.dumps({"events": [{"type": "category_view", "ts": now, "category": category}] * 4}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/events/",
        data=body,
        headers={"Content-Type": "text/plain", "Origin": f"http://127.0.0.1:{port}", "Cookie": f"dg_vid={visitor}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        response.read()


async def _latency(http_port: int, ws_port: int, category: int, samples: int) -> list[float]:
    import websockets

    timings: list[float] = []
    missed: list[str] = []
    failed: list[str] = []
    post_ms: list[float] = []
    loop = asyncio.get_running_loop()
    for _ in range(samples):
        visitor = str(uuid.uuid4())
        async with websockets.connect(
            f"ws://127.0.0.1:{ws_port}/ws/feed/",
            origin=f"http://127.0.0.1:{ws_port}",
            additional_headers={"Cookie": f"dg_vid={visitor}"},
        ) as ws:
            ready = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert ready["type"] == "feed.ready", ready
            started = time.perf_counter()
            try:
                await loop.run_in_executor(None, _post, http_port, visitor, category)
                post_ms.append((time.perf_counter() - started) * 1000)
            except OSError as exc:  # urllib's HTTPError included: count it, keep measuring
                failed.append(str(exc))
                continue
            try:
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 15))
                    if message.get("type") == "feed.item":
                        timings.append((time.perf_counter() - started) * 1000)
                        break
            except TimeoutError:
                missed.append(visitor)
    if missed or failed:
        print(f"latency probes: {len(missed)} nudges missing after 15 s, {len(failed)} posts failed", file=sys.stderr)
    if post_ms:
        print(f"  (the POST alone, response received: p50 {statistics.median(post_ms):.1f} ms)", file=sys.stderr)
    return timings


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    env = _env()
    seconds = float(os.environ.get("BENCH_SECONDS", "15"))
    threads = int(os.environ.get("BENCH_THREADS", "16"))
    samples = int(os.environ.get("BENCH_SAMPLES", "100"))
    workers = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
    category = _prepare(env)
    http_port, ws_port = _free_port(), _free_port()
    running = [_start_http(env, http_port, workers), _start_ws(env, ws_port)]
    flusher = subprocess.Popen(
        [sys.executable, "-m", "bench.events.flusher"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        load = subprocess.run(
            [sys.executable, "-m", "bench.events.load", str(http_port), str(seconds), str(threads)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        throughput = json.loads(load.stdout.strip().splitlines()[-1])
        events_per_second = throughput["batches_ok"] * 20 / throughput["seconds"]
        timings = asyncio.run(_latency(http_port, ws_port, category, samples))
        flusher.send_signal(signal.SIGTERM)
        stored = json.loads(flusher.communicate(timeout=120)[0].strip().splitlines()[-1])["stored"]
    finally:
        for server in running:
            server.kill()
            server.wait(timeout=10)
    result = {
        "server": f"gunicorn {workers} sync workers (HTTP, CONN_MAX_AGE=60) + daphne (WebSocket), DJANGO_DEBUG=0,"
        " PostgreSQL + Redis",
        "cpu_count": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "batch_size": 20,
        "load_threads": threads,
        "duration_s": throughput["seconds"],
        "batches_ok": throughput["batches_ok"],
        "batches_failed": throughput["batches_failed"],
        "events_per_second": round(events_per_second, 1),
        "events_stored_in_postgresql": stored,
        "event_buffer": env["FEED_EVENT_BUFFER"] == "1",
        "nudge_latency_samples": len(timings),
        "nudge_latency_p50_ms": round(statistics.median(timings), 1),
        "nudge_latency_p99_ms": round(_percentile(timings, 0.99), 1),
        "targets": {"events_per_second": 5000, "p99_ms": 100},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"events/s through POST /api/events/ (batches of 20): {result['events_per_second']:,.0f}  (target 5,000)")
    print(
        f"post -> nudge on WebSocket: p50 {result['nudge_latency_p50_ms']} ms, p99 {result['nudge_latency_p99_ms']} ms  (target p99 < 100 ms)"
    )
    accepted = throughput["batches_ok"] * 20 + samples * 4  # the latency probes post 4 events each
    print(f"events stored in PostgreSQL by the flusher: {stored:,} of {accepted:,} accepted")
    print(f"failed batches: {result['batches_failed']}; written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
