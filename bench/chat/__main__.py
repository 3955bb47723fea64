# ruff: noqa: S603, S108 (a benchmark driver: fixed local commands, logs in /tmp)
"""bench.chat: many live 1:1 문의 conversations on one daphne process, and the message round trip.

    python -m bench.chat            (make bench-chat; BENCH_CONVERSATIONS=500 -> 1,000 sockets)

Uses BENCH_CHAT_DATABASE_URL (PostgreSQL, default donggeu_bench_chat, created on first use) and BENCH_CHAT_REDIS_URL
(the Redis channel layer and cache, default db 10). It seeds N conversations (bench.chat.seed), starts ONE daphne process (DJANGO_DEBUG=0), and
opens 2 sockets per conversation: the shopper's and the CS member's, each saying hello. Then shoppers send
BENCH_MESSAGES messages at BENCH_RATE per second spread over the conversations, and each is timed from the send to
the moment the staff socket of that conversation receives it (stored with its seq, committed, pushed through
Redis). Prints p50/p99/max, the open socket count and the load average; writes bench/results/chat.json.
"""

import asyncio
import gc
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.pages import bench_database_url

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "chat.json"
SEED_FILE = Path("/tmp/bench-chat-seed.json")
LOG = "/tmp/bench-chat-daphne.log"
PROFILE = os.environ.get("BENCH_PROFILE") == "1"  # cProfile every daphne thread into /tmp/bench-chat.prof
DAPHNE = "bench.chat.profiled_daphne" if PROFILE else "daphne"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Its own database and Redis db, never the app's: the bench seeds hundreds of conversations.
    env["DATABASE_URL"] = bench_database_url(
        "BENCH_CHAT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/donggeu_bench_chat"
    )
    env["REDIS_URL"] = os.environ.get("BENCH_CHAT_REDIS_URL", "redis://127.0.0.1:6379/10")
    if not env["DATABASE_URL"].startswith("postgres"):
        sys.exit("bench.chat needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as in production.")
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
        # Consumers' database calls share one bounded thread pool, so kept connections stay few.
        DJANGO_CONN_MAX_AGE=env.get("DJANGO_CONN_MAX_AGE", "60"),
        CRM_CHAT_MESSAGES_PER_MINUTE="100000",
    )
    return env


def _start_daphne(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", DAPHNE, "-b", "127.0.0.1", "-p", str(port)),
            *("--websocket_connect_timeout", "60", "config.asgi:application"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(LOG, "w"),  # noqa: SIM115
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"daphne did not start: see {LOG}")


class Side:
    """One socket: says hello, then hands every chat.message to the waiter registered for its key."""

    def __init__(self, port: int, conversation: int, session: str, waiters: dict) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/chat/{conversation}/"
        self.headers = {"Cookie": f"sessionid={session}"}
        self.origin = f"http://127.0.0.1:{port}"
        self.waiters = waiters
        self.ws = None
        self.ready = asyncio.Event()
        self.errors: list[str] = []
        self.failure = ""

    async def run(self) -> None:
        try:
            await self._run()
        except Exception as error:  # a refused or dropped socket is counted, not fatal
            self.failure = repr(error)
            self.ready.set()

    async def _run(self) -> None:
        import websockets

        async with websockets.connect(
            self.url, additional_headers=self.headers, origin=self.origin, open_timeout=60, ping_interval=None
        ) as ws:
            self.ws = ws
            await ws.send(json.dumps({"type": "hello", "last_seq": 1}))
            async for raw in ws:
                event = json.loads(raw)
                if event["type"] == "chat.ready":
                    self.ready.set()
                elif event["type"] == "chat.error":
                    self.errors.append(event.get("detail", ""))
                elif event["type"] == "chat.message":
                    waiter = self.waiters.pop(event.get("key"), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(time.perf_counter())


async def _bench(port: int, seed: dict, messages: int, rate: float) -> dict:
    loop = asyncio.get_running_loop()
    staff_waiters: dict = {}
    pairs = []
    for row in seed["conversations"]:
        shopper = Side(port, row["id"], row["session"], {})
        staff = Side(port, row["id"], seed["staff_session"], staff_waiters)
        pairs.append((shopper, staff))
    tasks = []
    started = time.perf_counter()
    for batch in range(0, len(pairs), 25):  # open gradually: a burst of 1,000 handshakes only measures the backlog
        for shopper, staff in pairs[batch : batch + 25]:
            tasks += [asyncio.create_task(shopper.run()), asyncio.create_task(staff.run())]
        await asyncio.sleep(0.25)
    sides = [side for pair in pairs for side in pair]
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in sides)), timeout=300)
    connect_seconds = time.perf_counter() - started
    open_sockets = sum(1 for s in sides if s.ready.is_set() and not s.failure)
    pairs = [(shopper, staff) for shopper, staff in pairs if not shopper.failure and not staff.failure]
    # The driver's own full garbage collections over 1,000 sockets' objects would be timed as round trips.
    gc.collect()
    gc.freeze()

    async def one(n: int) -> float:
        shopper, _staff = random.choice(pairs)
        key = f"bench-{n}-{secrets.token_hex(4)}"
        arrived = loop.create_future()
        staff_waiters[key] = arrived
        sent = time.perf_counter()
        await shopper.ws.send(json.dumps({"type": "message", "body": f"벤치 메시지 {n}", "key": key}))
        return (await asyncio.wait_for(arrived, timeout=30) - sent) * 1000

    pending = []
    for n in range(messages):
        pending.append(asyncio.create_task(one(n)))
        await asyncio.sleep(1 / rate)
    results = await asyncio.gather(*pending, return_exceptions=True)
    latencies = sorted(r for r in results if isinstance(r, float))
    failures = [repr(r) for r in results if not isinstance(r, float)]
    refused = [e for s in pairs for e in s[0].errors]
    still_open = sum(1 for s in sides if s.ws is not None and s.ws.state.name == "OPEN")
    for task in tasks:
        task.cancel()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "conversations": len(pairs),
        "sockets_open": open_sockets,
        "sockets_open_at_end": still_open,
        "connect_seconds": round(connect_seconds, 1),
        "messages": messages,
        "rate_per_second": rate,
        "delivered": len(latencies),
        "lost_or_late": messages - len(latencies),
        "refused": refused[:5],
        "socket_failures": [s.failure for s in sides if s.failure][:5],
        "failures": failures[:5],
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(quantiles[98], 1),
        "max_ms": round(latencies[-1], 1),
    }


def main() -> None:
    env = _env()
    count = int(os.environ.get("BENCH_CONVERSATIONS", "500"))
    messages = int(os.environ.get("BENCH_MESSAGES", "2000"))
    rate = float(os.environ.get("BENCH_RATE", "20"))
    port = int(os.environ.get("BENCH_PORT", "8131"))
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-m", "bench.chat.seed", str(count), str(SEED_FILE)], cwd=ROOT, env=env, check=True)
    seed = json.loads(SEED_FILE.read_text())
    print(f"bench.chat: {count} conversations seeded; starting one daphne on :{port}", flush=True)
    daphne = _start_daphne(env, port)
    try:
        result = asyncio.run(_bench(port, seed, messages, rate))
    finally:
        if PROFILE:
            daphne.send_signal(signal.SIGUSR1)
            daphne.wait(timeout=60)
        daphne.terminate()
        daphne.wait(timeout=10)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    print(
        f"sockets {result['sockets_open']} open ({result['sockets_open_at_end']} at the end), "
        f"{result['delivered']}/{result['messages']} delivered at {rate:g}/s: "
        f"round trip p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms; "
        f"load average {result['load_average']}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
