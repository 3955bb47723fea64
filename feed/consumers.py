"""The live feed socket: one group per recipient (the user when logged in, otherwise the browser)."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from feed.middleware import VISITOR_COOKIE, visitor_id_from_cookie
from feed.services.items import group_for


class FeedConsumer(AsyncJsonWebsocketConsumer):
    """Thin by design (STYLE.md §6): authenticate from the scope, join one group, forward pushes."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        visitor_id = visitor_id_from_cookie(self.scope.get("cookies", {}).get(VISITOR_COOKIE))
        self.group = group_for(user_id=user_id, visitor_id=visitor_id)
        if self.group is None:
            await self.close(code=4401)
            return
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
        await self.send_json(event["payload"])
