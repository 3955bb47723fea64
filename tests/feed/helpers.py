import json
import uuid

from django.utils import timezone

ORIGIN = "http://testserver"


def ms(when=None) -> int:
    return int((when or timezone.now()).timestamp() * 1000)


def post_events(client, events, visitor_id=None, **headers):
    if visitor_id is not None:
        client.cookies["dg_vid"] = str(visitor_id)
    return client.post(
        "/api/events/", data=json.dumps({"events": events}), content_type="text/plain", HTTP_ORIGIN=ORIGIN, **headers
    )


def bag_views(category_id: int, count: int = 4, dwell: int = 60) -> list[dict]:
    events = [{"type": "category_view", "ts": ms(), "category": category_id, "path": "/c/bags/"} for _ in range(count)]
    if dwell:
        events.append({"type": "dwell", "ts": ms(), "category": category_id, "dwell": dwell})
    return events


def new_visitor() -> uuid.UUID:
    return uuid.uuid4()
