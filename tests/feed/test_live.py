"""Live push over the feed socket, social proof, and failing soft with Redis down."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from config.asgi import application
from feed.models import FeedItem, TrackedEvent
from feed.selectors import social_proof_for
from feed.services import feed_item_create, order_paid_record
from feed.services.items import item_payload
from tests.accounts.factories import UserFactory
from tests.config.helpers import DEAD_REDIS_CACHES
from tests.feed.factories import BagNudgeRuleFactory, FeedItemFactory
from tests.feed.helpers import bag_views, ms, new_visitor, post_events

SEOUL = ZoneInfo("Asia/Seoul")


def roundtrip(payload):
    return json.loads(json.dumps(payload))


@pytest.mark.django_db
def test_item_payload_is_json_safe():
    item = FeedItemFactory(user=UserFactory())
    payload = item_payload(item)
    assert roundtrip(payload) == payload
    assert payload["type"] == "feed.item"


def _communicator(cookie: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application,
        "/ws/feed/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())],
    )


@pytest.mark.django_db(transaction=True)
def test_anonymous_visitor_socket_receives_its_own_nudge_and_not_others():
    async_to_sync(_own_nudge_only)()


async def _own_nudge_only():
    visitor, stranger = new_visitor(), new_visitor()
    mine = _communicator(f"dg_vid={visitor}")
    theirs = _communicator(f"dg_vid={stranger}")
    assert (await mine.connect())[0]
    assert (await theirs.connect())[0]
    assert await mine.receive_json_from() == {"type": "feed.ready"}
    assert await theirs.receive_json_from() == {"type": "feed.ready"}
    await sync_to_async(feed_item_create)(
        kind=FeedItem.Kind.NUDGE, title="가방 보고 계셨죠?", visitor_id=visitor, toast=True
    )
    message = await mine.receive_json_from(timeout=2)
    assert message == roundtrip(message)
    assert message["title"] == "가방 보고 계셨죠?"
    assert message["toast"] is True
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.django_db(transaction=True)
def test_socket_without_a_visitor_cookie_or_login_is_refused():
    async_to_sync(_refused)()


async def _refused():
    communicator = _communicator("")
    connected, _code = await communicator.connect()
    assert not connected


@pytest.mark.django_db
def test_social_proof_shows_distinct_viewers_only_above_the_minimum(client, settings):
    settings.FEED_SOCIAL_PROOF_MIN_VIEWERS = 3
    product_id = 42
    for i in range(3):
        visitor = new_visitor()
        post_events(client, [{"type": "product_view", "ts": ms(), "product": product_id}] * (i + 1), visitor_id=visitor)
        proof = social_proof_for(product_id=product_id, now=timezone.now())
        assert proof.viewers == (3 if i == 2 else 0)


@pytest.mark.django_db
def test_order_paid_sets_last_ordered_and_credits_recent_exposures(client):
    rule = BagNudgeRuleFactory(is_promotional=False)
    user = UserFactory()
    client.force_login(user)
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())

    class Order:
        user_id = user.pk
        number = "D-1"
        lines = None

    with time_machine.travel(dt.datetime(2026, 3, 6, 15, 0, tzinfo=SEOUL), tick=False):
        assert order_paid_record(order=Order()) == 1
    exposure = rule.exposures.get()
    assert exposure.order_ref == "D-1"


@pytest.mark.django_db
def test_with_redis_down_pages_still_greet_and_tracking_fails_soft(client):
    rule = BagNudgeRuleFactory()
    with override_settings(CACHES=DEAD_REDIS_CACHES):
        from django.core.cache import caches

        caches._settings = None
        page = client.get("/feed/")
        assert page.status_code == 200
        assert 'data-testid="greeting-text"' in page.content.decode()
        response = post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
        assert response.status_code == 200
        assert TrackedEvent.objects.count() == 5
        assert not FeedItem.objects.exists()
