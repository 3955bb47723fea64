"""Run manage.py / python in a fresh process with a chosen environment (settings are read at start-up)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
# CACHES with the shared cache pointing at a port where no Redis listens (plus the per-process cache settings.py
# always adds): for "pages still render with Redis down" tests under override_settings(CACHES=...).
DEAD_REDIS_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
    "local": settings.CACHES["local"],
}
STACK_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the test process sets it for Playwright; a deployment must not
)


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The current environment without the stack variables, on a throwaway SQLite file, plus overrides."""
    env = {k: v for k, v in os.environ.items() if k not in STACK_VARS and not k.startswith("PYTEST")}
    env["DJANGO_SQLITE_PATH"] = str(tmp_path / "db.sqlite3")
    env.update(overrides)
    return env


def run_python(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def run_manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 with nothing listening on it (just released by the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
