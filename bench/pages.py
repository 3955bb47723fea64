"""Page-load benchmark: `python -m bench.pages` (or `make bench-pages`).

1. Seeds a large catalog (~10,200 products via shop.demo.catalog at scale 50) and 100,000 historical orders into
   a separate PostgreSQL database (BENCH_DATABASE_URL, default donggeu_bench, created if missing; falls back to a
   SQLite file with a warning when PostgreSQL is not reachable). Re-runs reuse what is there.
2. Serves the mall the way production would: DJANGO_DEBUG=0 with a generated secret, collected static files,
   the Redis cache (BENCH_REDIS_URL or REDIS_URL, else the local Redis, database 8, emptied first). By default (--server gunicorn) the plain HTTP pages are
   served by gunicorn on the WSGI app (config/wsgi.py), one sync worker per core, persistent DB connections, as a
   production deployment would; WebSockets stay on daphne (config/asgi.py), which pages never need.
   `--server daphne` instead starts one daphne process per core on consecutive ports (the load generator spreads
   its clients over them the way a proxy would) with a new DB connection per request (see _env).
3. Drives load from a SEPARATE process (bench/loadgen.py: threads + http.client, no extra dependency) at 16
   concurrent closed-loop clients, page by page (home, category, product, search, the 집들이 listing and a tour) for
   a bounded time, and prints
   requests/s, p50 and p99. Results go to bench/results/pages.json (git-ignored).

Historical orders are bulk-inserted rows (users, orders, lines) rather than checkouts: they stand for six months
of past sales and exist to give the tables realistic size and `sold_count` realistic skew. Checkout correctness is
tested elsewhere.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / os.environ.get("BENCH_RESULTS", "bench/results/pages.json")
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/donggeu_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
PRODUCT_SCALE = 50  # x ~204 hand-written products = ~10,200
ORDER_COUNT = 100_000
CUSTOMERS = 3_000
BASE_PORT = int(os.environ.get("BENCH_BASE_PORT", "8810"))  # a shared machine: each user its own range
GUNICORN_THREADS = 1  # sync workers: measured better tails than gthread x4 on 2 cores (see --threads)


def _log(message: str) -> None:
    print(f"[bench.pages] {message}", flush=True)


def bench_database_url(variable: str = "BENCH_DATABASE_URL", default: str = DEFAULT_DB) -> str:
    """The benchmark's own database (never the app's DATABASE_URL), created on first use."""
    url = os.environ.get(variable, default)
    if not url.startswith("postgres"):
        return url
    try:
        import psycopg2
        from psycopg2 import sql

        dbname = url.rsplit("/", 1)[1]
        admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
                _log(f"created database {dbname}")
        admin.close()
        return url
    except Exception as exc:  # PostgreSQL not reachable: still give figures, but say they are not comparable
        fallback = f"sqlite:///{BASE_DIR / 'bench' / 'results' / 'bench.sqlite3'}"
        _log(f"WARNING: PostgreSQL not usable ({exc}); falling back to {fallback} — figures are not representative")
        return fallback


def _env(database_url: str, server: str = "gunicorn") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # Under daphne: 0, not a persistent connection: Django's ASGI handler runs every request in its own
            # thread, so CONN_MAX_AGE > 0 leaves one idle connection per past request until PostgreSQL refuses new
            # ones. Under gunicorn each worker thread is long-lived and keeps one connection (workers x threads).
            "DJANGO_CONN_MAX_AGE": "0" if server == "daphne" else "60",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_MEDIA_ROOT": str(BASE_DIR / "bench" / "results" / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    redis_url = env.get("BENCH_REDIS_URL", env.get("REDIS_URL", "")) or _local_redis()
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
        _log("WARNING: no Redis: each server process keeps its own local-memory cache, unlike production")
    env.pop("CELERY_BROKER_URL", None)
    return env


def _local_redis() -> str:
    """Production caches in Redis: use the machine's own (a database of its own, emptied first) when it runs."""
    try:
        import redis

        client = redis.Redis.from_url(DEFAULT_REDIS, socket_connect_timeout=1)
        client.flushdb()
        return DEFAULT_REDIS
    except Exception as exc:
        _log(f"Redis at {DEFAULT_REDIS} not usable ({exc})")
        return ""


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


# ----------------------------------------------------------------------------------------------------- seeding


