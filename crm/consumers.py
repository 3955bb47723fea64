"""1:1 문의 sockets (STYLE.md §6: authenticate, join groups, forward, one service call per client message).

`ChatConsumer` (ws/chat/<pk>/) serves both sides of one conversation: the shopper who owns it and the staff of its
team (admins too); anyone else is closed with 4404, anonymous visitors with 4401. The client sends
  {"type": "hello", "last_seq": N}        -> every message after N, in order, then {"type": "chat.ready"}
  {"type": "message", "body", "key"}      -> stored, then {"type": "chat.ack", "key", "seq"} (or "chat.error")
  {"type": "typing"} / {"type": "read", "seq"}
The consumer remembers the last seq it delivered: a push it already sent is dropped, and a push that skips ahead
(the channel layer dropped one) makes it fetch the gap from the database first, so each connection delivers every
message exactly once, in order. Both sides join the conversation's one group; an event addressed `to` one side
(typing, read receipts) is dropped by the other, and the customer's side takes `customer_payload` when there is one.

`InboxConsumer` (ws/crm/inbox/<slug>/) forwards a team's inbox row updates (inbox.update) and read markers
(inbox.read) to its members.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from config.errors import DomainError
from crm.models import Team
from crm.selectors.access import seat_for
from crm.selectors.chat import ChatAccess, conversation_access, message_payload, messages_after
from crm.services.chat import chat_presence_change, chat_typing_event, conversation_mark_read, message_post
from crm.services.chat_push import chat_push_all, chat_pushes_collected, group_conversation, group_team


def db(func):
    """Each call is one short transaction of its own. On PostgreSQL they run on the thread pool, side by side, rather
    than queueing on the one thread that thread-sensitive calls share (bench.chat: p50 3.5 s -> 0.3 s at 50 msg/s);
    SQLite allows one writer at a time, so there they stay on that one thread."""
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    return database_sync_to_async(func, thread_sensitive=on_sqlite)


CLOSE_ANONYMOUS = 4401
CLOSE_NOT_FOUND = 4404


def _access(user: Any, pk: int) -> ChatAccess | None:
    return conversation_access(user=user, pk=pk)


def _history(access: ChatAccess, after_seq: int) -> list[dict[str, Any]]:
    return [
        message_payload(m)
        for m in messages_after(conversation_id=access.conversation.pk, side=access.side, after_seq=after_seq)
    ]


def _post(access: ChatAccess, content: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Post the message; return the reply for this socket and the pushes (due now: the post is committed)."""
    key = str(content.get("key") or "")
    with chat_pushes_collected() as pushes:
        try:
            posted = message_post(
                access=access,
                body=str(content.get("body") or ""),
                key=key,
                is_internal=bool(content.get("internal")),
            )
        except DomainError as error:
            return {"type": "chat.error", "key": key, "code": error.code, "detail": error.message}, []
    return {"type": "chat.ack", "key": key, "seq": posted.message.seq, "created": posted.created}, pushes


class ChatConsumer(AsyncJsonWebsocketConsumer):
    access: ChatAccess | None = None
    last_sent: int = 0
    ready: bool = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_ANONYMOUS)
            return
        pk = int(self.scope["url_route"]["kwargs"]["pk"])
        self.access = await db(_access)(user, pk)
        if self.access is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        group = group_conversation(pk)
        # Join first, fetch second (the register-then-fetch order): nothing falls between the two.
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        if not self.access.is_staff:
            await db(chat_presence_change)(user_id=user.pk, delta=1)

    async def disconnect(self, code: int) -> None:
        if self.access is None:
            return
        await self.channel_layer.group_discard(group_conversation(self.access.conversation.pk), self.channel_name)
        if not self.access.is_staff:
            await db(chat_presence_change)(user_id=self.access.user.pk, delta=-1)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.access is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "hello":
            self.last_sent = _as_int(content.get("last_seq"))
            await self._catch_up()
            self.ready = True
            await self.send_json({"type": "chat.ready", "seq": self.last_sent})
        elif kind == "message":
            reply, pushes = await db(_post)(self.access, content)
            await chat_push_all(self.channel_layer, pushes)
            await self.send_json(reply)
        elif kind == "typing":
            await self.channel_layer.group_send(*chat_typing_event(access=self.access))
        elif kind == "read":
            await db(conversation_mark_read)(access=self.access, seq=_as_int(content.get("seq")))
        elif kind == "ping":
            await self.send_json({"type": "pong"})

    async def _catch_up(self) -> None:
        """Send what the database holds after the last delivered seq (the first hello, or a gap in the pushes)."""
        for payload in await db(_history)(self.access, self.last_sent):
            await self.send_json(payload)
            self.last_sent = payload["seq"]

    async def chat_push(self, event: dict[str, Any]) -> None:
        if event.get("to", self.access.side) != self.access.side:
            return
        payload = event["payload"] if self.access.is_staff else event.get("customer_payload", event["payload"])
        seq = payload.get("seq") if payload.get("type") in {"chat.message", "chat.skip"} else None
        if seq is None:
            await self.send_json(payload)
            return
        if not self.ready or seq <= self.last_sent:
            return  # the hello's catch-up (still to come, or done) delivers it
        if seq > self.last_sent + 1:
            await self._catch_up()
            if seq <= self.last_sent:
                return
        self.last_sent = seq
        if payload["type"] == "chat.message":
            await self.send_json(payload)


def _as_int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _team_for_member(user: Any, slug: str) -> Team | None:
    team = Team.objects.filter(slug=slug).first()
    if team is None or seat_for(user=user, team=team) is None:
        return None
    return team


class InboxConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_ANONYMOUS)
            return
        team = await db(_team_for_member)(user, self.scope["url_route"]["kwargs"]["slug"])
        if team is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = group_team(team.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "inbox.ready"})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def chat_push(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])
