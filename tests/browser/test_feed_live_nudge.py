"""Browsing a category in chromium makes the nudge toast appear over the WebSocket, without reload.

pytest-django's live_server speaks only HTTP, so this test starts daphne (HTTP + WebSocket) in a subprocess
on a free port against the test database (PostgreSQL, so the server process sees the committed rows).
"""

import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from feed.models import FeedItem, NudgeRule
from tests.shop.factories import PreferenceCategoryFactory, ProductFactory

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def daphne_server(transactional_db):
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "FEED_SOCIAL_PROOF_MIN_VIEWERS": "1",
    }
    env.pop("REDIS_URL", None)  # one process: the in-memory channel layer is enough
    proc = subprocess.Popen(  # noqa: S603 (fixed local command)
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                break
        except OSError:
            time.sleep(0.3)
    yield base
    proc.kill()
    proc.wait(timeout=10)


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_browsing_a_category_pops_the_nudge_toast_live(daphne_server, _playwright_browser, artifacts_dir):  # noqa: PT019
    # Transactional tests flush the tables, so put the seeded greetings back for the screenshots.
    importlib.import_module("feed.migrations.0002_default_greetings").seed(apps, None)
    category = PreferenceCategoryFactory(name="가방", slug="bags")
    product = ProductFactory(category=category, name="캔버스 토트백")
    NudgeRule.objects.create(
        name="가방 두 번",
        event_type="category_view",
        category=category,
        min_count=2,
        title="가방 고르시느라 고민 중이세요?",
        message="마음에 드는 가방을 찾도록 도와드릴게요",
        is_promotional=False,
    )
    context = _playwright_browser.new_context(
        locale="ko-KR", timezone_id="Asia/Seoul", viewport={"width": 1280, "height": 900}
    )
    try:
        first = context.new_page()
        first.goto(f"{daphne_server}/c/bags/")
        first.wait_for_function("window.dgLive && window.dgLive.isConnected()", timeout=10_000)
        assert first.locator(".feed-toast").count() == 0
        second = context.new_page()
        second.goto(f"{daphne_server}/c/bags/")  # the second 가방 view in the window fires the rule
        toast = first.locator(".feed-toast")
        toast.wait_for(timeout=5_000)  # pushed over the WebSocket: the first page was never reloaded
        assert "가방 고르시느라 고민 중이세요?" in toast.inner_text()
        first.screenshot(path=artifacts_dir / "nudge-toast-desktop.png")
        assert FeedItem.objects.filter(kind="nudge").count() == 1
        second.goto(f"{daphne_server}/feed/")
        assert "가방 고르시느라 고민 중이세요?" in second.locator("[data-feed-items]").inner_text()
        second.screenshot(path=artifacts_dir / "feed-desktop.png", full_page=True)
        second.set_viewport_size({"width": 390, "height": 844})
        second.screenshot(path=artifacts_dir / "feed-phone.png", full_page=True)
        greeting = second.locator('[data-testid="greeting-text"]')
        assert greeting.is_visible()
        second.locator("[data-greeting-dismiss]").click()  # dismissed for the day, also on the next page
        second.goto(f"{daphne_server}/c/bags/")
        assert second.locator('[data-testid="greeting-text"]').count() == 0
        # Social proof on the product page, from this browser's own product view beacon.
        second.goto(f"{daphne_server}/p/{product.pk}/")
        second.wait_for_timeout(800)
        second.reload()
        proof = second.locator('[data-testid="social-proof"]')
        assert "최근 1시간 동안 1명이 봤어요" in proof.inner_text()
        second.screenshot(path=artifacts_dir / "product-social-proof-phone.png", full_page=True)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_websockets_the_page_polls_and_still_shows_the_nudge(live_server, _playwright_browser, artifacts_dir):  # noqa: PT019
    """pytest-django's live_server speaks no WebSocket at all: live.js must fall back to polling the partial."""
    category = PreferenceCategoryFactory(name="가방", slug="bags")
    NudgeRule.objects.create(
        name="가방 두 번",
        event_type="category_view",
        category=category,
        min_count=2,
        title="가방 고르시느라 고민 중이세요?",
        message="천천히 둘러보세요",
        is_promotional=False,
    )
    context = _playwright_browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    context.add_init_script("window.WebSocket = undefined; window.dgPollMs = 700;")
    try:
        first = context.new_page()
        first.goto(f"{live_server.url}/c/bags/")
        first.wait_for_timeout(1000)  # the first poll primes what is already there
        second = context.new_page()
        second.goto(f"{live_server.url}/c/bags/")
        toast = first.locator(".feed-toast")
        toast.wait_for(timeout=5_000)
        assert "가방 고르시느라 고민 중이세요?" in toast.inner_text()
        first.screenshot(path=artifacts_dir / "polled-toast-phone.png")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_greeting_benefit_is_claimed_in_one_tap_on_a_phone(live_server, phone_page, artifacts_dir):
    import datetime as dt

    from feed.models import Greeting
    from tests.accounts.factories import UserFactory
    from tests.feed.factories import FeedCouponRuleFactory

    importlib.import_module("feed.migrations.0002_default_greetings").seed(apps, None)
    rule = FeedCouponRuleFactory(name="오늘의 인사 쿠폰", per_customer_limit=1)
    Greeting.objects.create(
        name="혜택 인사", template="{nickname}님, 오늘 장보기에 보태 쓰세요", priority=500, benefit=rule
    )
    user = UserFactory(
        username="haneul", nickname="하늘", password="pw-1234-long", date_joined=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    from django.test import Client

    client = Client()
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    phone_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    phone_page.goto(f"{live_server.url}/feed/")
    greeting = phone_page.locator('[data-testid="greeting-text"]')
    assert greeting.inner_text() == "하늘님, 오늘 장보기에 보태 쓰세요"
    phone_page.screenshot(path=artifacts_dir / "greeting-benefit-phone.png")
    phone_page.get_by_role("button", name="쿠폰 받기").click()
    phone_page.wait_for_load_state()
    assert "쿠폰함에 넣어 드렸어요" in phone_page.content()
    assert phone_page.get_by_role("button", name="쿠폰 받기").count() == 0  # taken today: the button goes away
    assert user.coupons.filter(rule=rule, source="greeting").count() == 1
    phone_page.screenshot(path=artifacts_dir / "greeting-claimed-phone.png", full_page=True)
