"""Shared test setup: fast hashers, eager Celery, a query-count helper, markers, Playwright."""

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-results"


def pytest_configure(config: pytest.Config) -> None:
    # Tests run tasks inline; the test that proves a real worker runs them starts one itself.
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    # Playwright's sync API runs an event loop in the test thread; the ORM calls it makes are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI always does)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI always does)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_postgres)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)
    # Browser tests run last: Playwright's sync API leaves its event loop registered as the running loop of the
    # main thread for the rest of the session, which makes any later async_to_sync() in a test raise.
    items[:] = [i for i in items if "browser" not in i.keywords] + [i for i in items if "browser" in i.keywords]


def _empty_caches() -> None:
    from django.core.cache import cache, caches

    from config import local_memo

    cache.clear()
    caches["local"].clear()
    local_memo.clear()


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    _empty_caches()
    # A request through the test client leaves its language active in the thread (LocaleMiddleware never resets
    # it): every test starts in the mall's own language, whatever ran before.
    translation.activate(settings.LANGUAGE_CODE)
    return


@contextmanager
def _capture(using=connection) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(using) as ctx:
        yield ctx


@pytest.fixture
def count_queries() -> Callable[[Callable[[], object]], int]:
    """Run a callable and return how many SQL queries it made."""

    def run(action: Callable[[], object]) -> int:
        with _capture() as ctx:
            action()
        return len(ctx.captured_queries)

    return run


@pytest.fixture
def assert_constant_queries() -> Callable[..., None]:
    """assert_constant_queries(render, grow): render(), grow the data, render() again: same query count.

    Both runs start from empty caches (shared, per-process and memo), so they compare the same, worst, path and a
    cache cannot hide a query that grows with the data. On failure it prints every statement of both runs so the
    new query is easy to find.
    """

    def check(render: Callable[[], object], grow: Callable[[], object]) -> None:
        _empty_caches()
        with _capture() as small:
            render()
        grow()
        _empty_caches()
        with _capture() as large:
            render()
        if len(small.captured_queries) != len(large.captured_queries):
            lines = ["small:"] + [q["sql"] for q in small.captured_queries]
            lines += ["large:"] + [q["sql"] for q in large.captured_queries]
            pytest.fail(
                f"query count grew with the data: {len(small.captured_queries)} -> "
                f"{len(large.captured_queries)}\n" + "\n".join(lines)
            )

    return check


@pytest.fixture(scope="session")
def _playwright_browser():
    if not shutil.which(CHROMIUM_PATH) and not Path(CHROMIUM_PATH).exists():
        pytest.skip(f"chromium not found at {CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_playwright_browser, request):
    """A fresh desktop-sized page; screenshots go to test-results/<test name>/."""
    context = _playwright_browser.new_context(
        locale="ko-KR", timezone_id="Asia/Seoul", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(_playwright_browser):
    """A 390 px wide phone page (the reference phone in LOOK.md)."""
    context = _playwright_browser.new_context(
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir(request) -> Path:
    """Where a test writes its screenshots: test-results/<test name>/ (git ignores it)."""
    path = ARTIFACTS_DIR / request.node.name.replace("/", "_")
    path.mkdir(parents=True, exist_ok=True)
    return path