def seed() -> None:
    """Runs inside a child process whose environment points Django at the bench database."""
    import random

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from shop.demo.catalog import seed as seed_catalog
    from shop.models import Product

    rng = random.Random(20261123)
    started = time.perf_counter()
    if Product.objects.count() < 10_000:
        seed_catalog(rng=rng, scale=PRODUCT_SCALE, log=_log)
    _log(f"catalog ready: {Product.objects.count():,} products ({time.perf_counter() - started:.0f}s)")
    _seed_orders(rng)
    _seed_reviews(rng)
    _seed_tours(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _seed_orders(rng) -> None:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from shop.models import Product

    try:
        from shop.models import Order, OrderLine
    except ImportError:
        _log("order models are not available: skipping the 100,000 historical orders")
        return
    user_model = get_user_model()
    existing = Order.objects.filter(number__startswith="B").count()
    if existing >= ORDER_COUNT:
        _log(f"orders ready: {existing:,}")
        return
    started = time.perf_counter()
    no_login = make_password(None)
    have = set(user_model.objects.filter(username__startswith="bench_").values_list("username", flat=True))
    user_model.objects.bulk_create(
        [
            user_model(username=f"bench_{i:05d}", nickname=f"이웃{i}", password=no_login, email=f"b{i}@bench.example")
            for i in range(CUSTOMERS)
            if f"bench_{i:05d}" not in have
        ],
        batch_size=1000,
    )
    user_ids = list(user_model.objects.filter(username__startswith="bench_").values_list("pk", flat=True))
    products = list(Product.objects.values_list("pk", "store_id", "name", "price", "list_price", "sold_count"))
    store_names = dict(Product.objects.values_list("store_id", "store__name").distinct())
    weights = [1 + p[5] for p in products]  # the seeded popularity skew
    now = timezone.now()
    batch = 5_000
    for start in range(existing, ORDER_COUNT, batch):
        orders, line_specs = [], []
        for n in range(start, min(start + batch, ORDER_COUNT)):
            picked = rng.choices(products, weights=weights, k=rng.choice((1, 1, 2, 2, 3)))
            lines = [(p, rng.choice((1, 1, 1, 2, 3))) for p in {p[0]: p for p in picked}.values()]
            subtotal = sum(p[3] * qty for p, qty in lines)
            fee = 0 if subtotal >= 30_000 else 3_000
            placed = now - timedelta(days=rng.uniform(1, 182))
            orders.append(
                Order(
                    number=f"B{n:011d}",
                    user_id=rng.choice(user_ids),
                    status=Order.Status.DELIVERED,
                    recipient_name="김이웃",
                    phone="010-0000-0000",
                    postal_code="04000",
                    address1="서울특별시 마포구 동네길 12",
                    subtotal=subtotal,
                    shipping_fee=fee,
                    total=subtotal + fee,
                    placed_at=placed,
                    paid_at=placed,
                )
            )
            line_specs.append(lines)
        with transaction.atomic():
            made = Order.objects.bulk_create(orders)
            OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=order,
                        product_id=p[0],
                        store_id=p[1],
                        product_name=p[2],
                        store_name=store_names[p[1]],
                        unit_price=p[3],
                        list_price=p[4],
                        quantity=qty,
                        line_total=p[3] * qty,
                    )
                    for order, lines in zip(made, line_specs, strict=True)
                    for p, qty in lines
                ],
                batch_size=10_000,
            )
        _log(f"orders: {start + len(orders):,} / {ORDER_COUNT:,}")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_product SET sold_count = COALESCE("
            "(SELECT SUM(quantity) FROM shop_orderline WHERE product_id = shop_product.id), 0)"
        )
    _log(f"orders ready: {ORDER_COUNT:,} ({time.perf_counter() - started:.0f}s)")


REVIEW_SHARE = 0.08  # of delivered order lines, so popular products carry many reviews and the tail a few or none
REVIEW_BODIES = [
    "생각보다 양이 많아서 오래 쓸 것 같아요. 다음에도 살게요.",
    "배송이 빨랐고 포장도 꼼꼼했어요.",
    "향이 은은해서 가족 모두 좋아해요.",
    "가격 대비 괜찮아요. 정기배송으로 바꿨어요.",
    "MD님 추천대로 샀는데 만족해요!",
]


