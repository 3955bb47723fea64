"""Raw behaviour rows for the retention and rollup tests (the beacon API path is tested in test_events_api.py)."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import factory

from feed.models import TrackedEvent

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)


class TrackedEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedEvent

    visitor_id = factory.LazyFunction(uuid.uuid4)
    type = TrackedEvent.Type.PAGE_VIEW
    path = "/"
    occurred_at = factory.LazyFunction(lambda: seoul(2031, 3, 10))
