"""The page shell caches the day's active greetings: edits and the clock must still show on the next page view."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feed.models import Greeting, TimeSlot
from tests.accounts.factories import UserFactory
from tests.feed.factories import FeedCouponRuleFactory

SEOUL = ZoneInfo("Asia/Seoul")
pytestmark = pytest.mark.django_db


def _greeting_text(client) -> str:
    return client.get("/").content.decode()


def test_admin_edit_of_a_greeting_shows_on_the_next_page_view(client):
    greeting = Greeting.objects.create(name="캐시", template="첫 번째 인사예요", priority=990)
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, 0, tzinfo=SEOUL), tick=False):
        assert "첫 번째 인사예요" in _greeting_text(client)
        greeting.template = "고친 인사예요"
        greeting.save()
        page = _greeting_text(client)
        assert "고친 인사예요" in page
        assert "첫 번째 인사예요" not in page
        greeting.delete()
        assert "고친 인사예요" not in _greeting_text(client)


def test_time_slot_added_to_a_cached_greeting_hides_it_outside_the_slot(client):
    greeting = Greeting.objects.create(name="캐시", template="낮에만 하는 인사예요", priority=990)
    with time_machine.travel(dt.datetime(2026, 3, 4, 21, 0, tzinfo=SEOUL), tick=False):
        assert "낮에만 하는 인사예요" in _greeting_text(client)
        greeting.time_slots.add(TimeSlot.objects.create(key="bench-noon", name="한낮", start_hour=11, end_hour=14))
        assert "낮에만 하는 인사예요" not in _greeting_text(client)


def test_cached_greetings_still_follow_the_clock(client):
    slot = TimeSlot.objects.create(key="bench-noon", name="한낮", start_hour=11, end_hour=14)
    greeting = Greeting.objects.create(name="캐시", template="점심 맛있게 드세요", priority=990)
    greeting.time_slots.add(slot)
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, 0, tzinfo=SEOUL), tick=False):
        assert "점심 맛있게 드세요" in _greeting_text(client)
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, 30, tzinfo=SEOUL), tick=False):
        assert "점심 맛있게 드세요" in _greeting_text(client)
    with time_machine.travel(dt.datetime(2026, 3, 4, 18, 0, tzinfo=SEOUL), tick=False):
        assert "점심 맛있게 드세요" not in _greeting_text(client)


def test_switching_off_a_greetings_coupon_rule_hides_its_button_on_the_next_page_view(client):
    rule = FeedCouponRuleFactory()
    Greeting.objects.create(name="혜택", template="작은 선물이 있어요", priority=990, benefit=rule)
    client.force_login(UserFactory())
    assert "쿠폰 받기" in _greeting_text(client)
    rule.is_active = False
    rule.save()
    page = _greeting_text(client)
    assert "작은 선물이 있어요" in page
    assert "쿠폰 받기" not in page
