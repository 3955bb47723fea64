"""The live feed socket: one group per recipient (the user when logged in, otherwise the browser)."""

from types import SimpleNamespace
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation

from feed.middleware import VISITOR_COOKIE, visitor_id_from_cookie
from feed.services.items import group_for, payload_localize


def language_from_scope(scope: dict[str, Any]) -> str:
    """The language the reader's pages speak: the same choice LocaleMiddleware makes from the language cookie and
    Accept-Language, read from the socket's handshake."""
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    handshake = SimpleNamespace(COOKIES=scope.get("cookies", {}), META={"HTTP_ACCEPT_LANGUAGE": accept})
    return translation.get_language_from_request(handshake)  # type: ignore[arg-type]


class FeedConsumer(AsyncJsonWebsocketConsumer):
    """Thin by design (STYLE.md §6): authenticate from the scope, join one group, forward pushes."""

    group: str | None = None
    language: str = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        visitor_id = visitor_id_from_cookie(self.scope.get("cookies", {}).get(VISITOR_COOKIE))
        self.group = group_for(user_id=user_id, visitor_id=visitor_id)
        if self.group is None:
            await self.close(code=4401)
            return
        self.language = language_from_scope(self.scope)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "feed.ready"})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def feed_push(self, event: dict[str, Any]) -> None:
        """Forward a pushed item, its texts in this reader's language (built by whichever request made it)."""
        payload = event["payload"]
        if payload.get("type") == "feed.item":
            with translation.override(self.language):
                payload = payload_localize(payload)
        await self.send_json(payload)
