"""Admin preview and measurement columns; log-in merge; social proof on the real product page; member sockets."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model

from config.asgi import application
from feed.models import Exposure, FeedItem
from feed.services import feed_item_create
from tests.accounts.factories import UserFactory
from tests.feed.factories import BagNudgeRuleFactory
from tests.feed.helpers import bag_views, ms, new_visitor, post_events
from tests.shop.factories import ProductFactory

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-1234-long", nickname="사장")
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_admin_preview_shows_what_a_customer_would_see_at_a_given_time(admin_client):
    customer = UserFactory(nickname="미리", date_joined=dt.datetime(2025, 1, 1, tzinfo=SEOUL))
    response = admin_client.get("/admin/feed/greeting/preview/", {"customer": customer.pk, "when": "2026-03-04T19:30"})
    assert response.status_code == 200
    assert "미리님, 오늘 하루도 수고했어요" in response.content.decode()
    anonymous = admin_client.get("/admin/feed/greeting/preview/", {"when": "2026-03-04T08:00"})
    assert "좋은 아침이에요! 동네가게에 오신 걸 환영해요" in anonymous.content.decode()


@pytest.mark.django_db
def test_admin_rule_list_shows_fired_and_uplift_against_control(admin_client):
    rule = BagNudgeRuleFactory(name="측정 규칙")
    for i in range(4):
        Exposure.objects.create(rule=rule, visitor_id=new_visitor(), bucket=i, is_control=False, ordered_at=None)
    Exposure.objects.create(
        rule=rule, visitor_id=new_visitor(), bucket=9, is_control=False, ordered_at=dt.datetime.now(dt.UTC)
    )
    Exposure.objects.create(rule=rule, visitor_id=new_visitor(), bucket=10, is_control=True)
    body = admin_client.get("/admin/feed/nudgerule/").content.decode()
    assert "측정 규칙" in body
    assert "20.0% vs 0.0% (+20.0%p)" in body
    assert admin_client.get("/admin/feed/greeting/").status_code == 200
    assert admin_client.get(f"/admin/feed/nudgerule/{rule.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_logging_in_moves_the_anonymous_nudge_to_the_customer(client):
    rule = BagNudgeRuleFactory(is_promotional=False)
    visitor = new_visitor()
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    UserFactory(username="minji", password="correct-horse-42")
    client.cookies["dg_vid"] = str(visitor)
    response = client.post("/accounts/login/", {"username": "minji", "password": "correct-horse-42"})
    assert response.status_code == 302
    item = FeedItem.objects.get()
    assert item.user.username == "minji"
    assert Exposure.objects.get().user.username == "minji"


@pytest.mark.django_db
def test_product_page_shows_social_proof_from_live_counters(client, settings):
    settings.FEED_SOCIAL_PROOF_MIN_VIEWERS = 2
    product = ProductFactory()
    for _ in range(2):
        post_events(client, [{"type": "product_view", "ts": ms(), "product": product.pk}], visitor_id=new_visitor())
    body = client.get(f"/p/{product.pk}/").content.decode()
    assert "최근 1시간 동안 2명이 봤어요" in body


@pytest.mark.django_db
def test_quiet_product_shows_no_social_proof(client):
    product = ProductFactory()
    post_events(client, [{"type": "product_view", "ts": ms(), "product": product.pk}], visitor_id=new_visitor())
    assert 'data-testid="social-proof"' not in client.get(f"/p/{product.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_member_socket_joins_the_user_group_not_the_browser_group():
    async_to_sync(_member_socket)()


async def _member_socket():
    from channels.db import database_sync_to_async
    from django.contrib.sessions.backends.db import SessionStore

    user = await database_sync_to_async(UserFactory)()

    def make_session():
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    key = await database_sync_to_async(make_session)()
    visitor = new_visitor()
    communicator = WebsocketCommunicator(
        application,
        "/ws/feed/",
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"sessionid={key}; dg_vid={visitor}".encode()),
        ],
    )
    assert (await communicator.connect())[0]
    assert await communicator.receive_json_from() == {"type": "feed.ready"}
    await sync_to_async(feed_item_create)(kind=FeedItem.Kind.MD_MESSAGE, title="브라우저 앞", visitor_id=visitor)
    assert await communicator.receive_nothing(timeout=0.3)
    await sync_to_async(feed_item_create)(kind=FeedItem.Kind.MD_MESSAGE, title="회원 앞", user=user)
    message = await communicator.receive_json_from(timeout=2)
    assert message == json.loads(json.dumps(message))
    assert message["title"] == "회원 앞"
    await communicator.disconnect()


@pytest.mark.django_db
def test_order_paid_signal_shows_minutes_since_the_last_order_on_the_product_page(client):
    from shop.models import Order
    from shop.signals import order_paid
    from tests.shop.factories import PlacedOrderLineFactory

    line = PlacedOrderLineFactory()
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0, tzinfo=SEOUL), tick=False):
        order_paid.send(sender=Order, order=line.order)
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 7, tzinfo=SEOUL), tick=False):
        body = client.get(f"/p/{line.product_id}/").content.decode()
    assert "7분 전에 주문됐어요" in body


@pytest.mark.django_db
def test_subscription_reminder_signal_becomes_a_feed_item(django_capture_on_commit_callbacks):
    from shop.services.subscriptions import subscription_create
    from shop.signals import subscription_reminder_due
    from tests.shop.checkout_factories import AddressFactory
    from tests.shop.factories import ProductFactory

    user = UserFactory()
    product = ProductFactory(name="고농축 세탁세제", is_subscribable=True, stock=10)
    subscription = subscription_create(
        user=user, product=product, interval_weeks=4, address=AddressFactory(user=user), quantity=1
    )
    subscription_reminder_due.send(sender=type(subscription), subscription=subscription)
    item = FeedItem.objects.get(user=user)
    assert item.kind == FeedItem.Kind.SUBSCRIPTION_REMINDER
    assert "고농축 세탁세제" in item.body


@pytest.mark.django_db
def test_toast_seen_report_marks_only_my_own_exposure_shown(client):
    rule = BagNudgeRuleFactory(is_promotional=False)
    visitor = new_visitor()
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    item = FeedItem.objects.get()
    client.cookies["dg_vid"] = str(new_visitor())
    client.post(f"/feed/items/{item.pk}/seen/")
    assert Exposure.objects.get().shown_at is None
    client.cookies["dg_vid"] = str(visitor)
    client.post(f"/feed/items/{item.pk}/seen/")
    assert Exposure.objects.get().shown_at is not None