def _seed_reviews(rng) -> None:
    """Reviews on a share of the historical order lines, then each product's count and average, as the review
    service keeps them (bulk rows, like the orders)."""
    from django.db import connection, transaction

    from shop.models import OrderLine, Review

    if Review.objects.filter(order_line__order__number__startswith="B").exists():
        _log(f"reviews ready: {Review.objects.count():,}")
        return
    started = time.perf_counter()
    lines = list(
        OrderLine.objects.filter(order__number__startswith="B").values_list("pk", "product_id", "order__user_id")
    )
    picked = rng.sample(lines, int(len(lines) * REVIEW_SHARE))
    with transaction.atomic():
        Review.objects.bulk_create(
            [
                Review(
                    order_line_id=line_id,
                    product_id=product_id,
                    user_id=user_id,
                    rating=rng.choices((5, 4, 3, 2, 1), weights=(55, 25, 10, 5, 5))[0],
                    body=rng.choice(REVIEW_BODIES),
                )
                for line_id, product_id, user_id in picked
            ],
            batch_size=5_000,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE shop_product SET review_count = r.n, rating_average = r.avg FROM ("
                " SELECT product_id, COUNT(*) AS n, ROUND(AVG(rating), 1) AS avg FROM shop_review"
                " WHERE is_visible GROUP BY product_id) r WHERE r.product_id = shop_product.id"
            )
    _log(f"reviews ready: {len(picked):,} ({time.perf_counter() - started:.0f}s)")


TOUR_COUNT = 2_000
TOUR_PINS = 20_000
TOUR_PHOTOS_EACH = 5
TOUR_COMMENTS = 12_000


def _seed_tours(rng) -> None:
    """2,000 published house tours by the bench customers, 5 photos each, 20,000 product pins and 12,000 comments
    (bulk rows; the pictures are a dozen drawn rooms shared by all tours, each stored once through
    community.images). Counts and the popularity score are set as the services would have left them."""
    try:
        from community.models import CommunityImage, Tour, TourComment, TourPhoto, TourPin
    except ImportError:
        _log("community is not installed: skipping the house tours")
        return
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from community.demo import TOURS, room_picture
    from community.images import image_renditions_make, image_store_bytes
    from community.services.social import popularity_start
    from shop.models import Product

    if Tour.objects.count() >= TOUR_COUNT:
        _log(f"house tours ready: {Tour.objects.count():,}, pins {TourPin.objects.count():,}")
        return
    started = time.perf_counter()
    pictures = list(CommunityImage.objects.filter(owner__isnull=True).order_by("pk")[:12])
    while len(pictures) < 12:
        data, _spots = room_picture(rng=rng)
        picture = image_store_bytes(data=data)
        image_renditions_make(image_id=picture.pk)
        pictures.append(picture)
    authors = list(get_user_model().objects.filter(username__startswith="bench_").values_list("pk", flat=True))
    products = list(Product.objects.filter(is_active=True).values_list("pk", flat=True))
    now = timezone.now()
    homes = [(d.home_type, d.size, d.style, d.household, d.budget, d.body) for d in TOURS]
    with transaction.atomic():
        tours = []
        for n in range(TOUR_COUNT):
            home_type, size, style, household, budget, body = rng.choice(homes)
            published = now - timedelta(days=rng.uniform(0, 365))
            likes, scraps = int(rng.paretovariate(1.2) * 3), int(rng.paretovariate(1.3) * 2)
            tours.append(
                Tour(
                    author_id=rng.choice(authors),
                    status=Tour.Status.PUBLISHED,
                    title=f"{rng.choice(TOURS).title[:40]} #{n + 1}",
                    body=body,
                    cover=rng.choice(pictures),
                    home_type=home_type,
                    size_pyeong=max(1, size + rng.randint(-3, 6)),
                    style=style,
                    household=household,
                    budget=budget,
                    like_count=likes,
                    scrap_count=scraps,
                    view_count=likes * 20 + rng.randint(0, 300),
                    pin_count=TOUR_PINS // TOUR_COUNT,
                    popularity=popularity_start(published_at=published) + 0.1 * (likes + 2 * scraps) ** 0.5,
                    published_at=published,
                    created_at=published,
                    updated_at=published,
                )
            )
        tours = Tour.objects.bulk_create(tours, batch_size=1000)
        photos = TourPhoto.objects.bulk_create(
            [
                TourPhoto(tour=tour, image=rng.choice(pictures), caption=rng.choice(TOURS).captions[i % 3], position=i)
                for tour in tours
                for i in range(TOUR_PHOTOS_EACH)
            ],
            batch_size=5000,
        )
        per_tour = TOUR_PINS // TOUR_COUNT
        by_tour: dict[int, list] = {}
        for photo in photos:
            by_tour.setdefault(photo.tour_id, []).append(photo)
        TourPin.objects.bulk_create(
            [
                TourPin(
                    tour_id=tour.pk,
                    photo=rng.choice(by_tour[tour.pk]),
                    product_id=rng.choice(products),
                    x=round(rng.uniform(5, 95), 2),
                    y=round(rng.uniform(5, 95), 2),
                )
                for tour in tours
                for _ in range(per_tour)
            ],
            batch_size=5000,
        )
        comments = [
            TourComment(tour=rng.choice(tours), author_id=rng.choice(authors), body=rng.choice(REVIEW_BODIES))
            for _ in range(TOUR_COMMENTS)
        ]
        TourComment.objects.bulk_create(comments, batch_size=5000)
        counts: dict[int, int] = {}
        for comment in comments:
            counts[comment.tour_id] = counts.get(comment.tour_id, 0) + 1
        for tour in tours:
            tour.comment_count = counts.get(tour.pk, 0)
        Tour.objects.bulk_update(tours, ["comment_count"], batch_size=1000)
    _log(
        f"house tours ready: {TOUR_COUNT:,} tours, {len(photos):,} photos, {TOUR_PINS:,} pins, "
        f"{TOUR_COMMENTS:,} comments ({time.perf_counter() - started:.0f}s)"
    )


# ----------------------------------------------------------------------------------------------------- serving


def _wait_for(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except urllib.error.HTTPError:  # answering (even "degraded") is enough: it serves pages
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not come up")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "gthread" if threads > 1 else "sync"]
    command += ["--threads", str(threads), "--keep-alive", "5", "--backlog", "256", "--log-level", "warning"]
    return command


def _serve(env: dict[str, str], server: str, workers: int, threads: int) -> tuple[list[subprocess.Popen], list[int]]:
    """daphne: one single-threaded process per worker, each on its own port; gunicorn: one master on one port."""
    ports = [BASE_PORT + i for i in range(workers)] if server == "daphne" else [BASE_PORT]
    procs = []
    for port in ports:
        if not _port_free(port):
            raise RuntimeError(f"port {port} is busy; stop what runs there or set BENCH_BASE_PORT")
        procs.append(
            subprocess.Popen(  # noqa: S603
                _server_command(server, port, workers, threads),
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    deadline = time.time() + 60
    for port in ports:
        _wait_for(port, deadline)
    return procs, ports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="all", choices=["all", "seed"])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--server", choices=["gunicorn", "daphne"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: one per CPU core)")
    parser.add_argument("--threads", type=int, default=GUNICORN_THREADS, help="threads per gunicorn worker")
    parser.add_argument("--pages", default="home,category,product,search,tours,tour")
    parser.add_argument(
        "--warm-limit", type=int, default=0, help="first render at most this many URLs of a page kind (0: all)"
    )
    args = parser.parse_args()
    args.workers = args.workers or os.cpu_count() or 2
    if args.command == "seed":
        seed()
        return

    env = _env(bench_database_url(), args.server)
    _log("migrating and seeding (first run takes a few minutes)")
    _manage(env, "migrate", "--noinput", "-v", "0")
    subprocess.run([sys.executable, "-m", "bench.pages", "seed"], cwd=BASE_DIR, env=env, check=True)  # noqa: S603
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    if args.server == "daphne":
        server = f"daphne x{args.workers} processes (ASGI, DJANGO_CONN_MAX_AGE=0)"
    else:
        kind = f"gthread x{args.threads} threads" if args.threads > 1 else "sync"
        server = f"gunicorn {args.workers} workers, {kind} (WSGI, DJANGO_CONN_MAX_AGE=60)"
    _log(f"starting {server}")
    procs, ports = _serve(env, args.server, args.workers, args.threads)
    load_before = os.getloadavg()
    try:
        ports = ",".join(str(port) for port in ports)
        out = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "bench.loadgen",
                "--ports",
                ports,
                "--clients",
                str(args.clients),
                "--seconds",
                str(args.seconds),
                "--warmup",
                str(args.warmup),
                "--database-url",
                env["DATABASE_URL"],
                "--pages",
                args.pages,
                "--warm-limit",
                str(args.warm_limit),
            ],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    results = json.loads(out.stdout.strip().splitlines()[-1])
    results["setup"] = {
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "server": f"{server}, DJANGO_DEBUG=0",
        "database": env["DATABASE_URL"].split("@")[-1],
        "cache": "redis" if env.get("REDIS_URL") else "locmem",
        "cpu_count": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"server: {server}; {args.clients} concurrent clients, {args.seconds:.0f} s per page")
    print("(<page>/new: a first-time visitor without cookies on every request)")
    print(f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for page, row in results["pages"].items():
        print(f"{page:<14}{row['rps']:>9.1f}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['errors']:>8}")
    print("first render of each distinct URL (before measuring, one client, caches cold):")
    for page, row in results["pages"].items():
        if page.endswith("/new"):
            continue
        first = row["first_render"]
        print(f"  {page:<10}{first['urls']:>6} URLs  p50 {first['p50_ms']:.1f} ms  p99 {first['p99_ms']:.1f} ms")
    print(f"load average (1/5/15 min) before {load_before}, after {os.getloadavg()}: other work on the machine")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
