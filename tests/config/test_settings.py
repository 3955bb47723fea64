"""Settings come from the environment: embedded defaults, the full stack, and a production mode that refuses
to start unsafely. Each case runs in a fresh process because settings are read once at start-up."""

import json
import secrets

import pytest

from tests.config.helpers import clean_env, run_manage, run_python

PRINT_SETTINGS = (
    "import django, json; django.setup()\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
    " 'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'broker': s.CELERY_BROKER_URL,"
    " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'debug': s.DEBUG}))\n"
)


def settings_in(env: dict[str, str]) -> dict:
    result = run_python(PRINT_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="donggeu.example",
        **extra,
    )


def test_embedded_defaults_need_nothing_from_the_environment(tmp_path):
    s = settings_in(clean_env(tmp_path))
    assert s == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "layer": "channels.layers.InMemoryChannelLayer",
        "broker": "",
        "eager": True,
        "lang": "ko",
        "tz": "Asia/Seoul",
        "debug": True,
    }


def test_database_and_redis_urls_switch_to_the_full_stack(tmp_path):
    env = clean_env(
        tmp_path, DATABASE_URL="postgres://app@db.example:5432/donggeu", REDIS_URL="redis://cache.example:6379/0"
    )
    s = settings_in(env)
    assert s["db"] == "django.db.backends.postgresql"
    assert s["cache"] == "config.cache.PooledClientRedisCache"
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["broker"] == "redis://cache.example:6379/0"
    assert s["eager"] is False


@pytest.mark.parametrize("secret", [None, "", "short-key", "dev-only-insecure-key-do-not-use-in-production"])
def test_production_mode_without_a_real_secret_key_refuses_to_start(tmp_path, secret):
    env = clean_env(tmp_path, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="donggeu.example")
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_ALLOWED_HOSTS"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_mode_passes_check_deploy_without_warnings(tmp_path):
    # The demo payment provider is allowed on purpose here (shop.checks refuses it otherwise; see test_payments_deploy).
    env = production_env(tmp_path, SHOP_ALLOW_DEMO_PAYMENTS="1")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
