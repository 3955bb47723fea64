import json

import pytest
from django.conf import settings
from django.test import override_settings

from tests.config.helpers import clean_env, free_port, run_python

pytestmark = pytest.mark.django_db

EMBEDDED = {
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "healthz-test"}},
    "CHANNEL_LAYERS": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    "CELERY_BROKER_URL": "",
    "CELERY_TASK_ALWAYS_EAGER": True,
}


def dead_redis_settings() -> dict:
    url = f"redis://127.0.0.1:{free_port()}/0"
    return {
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        },
        "CHANNEL_LAYERS": {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}},
        "CELERY_BROKER_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": False,
    }


def test_healthz_on_embedded_defaults_is_200_with_every_part_ok(client):
    with override_settings(**EMBEDDED):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["parts"]) == {"database", "cache", "broker", "channel_layer"}
    assert body["parts"]["cache"]["backend"] == "locmem"
    assert body["parts"]["broker"]["backend"] == "eager"
    assert body["parts"]["channel_layer"]["backend"] == "in-memory"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_with_redis_port_that_nothing_listens_on_is_503_naming_redis(client):
    with override_settings(**dead_redis_settings()):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["failing"] == ["cache (redis)", "broker (redis)", "channel_layer (redis)"]
    assert body["parts"]["database"]["status"] == "ok"
    for part in ("cache", "broker", "channel_layer"):
        assert body["parts"][part]["status"] == "error"
        assert body["parts"][part]["error"]


def test_healthz_with_dead_redis_from_environment_is_503(tmp_path):
    """The same failure end to end: REDIS_URL in the environment wires cache, broker and channel layer."""
    env = clean_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 503
    assert "cache (redis)" in out["body"]["failing"]
    assert "broker (redis)" in out["body"]["failing"]


@pytest.mark.redis
def test_healthz_with_real_redis_is_200_and_uses_redis(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["parts"]["cache"]["backend"] == "redis"
    assert body["parts"]["channel_layer"]["backend"] == "redis"
    assert body["parts"]["broker"]["backend"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "redis")
