"""Segments as feed audiences: registered for every active segment, members only, cached per customer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.audiences import customer_segment_ids_cached
from feed import audiences
from feed.models import Greeting
from tests.accounts.factories import UserFactory
from tests.crm.factories import SegmentFactory, bought_orders, segmentation_run_now

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=SEOUL)
BUYERS = {"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": 1}]}


def _context(user):
    return audiences.AudienceContext(user=user, today=NOW.date(), now_local=NOW, days_together=10, previous_seen=None)


@pytest.fixture
def buyers_segment(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        buyer, browser = UserFactory(), UserFactory()
        bought_orders(user=buyer, days_ago=[3], total=20_000, now=NOW)
        segment = SegmentFactory(definition=BUYERS)
        segmentation_run_now(django_capture_on_commit_callbacks)
    return segment, buyer, browser


def test_segment_created_after_start_up_is_a_registered_audience():
    segment = SegmentFactory()
    inactive = SegmentFactory(is_active=False)

    assert audiences.is_registered(segment.audience_key)
    assert not audiences.is_registered(inactive.audience_key)
    assert not audiences.is_registered("crm_segment_999999")
    assert not audiences.is_registered("crm_segment_abc")
    assert segment.audience_key in dict(audiences.choices())
    assert "everyone" in dict(audiences.choices())  # the static audiences are still there


def test_greeting_for_a_segment_validates():
    segment = SegmentFactory()
    greeting = Greeting(name="단골께", template="{nickname}님, 반가워요", audience=segment.audience_key)
    greeting.clean()  # no ValidationError

    greeting.audience = "crm_segment_999999"
    with pytest.raises(Exception, match="알 수 없는 대상이에요"):
        greeting.clean()


def test_segment_audience_matches_members_only(buyers_segment):
    segment, buyer, browser = buyers_segment

    assert audiences.matches(segment.audience_key, _context(buyer), None)
    assert not audiences.matches(segment.audience_key, _context(browser), None)
    assert not audiences.matches(segment.audience_key, _context(None), None)


def test_membership_is_read_from_the_cache_after_the_first_greeting(buyers_segment, count_queries):
    segment, buyer, _browser = buyers_segment
    audiences.matches(segment.audience_key, _context(buyer), None)

    assert count_queries(lambda: audiences.matches(segment.audience_key, _context(buyer), None)) == 0


def test_a_new_run_replaces_the_cached_memberships(buyers_segment, django_capture_on_commit_callbacks):
    segment, _buyer, browser = buyers_segment
    assert segment.pk not in customer_segment_ids_cached(user_id=browser.pk)

    with time_machine.travel(NOW, tick=False):
        bought_orders(user=browser, days_ago=[1], total=9_000, now=NOW)
        segmentation_run_now(django_capture_on_commit_callbacks)

    assert audiences.matches(segment.audience_key, _context(browser), None)
