"""The full stack: docker-compose.yml describes it, and the very commands it runs work against PostgreSQL + Redis."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings

from tests.config.helpers import BASE_DIR, free_port

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "ws", "worker", "beat")
NGINX_CONF = (BASE_DIR / "deploy" / "nginx.conf").read_text()


def env_names_read_by_settings() -> set[str]:
    source = (BASE_DIR / "config" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


# --- the compose file ----------------------------------------------------------------------------------------------


def test_compose_has_every_service_each_with_a_healthcheck():
    assert {"postgres", "redis", "web", "ws", "proxy", "worker", "beat"} <= set(SERVICES)
    for name in ("postgres", "redis", "proxy", *APP_SERVICES):
        assert "healthcheck" in SERVICES[name], name
        assert SERVICES[name]["healthcheck"]["test"], name


def test_compose_app_services_read_env_file_and_point_at_the_compose_databases():
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_commands_run_gunicorn_daphne_and_celery_worker_and_beat():
    web = " ".join(SERVICES["web"]["command"])
    assert web.startswith("gunicorn config.wsgi:application --bind 0.0.0.0:8000")
    assert SERVICES["web"]["environment"]["DJANGO_CONN_MAX_AGE"] == "60"
    ws = " ".join(SERVICES["ws"]["command"])
    assert ws.startswith("daphne ")
    assert "--port 8001" in ws
    assert ws.endswith("config.asgi:application")
    assert "/healthz" in " ".join(SERVICES["ws"]["healthcheck"]["test"])
    assert "8001" in " ".join(SERVICES["ws"]["healthcheck"]["test"])
    assert " ".join(SERVICES["worker"]["command"]).startswith("celery -A config worker")
    beat = " ".join(SERVICES["beat"]["command"])
    assert beat.startswith("celery -A config beat")
    assert "--enable-remote-control" in beat  # its healthcheck pings it
    assert "--scheduler config.beat:DatabaseScheduler" in beat  # schedules admins edit in Django admin
    assert "celerybeat@" in SERVICES["beat"]["healthcheck"]["test"][1]
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_proxy_sends_websockets_to_daphne_and_the_rest_to_gunicorn():
    proxy = SERVICES["proxy"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert proxy["ports"] == ["${WEB_PORT:-8000}:80"]
    assert {name: dep["condition"] for name, dep in proxy["depends_on"].items()} == {
        "web": "service_healthy",
        "ws": "service_healthy",
    }
    assert "server web:8000;" in NGINX_CONF
    assert "server ws:8001;" in NGINX_CONF
    ws_location = NGINX_CONF.split("location /ws/ {")[1].split("}")[0]
    assert "proxy_pass http://ws;" in ws_location
    assert "proxy_set_header Upgrade $http_upgrade;" in ws_location
    rest = NGINX_CONF.split("location / {")[1].split("}")[0]
    assert "proxy_pass http://web;" in rest


def test_dockerfile_default_command_is_the_web_command():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
    assert cmd == SERVICES["web"]["command"]
    assert "collectstatic" in dockerfile


def test_env_example_only_names_variables_that_something_reads():
    example = env_example()
    compose_text = (BASE_DIR / "docker-compose.yml").read_text()
    read = env_names_read_by_settings()
    for key in example:
        assert key in read or f"${{{key}" in compose_text, f"{key} in .env.example is read by nothing"
    assert example["DJANGO_DEBUG"] == "0"
    assert len(example["DJANGO_SECRET_KEY"]) >= 50


# --- the same processes, for real -----------------------------------------------------------------------------------


def _service_argv(name: str, port: int, tmp: Path) -> list[str]:
    """The compose command for a service, adapted to this machine: local port, temp schedule file, one process."""
    argv = list(SERVICES[name]["command"])
    replacements = {
        "0.0.0.0": "127.0.0.1",  # noqa: S104 (the compose value being replaced)
        "0.0.0.0:8000": f"127.0.0.1:{port}",
        "8000": str(port),
        "8001": str(port),
        "/var/lib/donggeu/celerybeat-schedule": str(tmp / "beat"),
    }
    argv = [replacements.get(arg, arg) for arg in argv]
    if "--concurrency" in argv:
        argv[argv.index("--concurrency") + 1] = "1"  # two cores are shared with the rest of the suite
    bindir = Path(sys.executable).parent
    return [str(bindir / argv[0]), *argv[1:]]


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (commands from our own compose file)
        argv, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception as exc:  # the service is still starting
            last_error = exc
        else:
            if result:
                return result
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout}s (last error: {last_error!r})")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db
def test_compose_processes_serve_health_and_round_trip_tasks(tmp_path):
    """gunicorn, daphne, a worker and beat, started with docker-compose.yml's own commands on the local PostgreSQL
    and Redis: /healthz answers 200 over gunicorn and over daphne, a task goes through the broker to the worker and
    back, beat's heartbeat is run by the worker, and beat answers its healthcheck ping."""
    port = free_port()
    ws_port = free_port()
    run_id = uuid.uuid4().hex[:8]
    # The application database (not pytest's test_ copy): the probes only run SELECT 1.
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BEAT_HEARTBEAT_SECONDS": "1",
        "HOSTNAME": f"h-{run_id}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker_argv = [*_service_argv("worker", port, tmp_path), "--hostname", f"celery@h-{run_id}", "--without-mingle"]
    beat_argv = [*_service_argv("beat", port, tmp_path), "--hostname", f"celerybeat@h-{run_id}"]
    web_argv = _service_argv("web", port, tmp_path)
    ws_argv = _service_argv("ws", ws_port, tmp_path)
    processes: list[subprocess.Popen] = []
    # Not the current app: shared tasks elsewhere in the suite must keep resolving to the eager config app.
    client = Celery("probe", broker=settings.REDIS_URL, backend=settings.REDIS_URL, set_as_current=False)
    # Like compose's one-off `migrate` service: beat keeps its schedule in the database's django-celery-beat tables.
    subprocess.run(  # noqa: S603 (our own compose command)
        _service_argv("migrate", port, tmp_path), cwd=BASE_DIR, env=env, check=True, capture_output=True
    )
    try:
        processes.append(_start(web_argv, env, tmp_path / "web.log"))
        processes.append(_start(ws_argv, env, tmp_path / "ws.log"))
        processes.append(_start(worker_argv, env, tmp_path / "worker.log"))
        processes.append(_start(beat_argv, env, tmp_path / "beat.log"))

        def healthz(on_port: int):
            with urllib.request.urlopen(f"http://127.0.0.1:{on_port}/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())

        for server, on_port in (("gunicorn", port), ("daphne", ws_port)):
            status, body = _wait_for(lambda p=on_port: healthz(p), 60, f"{server} answering /healthz")
            assert status == 200, body
            assert body["parts"]["database"]["backend"] == "postgresql"
            assert {body["parts"][p]["backend"] for p in ("cache", "broker", "channel_layer")} == {"redis"}

        result = client.send_task("config.ping", kwargs={"echo": run_id})
        assert result.get(timeout=60) == {"echo": run_id, "worker": f"celery@h-{run_id}"}

        from django.core.cache import cache

        from config.tasks import HEARTBEAT_CACHE_KEY

        cache.delete(HEARTBEAT_CACHE_KEY)
        _wait_for(lambda: cache.get(HEARTBEAT_CACHE_KEY), 30, "beat -> worker heartbeat")

        replies = _wait_for(
            lambda: client.control.ping(destination=[f"celerybeat@h-{run_id}"], timeout=2), 30, "beat answering ping"
        )
        assert replies == [{f"celerybeat@h-{run_id}": {"ok": "pong"}}]
    except AssertionError:
        for log in sorted(tmp_path.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-3000:]}")  # noqa: T201 (shown only when the test fails)
        raise
    finally:
        _stop(processes)
        client.close()
    assert all(proc.returncode is not None for proc in processes)
    from celery import current_app

    assert current_app.conf.task_always_eager, "the probe client must not replace the suite's eager Celery app"
