"""Closed-loop HTTP load generator for bench.pages, run as its own process (so it never shares the server's GIL).

Before each page kind is measured, one client asks for every distinct URL once (their first-render times are
reported separately): the measured phase is the steady state of a shop with traffic, not a cache being filled.
Then threads with keep-alive http.client connections and a cookie jar (a returning visitor) each request a page,
wait for the full body, and immediately ask again; then the same again without cookies (`<page>/new`: a first-time
visitor from a shared link or a search engine, new on every request). URLs per page kind are drawn from the bench database (real slugs and ids), so caches see
a realistic spread. Prints a JSON line with requests/s, p50 and p99 per page kind.
"""

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import quote

SEARCH_TERMS = ["세탁", "생수", "원두", "기저귀", "샴푸", "머그", "휴지", "쌀", "원피스", "향초", "치약", "가방"]
SORTS = ["popular", "new", "price_asc", "price_desc"]


def _targets(database_url: str) -> dict[str, list[str]]:
    import os

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from shop.models import Category, Product

    slugs = list(Category.objects.filter(is_active=True).values_list("slug", flat=True))
    ids = list(Product.objects.filter(is_active=True, store__is_active=True).values_list("pk", flat=True))
    rng = random.Random(7)
    category_urls = [
        f"/c/{quote(s)}/?sort={sort}" + (f"&page={page}" if page > 1 else "")
        for s in slugs
        for sort in SORTS
        for page in (1, 1, 2, 3)
    ]
    rng.shuffle(category_urls)
    targets = {
        "home": ["/"],
        "category": category_urls,
        "product": [f"/p/{pk}/" for pk in ids],
        "search": [f"/search/?q={quote(t)}" for t in SEARCH_TERMS],
    }
    try:
        from community.models import Tour
    except ImportError:  # community not installed: no tour pages to measure
        return targets
    tour_ids = list(Tour.objects.filter(status="published").order_by("?").values_list("pk", flat=True)[:500])
    facets = ["", "home_type=apartment", "style=nordic", "household=pets", "size=20s", "budget=100to300"]
    listing = [
        "/community/?" + "&".join(p for p in (f"sort={sort}" if sort != "popular" else "", facet, page) if p)
        for sort in ("popular", "new")
        for facet in facets
        for page in ("", "page=2")
    ]
    targets["tours"] = [url.rstrip("?") for url in listing]
    targets["tour"] = [f"/community/tours/{pk}/" for pk in tour_ids]
    return targets


def _client(ports, urls, stop_at, warm_until, samples, errors, seed, keep_cookies=True):
    rng = random.Random(seed)
    port = ports[seed % len(ports)]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # Like a browser: a returning visitor keeps its session and tracking cookies; a first-time visitor (a shared
    # link, a search engine) arrives without any, on every request.
    cookies: dict[str, str] = {}
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        url = rng.choice(urls)
        started = time.perf_counter()
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            for header in (response.headers.get_all("Set-Cookie") or ()) if keep_cookies else ():
                jar = SimpleCookie()
                jar.load(header)
                cookies.update({k: morsel.value for k, morsel in jar.items()})
            ok = response.status == 200
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - started
        if started >= warm_until:
            (samples if ok else errors).append(elapsed)
    conn.close()


def warm_every_url(ports, urls, workers=1) -> dict:
    """Ask for every distinct URL once, so the measured phase sees the steady state that a live shop with traffic
    has: each page rendered once into the shared cache. The first-render times are returned too. One client asks
    (so the times are a single render's), or `workers` at once for the 10,000 product pages."""
    distinct = sorted(set(urls))
    times: list[float] = []

    def ask(share):
        conn = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=30)
        for url in share:
            started = time.perf_counter()
            conn.request("GET", url)
            conn.getresponse().read()
            times.append(time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=ask, args=(distinct[i::workers],)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else [times[0]] * 99
    return {
        "urls": len(times),
        "workers": workers,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "max_ms": times[-1] * 1000,
    }


def run_page(ports, urls, clients, seconds, warmup, keep_cookies=True, first_render=None, warm_limit=0):
    if first_render is None:
        distinct = sorted(set(urls))
        if warm_limit and len(distinct) > warm_limit:  # a shop whose long tail was not visited lately
            distinct = random.Random(11).sample(distinct, warm_limit)
        first_render = warm_every_url(ports, distinct, workers=1 if len(distinct) <= 1000 else max(2, clients // 4))
    samples: list[float] = []
    errors: list[float] = []
    begin = time.perf_counter()
    warm_until = begin + warmup
    stop_at = warm_until + seconds
    threads = [
        threading.Thread(target=_client, args=(ports, urls, stop_at, warm_until, samples, errors, i, keep_cookies))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    samples.sort()
    q = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else [0.0] * 99
    return {
        "requests": len(samples),
        "errors": len(errors),
        "rps": len(samples) / seconds,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "max_ms": (samples[-1] if samples else 0.0) * 1000,
        "first_render": first_render,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ports", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--pages", default="home,category,product,search,tours,tour")
    parser.add_argument("--warm-limit", type=int, default=0, help="render at most this many URLs first (0: all)")
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",")]
    targets = _targets(args.database_url)
    results = {}
    for page in args.pages.split(","):
        results[page] = run_page(
            ports, targets[page], args.clients, args.seconds, args.warmup, warm_limit=args.warm_limit
        )
        first = results[page]["first_render"]
        results[f"{page}/new"] = run_page(
            ports, targets[page], args.clients, args.seconds, args.warmup, keep_cookies=False, first_render=first
        )
        for name in (page, f"{page}/new"):
            row = results[name]
            print(
                f"  {name}: {row['rps']:.1f} req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms"
                f" (first render of {first['urls']} URLs, {first['workers']} at a time: p50 {first['p50_ms']:.1f} ms,"
                f" p99 {first['p99_ms']:.1f} ms)",
                file=sys.stderr,
                flush=True,
            )
    print(json.dumps({"clients": args.clients, "seconds_per_page": args.seconds, "pages": results}))


if __name__ == "__main__":
    main()
