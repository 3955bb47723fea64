"""The 1:1 문의 live push: group names, channel-layer events, and sending them after commit.

The channel layer delivers at most once, so a push is never the record: the message row is, and a client that
missed a push catches up by seq (crm.selectors.chat.messages_after).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction

logger = logging.getLogger(__name__)


def group_conversation(conversation_id: int) -> str:
    """Both sides' sockets of one conversation: one group, so a message costs one group_send, not one per side."""
    return f"chat.conv.{conversation_id}"


def group_team(team_id: int) -> str:
    return f"chat.team.{team_id}"


def push_event(payload: dict[str, Any], *, to: str | None = None, customer_payload: dict | None = None) -> dict:
    """The channel-layer event for a conversation's group: `to` one side only (None: both); the customer's side
    gets `customer_payload` instead of `payload` when one is given."""
    event: dict[str, Any] = {"type": "chat.push", "payload": payload}
    if to is not None:
        event["to"] = to
    if customer_payload is not None:
        event["customer_payload"] = customer_payload
    return event


async def chat_push_all(layer: Any, sends: list[tuple[str, dict[str, Any]]]) -> None:
    """Send events (push_event) to groups, one after another: concurrent group_send calls on channels_redis lost
    pushes under load in bench.chat. A failure is logged: the row is the record, and a client that missed a push
    catches up by seq."""
    for group, event in sends:
        try:
            await layer.group_send(group, event)
        except Exception:
            logger.warning("chat push to %s failed", group, exc_info=True)


def chat_send(*, sends: list[tuple[str, dict[str, Any]]]) -> None:
    """chat_push_all from synchronous code (transaction.on_commit in a view or a task)."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None or not sends:
        return
    try:
        async_to_sync(chat_push_all)(layer, sends)
    except Exception:
        logger.warning("chat push failed", exc_info=True)


_pushes = threading.local()


@contextmanager
def chat_pushes_collected() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Inside this block (on this thread) the pushes due after commit are appended to the yielded list instead of
    sent, for an async caller to send from its own event loop: the database thread is not held while the event
    loop, busy with a thousand sockets, gets round to sending them (bench.chat)."""
    collected: list[tuple[str, dict[str, Any]]] = []
    outer = getattr(_pushes, "collected", None)
    _pushes.collected = collected
    try:
        yield collected
    finally:
        _pushes.collected = outer


def send_on_commit(*sends: tuple[str, dict[str, Any]]) -> None:
    collected = getattr(_pushes, "collected", None)
    if collected is not None:
        transaction.on_commit(partial(collected.extend, sends))
    else:
        transaction.on_commit(partial(chat_send, sends=list(sends)))
