"""`make api-check`: serve the mall and test its API against its own OpenAPI schema with schemathesis.

1. Database: DATABASE_URL when set (CI passes its PostgreSQL database), else a fresh SQLite file in a temporary
   directory. It is migrated and seeded with the demo data (`seed_demo`, idempotent).
2. Serves the WSGI app with gunicorn on API_CHECK_PORT (default 8170) as production would (DJANGO_DEBUG=0), on
   the cache REDIS_URL names (else the embedded local-memory cache).
3. Runs `schemathesis run` against /api/schema/ with every check, authenticated as the demo shopper "minji" by an
   API token, a bounded number of examples per operation (API_CHECK_EXAMPLES, default 15) and a fixed seed, so
   a run takes a minute or two and is repeatable. Every operation in the schema is covered, including ones added
   later: nothing here names an endpoint.

Exits with schemathesis' status: non-zero when any operation answers outside its documented contract.
Extra arguments are passed on to schemathesis (e.g. `--include-path-regex /api/cart`).
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SHOPPER = "minji"  # a demo customer with a household, orders, coupons and points (accounts.demo)
DEFAULT_PORT = 8170
DEFAULT_EXAMPLES = 15
SEED = 2026
# The checks a schema cannot make honest on its own are left out, each for a stated reason:
# - ignored_auth: sends the request without credentials; the public catalog answers 200 to everyone on purpose.
# - use_after_free / ensure_resource_availability: stateful checks that assume a DELETE removes what a GET then
#   fetches under the same path; the cart's DELETE removes a line while GET /cart/ still answers the (now smaller)
#   cart, which is correct.
EXCLUDED_CHECKS: list[str] = []


def _log(message: str) -> None:
    print(f"[api-check] {message}", flush=True)


def _env(database_url: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "ERROR",
            "SHOP_ALLOW_DEMO_PAYMENTS": "1",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("CELERY_BROKER_URL", None)  # tasks run inline, as on the embedded default
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _wait_for(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own server on the loopback)
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def main() -> int:
    port = int(os.environ.get("API_CHECK_PORT", DEFAULT_PORT))
    examples = os.environ.get("API_CHECK_EXAMPLES", str(DEFAULT_EXAMPLES))
    workdir = Path(tempfile.mkdtemp(prefix="api-check-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = _env(database_url, workdir)
    _log(f"database {database_url.split('@')[-1]}; migrating and seeding the demo data")
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    _manage(env, "collectstatic", "--noinput", "-v", "0")  # DJANGO_DEBUG=0 serves pages through the manifest
    token = re.search(r"Generated token (\w+)", _manage(env, "drf_create_token", SHOPPER))
    if token is None:
        _log("could not make an API token for the demo shopper")
        return 1
    env["API_CHECK_TOKEN"] = token.group(1)
    server_log = (workdir / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    returncode = 1
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", time.time() + 60)
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(BASE_DIR / "schemathesis.toml"),
            "run",
            f"{base}/api/schema/",
            "--checks",
            "all",
            "--max-examples",
            examples,
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--report-dir",
            str(workdir / "report"),
            "--output-sanitize",
            "true",
        ]
        if EXCLUDED_CHECKS:
            command += ["--exclude-checks", ",".join(EXCLUDED_CHECKS)]
        command += sys.argv[1:]
        _log(f"schemathesis as {SHOPPER}, {examples} examples per operation, seed {SEED}")
        returncode = subprocess.run(command, cwd=BASE_DIR, env=env, check=False).returncode  # noqa: S603
        return returncode
    finally:
        server.terminate()
        server.wait(timeout=15)
        server_log.close()
        if returncode:
            _log("the server's log (last 40 lines):")
            print("".join((workdir / "server.log").read_text().splitlines(keepends=True)[-40:]))
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
