"""POST /api/events/: validation, privacy switches and the same-origin check."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feed.models import TrackedEvent
from tests.accounts.factories import UserFactory
from tests.feed.helpers import ORIGIN, ms, new_visitor, post_events

pytestmark = pytest.mark.django_db


def view(**extra):
    return {"type": "page_view", "ts": ms(), "path": "/", **extra}


def test_a_valid_batch_is_stored_in_bulk_with_the_visitor_cookie(client):
    visitor = new_visitor()
    response = post_events(client, [view(), view(utm="naver"), {"type": "search", "ts": ms(), "q": "수건"}], visitor)
    assert response.status_code == 200
    assert response.json() == {"accepted": 3}
    assert TrackedEvent.objects.filter(visitor_id=visitor).count() == 3
    assert TrackedEvent.objects.get(type="search").query == "수건"


def test_first_request_without_a_cookie_gets_a_visitor_cookie(client):
    response = client.get("/feed/")
    assert response.cookies["dg_vid"]["httponly"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "기록을 읽을 수 없어요"),
        (b"[1, 2]", "기록을 읽을 수 없어요"),
        (b'{"events": {}}', "events 목록이 필요해요"),
        (b'{"events": []}', "보낸 기록이 없어요"),
        (json.dumps({"events": [{"type": "page_view", "ts": 1}] * 51}).encode(), "50개까지만"),
        (json.dumps({"events": [{"type": "hack", "ts": 1}]}).encode(), "종류를 알 수 없어요"),
        (json.dumps({"events": [{"type": "page_view", "ts": "soon"}]}).encode(), "시각이 올바르지 않아요"),
        (json.dumps({"events": [{"type": "page_view", "ts": True}]}).encode(), "시각이 올바르지 않아요"),
        (json.dumps({"events": [{"type": "page_view", "ts": 1, "evil": 1}]}).encode(), "모르는 항목"),
        (json.dumps({"events": ["x"]}).encode(), "객체가 아니에요"),
        (b"\xff\xfe", "기록을 읽을 수 없어요"),
        (b"[" * 100000, "너무 커요"),
    ],
)
def test_malformed_batches_get_400_with_a_message(client, body, message):
    response = client.post("/api/events/", data=body, content_type="text/plain", HTTP_ORIGIN=ORIGIN)
    assert response.status_code in (400, 413)
    assert message in response.json()["detail"]
    assert not TrackedEvent.objects.exists()


def test_timestamps_too_far_in_the_future_or_past_are_rejected(client):
    future = ms(timezone.now() + dt.timedelta(minutes=11))
    past = ms(timezone.now() - dt.timedelta(hours=25))
    for ts in (future, past):
        response = post_events(client, [view(ts=ts)])
        assert response.status_code == 400
        assert "시각" in response.json()["detail"]


def test_ids_must_be_positive_integers_and_strings_short(client):
    cases = [
        {"type": "category_view", "category": "3"},
        {"type": "category_view", "category": -1},
        {"type": "category_view", "category": 3.5},
        {"type": "category_view"},
        {"type": "page_view", "path": "x" * 301},
        {"type": "page_view", "q": 5},
        {"type": "search", "q": "   "},
        {"type": "dwell", "dwell": 99999},
    ]
    for case in cases:
        response = post_events(client, [{"ts": ms(), **case}])
        assert response.status_code == 400, case
        assert response.json()["detail"]


def test_cross_site_posts_are_refused(client):
    body = json.dumps({"events": [view()]})
    evil = client.post("/api/events/", data=body, content_type="text/plain", HTTP_ORIGIN="https://evil.example")
    missing = client.post("/api/events/", data=body, content_type="text/plain")
    assert evil.status_code == 403
    assert missing.status_code == 403
    assert not TrackedEvent.objects.exists()


def test_referer_from_the_same_host_is_accepted_when_origin_is_missing(client):
    body = json.dumps({"events": [view()]})
    response = client.post("/api/events/", data=body, content_type="text/plain", HTTP_REFERER="http://testserver/c/x/")
    assert response.status_code == 200


@pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_do_not_track_drops_the_batch(client, header):
    response = post_events(client, [view()], **header)
    assert response.status_code == 200
    assert response.json() == {"accepted": 0}
    assert not TrackedEvent.objects.exists()


def test_profile_opt_out_drops_the_batch(client):
    client.force_login(UserFactory(tracking_opted_out=True))
    response = post_events(client, [view()])
    assert response.json() == {"accepted": 0}
    assert not TrackedEvent.objects.exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
hostile_event = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["page_view", "category_view", "search", "dwell", "bogus"]) | json_values,
        "ts": st.integers() | json_values,
        "category": st.integers() | json_values,
        "q": st.text(max_size=150) | json_values,
        "dwell": st.integers() | json_values,
        "path": st.text(max_size=400),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(
        json_values, st.fixed_dictionaries({"events": st.lists(hostile_event, max_size=60) | json_values})
    )
)
def test_hostile_payloads_never_cause_a_server_error(client, payload):
    before = TrackedEvent.objects.count()
    response = client.post("/api/events/", data=json.dumps(payload), content_type="text/plain", HTTP_ORIGIN=ORIGIN)
    assert response.status_code in (200, 400, 413)
    if response.status_code == 200:
        events = payload["events"]
        assert TrackedEvent.objects.count() == before + len(events)
    else:
        assert response.json()["detail"]
        assert TrackedEvent.objects.count() == before


@pytest.mark.redis
def test_buffered_events_reach_the_database_when_the_flush_task_runs(client, settings):
    from feed.tasks import flush_events_task

    settings.FEED_EVENT_BUFFER = True
    flush_events_task()  # start from an empty buffer
    visitor = new_visitor()
    response = post_events(client, [view(), {"type": "search", "ts": ms(), "q": "수건"}], visitor)
    assert response.json() == {"accepted": 2}
    assert not TrackedEvent.objects.filter(visitor_id=visitor).exists()
    assert flush_events_task() == 2
    assert set(TrackedEvent.objects.filter(visitor_id=visitor).values_list("type", flat=True)) == {
        "page_view",
        "search",
    }
    assert flush_events_task() == 0
