"""The 1:1 문의 sockets: who may connect, acks with seq, live delivery to the other side, catch-up after a
reconnect, idempotent resends, typing and read receipts, and 100 disconnect/reconnect cycles losing nothing."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from crm.models import Conversation, Message
from crm.services.chat import message_post
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.chat_helpers import access_of, ask_about_order, chat_world
from tests.crm.factories import CsMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test drives its sockets on an event loop of its own. channels_redis binds its receive lock to the loop
    that first waited on it, so the next test (here or in feed) starts from a new layer instance."""
    yield
    channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def socket(conversation_id: int, cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/chat/{conversation_id}/", headers=headers)


async def hello(communicator: WebsocketCommunicator, last_seq: int = 0) -> list[dict]:
    """Connect, say hello, and return the catch-up messages up to chat.ready."""
    connected, code = await communicator.connect()
    assert connected, code
    await communicator.send_json_to({"type": "hello", "last_seq": last_seq})
    received = []
    while True:
        event = await communicator.receive_json_from(timeout=3)
        if event["type"] == "chat.ready":
            return received
        received.append(event)


async def until(communicator: WebsocketCommunicator, predicate) -> list[dict]:
    """Read events until one matches; return them all (the match last)."""
    events = []
    while True:
        event = await communicator.receive_json_from(timeout=3)
        assert event == json.loads(json.dumps(event)), "every payload survives JSON"
        events.append(event)
        if predicate(event):
            return events


def test_an_anonymous_socket_is_refused():
    world = chat_world()
    conversation = ask_about_order(world)

    async def run():
        connected, code = await socket(conversation.pk).connect()
        assert not connected
        assert code == 4401

    async_to_sync(run)()


@pytest.mark.parametrize("who", ["other_shopper", "other_team_member"])
def test_a_socket_from_someone_without_access_is_refused(who):
    world = chat_world()
    conversation = ask_about_order(world)
    user = UserFactory() if who == "other_shopper" else CsMemberFactory(team=TeamFactory()).user
    cookie = session_cookie(user)

    async def run():
        connected, code = await socket(conversation.pk, cookie).connect()
        assert not connected
        assert code == 4404

    async_to_sync(run)()


def test_an_admin_may_open_any_conversation_as_staff():
    world = chat_world()
    conversation = ask_about_order(world)
    cookie = session_cookie(StaffUserFactory(is_superuser=True))

    async def run():
        communicator = socket(conversation.pk, cookie)
        history = await hello(communicator)
        assert [m["seq"] for m in history] == [1]
        await communicator.disconnect()

    async_to_sync(run)()


def test_a_message_is_acked_with_its_seq_and_reaches_the_other_side_live():
    world = chat_world()
    conversation = ask_about_order(world)
    shopper_cookie, staff_cookie = session_cookie(world.shopper), session_cookie(world.cs)

    async def run():
        shopper, staff = socket(conversation.pk, shopper_cookie), socket(conversation.pk, staff_cookie)
        await hello(shopper, last_seq=1)
        await hello(staff, last_seq=1)
        await staff.send_json_to({"type": "message", "body": "내일 도착해요", "key": "s-1"})
        ack = await until(staff, lambda e: e["type"] == "chat.ack")
        assert ack[-1]["seq"] == 2
        received = await until(shopper, lambda e: e["type"] == "chat.message")
        assert received[-1]["body"] == "내일 도착해요"
        assert received[-1]["sender_name"] == "김하늘"
        await shopper.disconnect()
        await staff.disconnect()

    async_to_sync(run)()


def test_an_internal_note_reaches_staff_only():
    world = chat_world()
    conversation = ask_about_order(world)
    shopper_cookie, staff_cookie = session_cookie(world.shopper), session_cookie(world.cs)

    async def run():
        shopper, staff = socket(conversation.pk, shopper_cookie), socket(conversation.pk, staff_cookie)
        await hello(shopper, last_seq=1)
        await hello(staff, last_seq=1)
        await staff.send_json_to({"type": "message", "body": "VIP 고객", "key": "n-1", "internal": True})
        notes = await until(staff, lambda e: e["type"] == "chat.message")
        assert notes[-1]["internal"] is True
        assert await shopper.receive_nothing(timeout=0.3)
        await staff.send_json_to({"type": "message", "body": "확인해 볼게요", "key": "s-2"})
        reply = await until(shopper, lambda e: e["type"] == "chat.message")
        assert [e["seq"] for e in reply if e["type"] == "chat.message"] == [3]
        await shopper.disconnect()
        await staff.disconnect()

    async_to_sync(run)()


def test_a_resend_with_the_same_key_over_the_socket_is_stored_once():
    world = chat_world()
    conversation = ask_about_order(world)
    cookie = session_cookie(world.shopper)

    async def run():
        shopper = socket(conversation.pk, cookie)
        await hello(shopper, last_seq=1)
        for _ in range(2):
            await shopper.send_json_to({"type": "message", "body": "사진도 볼 수 있나요?", "key": "same"})
        acks = []
        while len(acks) < 2:
            acks += [e for e in await until(shopper, lambda e: e["type"] == "chat.ack") if e["type"] == "chat.ack"]
        assert [a["seq"] for a in acks] == [2, 2]
        assert [a["created"] for a in acks] == [True, False]
        await shopper.disconnect()

    async_to_sync(run)()
    assert Message.objects.filter(conversation=conversation, client_key="same").count() == 1


def test_typing_and_read_receipts_reach_the_other_side():
    world = chat_world()
    conversation = ask_about_order(world)
    shopper_cookie, staff_cookie = session_cookie(world.shopper), session_cookie(world.cs)

    async def run():
        shopper, staff = socket(conversation.pk, shopper_cookie), socket(conversation.pk, staff_cookie)
        await hello(shopper, last_seq=1)
        await hello(staff, last_seq=1)
        await staff.send_json_to({"type": "typing"})
        assert (await shopper.receive_json_from(timeout=2)) == {"type": "chat.typing", "side": "staff"}
        await staff.send_json_to({"type": "read", "seq": 1})
        assert (await shopper.receive_json_from(timeout=2)) == {"type": "chat.read", "side": "staff", "seq": 1}
        await shopper.disconnect()
        await staff.disconnect()

    async_to_sync(run)()
    assert Conversation.objects.get(pk=conversation.pk).staff_read_seq == 1


def test_a_reconnecting_shopper_receives_the_message_sent_in_between_once():
    world = chat_world()
    conversation = ask_about_order(world)
    cookie = session_cookie(world.shopper)

    async def run():
        first = socket(conversation.pk, cookie)
        assert [m["seq"] for m in await hello(first)] == [1]
        await first.disconnect()
        await sync_to_async(message_post)(access=access_of(world.cs, conversation), body="그 사이 답변", key="gap")
        second = socket(conversation.pk, cookie)
        history = await hello(second, last_seq=1)
        assert [(m["seq"], m["body"]) for m in history] == [(2, "그 사이 답변")]
        assert await second.receive_nothing(timeout=0.3)
        await second.disconnect()

    async_to_sync(run)()


def test_a_hundred_reconnect_cycles_deliver_every_message_exactly_once_in_order(settings):
    """Both sides drop and reopen their sockets 100 times while both keep writing (half of the staff replies land
    while the shopper is away, and every shopper message is sent twice, as after a timeout): each side sees every
    seq once, in order, and the database holds each message once."""
    settings.CRM_CHAT_MESSAGES_PER_MINUTE = 10_000
    world = chat_world()
    conversation = ask_about_order(world)
    shopper_cookie, staff_cookie = session_cookie(world.shopper), session_cookie(world.cs)
    seen = {"shopper": [1], "staff": [1]}

    async def read_until(communicator, who, predicate):
        """Read events until one matches, noting every message seq on the way."""
        for event in await until(communicator, predicate):
            if event["type"] == "chat.message":
                seen[who].append(event["seq"])

    async def drain(communicator, who, target):
        while seen[who][-1] < target:
            await read_until(communicator, who, lambda e: e["type"] == "chat.message")

    async def run():
        for cycle in range(100):
            shopper, staff = socket(conversation.pk, shopper_cookie), socket(conversation.pk, staff_cookie)
            seen["shopper"] += [m["seq"] for m in await hello(shopper, seen["shopper"][-1])]
            seen["staff"] += [m["seq"] for m in await hello(staff, seen["staff"][-1])]
            for _ in range(2):  # the resend after a "timeout" carries the same key
                await shopper.send_json_to({"type": "message", "body": f"질문 {cycle}", "key": f"c-{cycle}"})
            await staff.send_json_to({"type": "message", "body": f"답변 {cycle}", "key": f"s-{cycle}"})
            if cycle % 2:
                await shopper.disconnect()
                await staff.send_json_to({"type": "message", "body": f"추가 {cycle}", "key": f"x-{cycle}"})
                await read_until(staff, "staff", lambda e, c=cycle: e["type"] == "chat.ack" and e["key"] == f"x-{c}")
            else:
                await read_until(staff, "staff", lambda e, c=cycle: e["type"] == "chat.ack" and e["key"] == f"s-{c}")
                last_seq = await sync_to_async(lambda: Conversation.objects.get(pk=conversation.pk).last_seq)()
                await drain(shopper, "shopper", last_seq)
                await shopper.disconnect()
            await drain(
                staff, "staff", await sync_to_async(lambda: Conversation.objects.get(pk=conversation.pk).last_seq)()
            )
            await staff.disconnect()
        shopper = socket(conversation.pk, shopper_cookie)
        seen["shopper"] += [m["seq"] for m in await hello(shopper, seen["shopper"][-1])]
        await shopper.disconnect()

    async_to_sync(run)()
    total = Message.objects.filter(conversation=conversation).count()
    assert total == 1 + 100 * 2 + 50
    assert seen["shopper"] == list(range(1, total + 1))
    assert seen["staff"] == list(range(1, total + 1))


def test_the_team_inbox_socket_hears_new_conversations_and_refuses_other_teams():
    world = chat_world()
    member_cookie = session_cookie(world.cs)
    outsider_cookie = session_cookie(CsMemberFactory(team=TeamFactory()).user)
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    path = f"/ws/crm/inbox/{world.team.slug}/"

    async def run():
        outsider = WebsocketCommunicator(application, path, headers=[*headers, (b"cookie", outsider_cookie.encode())])
        connected, code = await outsider.connect()
        assert not connected
        assert code == 4404
        inbox = WebsocketCommunicator(application, path, headers=[*headers, (b"cookie", member_cookie.encode())])
        assert (await inbox.connect())[0]
        assert await inbox.receive_json_from(timeout=3) == {"type": "inbox.ready"}
        conversation = await sync_to_async(ask_about_order)(world, body="새 문의가 왔어요")
        update = await inbox.receive_json_from(timeout=3)
        assert update["type"] == "inbox.update"
        assert update["conversation"] == conversation.pk
        assert update["excerpt"] == "새 문의가 왔어요"
        await inbox.disconnect()

    async_to_sync(run)()


def test_staff_reading_a_conversation_clears_its_unread_dot_in_every_inbox_of_the_team():
    world = chat_world()
    conversation = ask_about_order(world)
    staff_cookie, colleague_cookie = session_cookie(world.cs), session_cookie(CsMemberFactory(team=world.team).user)
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", colleague_cookie.encode())]

    async def run():
        inbox = WebsocketCommunicator(application, f"/ws/crm/inbox/{world.team.slug}/", headers=headers)
        assert (await inbox.connect())[0]
        assert await inbox.receive_json_from(timeout=3) == {"type": "inbox.ready"}
        staff = socket(conversation.pk, staff_cookie)
        await hello(staff)
        await staff.send_json_to({"type": "read", "seq": 1})
        [read] = await until(inbox, lambda event: event["type"] == "inbox.read")
        assert read == {"type": "inbox.read", "conversation": conversation.pk, "last_seq": 1, "staff_read_seq": 1}
        await staff.disconnect()
        await inbox.disconnect()

    async_to_sync(run)()


def test_the_shopper_reading_a_reply_tells_the_inbox_nothing():
    world = chat_world()
    conversation = ask_about_order(world)
    message_post(access=access_of(world.cs, conversation), body="확인해 볼게요", key="r1")
    shopper_cookie, member_cookie = session_cookie(world.shopper), session_cookie(world.cs)
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", member_cookie.encode())]

    async def run():
        inbox = WebsocketCommunicator(application, f"/ws/crm/inbox/{world.team.slug}/", headers=headers)
        assert (await inbox.connect())[0]
        assert await inbox.receive_json_from(timeout=3) == {"type": "inbox.ready"}
        shopper = socket(conversation.pk, shopper_cookie)
        await hello(shopper)
        await shopper.send_json_to({"type": "read", "seq": 2})
        await shopper.send_json_to({"type": "ping"})
        assert await shopper.receive_json_from(timeout=3) == {"type": "pong"}
        assert await inbox.receive_nothing(timeout=0.5)
        await shopper.disconnect()
        await inbox.disconnect()

    async_to_sync(run)()
