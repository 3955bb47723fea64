"""The feed page: newest first, read state, expiry, unread badge, constant queries."""

import datetime as dt

import pytest
from django.utils import timezone

from feed.models import FeedItem
from tests.accounts.factories import UserFactory
from tests.feed.factories import FeedCouponRuleFactory, FeedItemFactory

pytestmark = pytest.mark.django_db


def test_feed_lists_newest_first_and_hides_expired_items(client):
    user = UserFactory()
    now = timezone.now()
    FeedItemFactory(user=user, title="오래된 소식", created_at=now - dt.timedelta(hours=2))
    FeedItemFactory(user=user, title="새 소식", created_at=now)
    FeedItemFactory(user=user, title="끝난 소식", expires_at=now - dt.timedelta(minutes=1))
    FeedItemFactory(user=UserFactory(), title="남의 소식")
    client.force_login(user)
    body = client.get("/feed/").content.decode()
    assert "실시간 쇼핑 피드" in body
    assert body.index("새 소식") < body.index("오래된 소식")
    assert "끝난 소식" not in body
    assert "남의 소식" not in body


def test_unread_badge_counts_and_mark_read_clears_it(client):
    user = UserFactory()
    item = FeedItemFactory(user=user)
    FeedItemFactory(user=user)
    client.force_login(user)
    assert client.get("/feed/").context["feed_unread_count"] == 2
    client.post(f"/feed/items/{item.pk}/read/")
    assert client.get("/feed/").context["feed_unread_count"] == 1


def test_someone_else_cannot_read_or_claim_my_item(client):
    owner = UserFactory()
    item = FeedItemFactory(user=owner, claimable_rule=FeedCouponRuleFactory())
    client.force_login(UserFactory())
    client.post(f"/feed/items/{item.pk}/read/")
    response = client.post(f"/feed/items/{item.pk}/claim/", HTTP_ACCEPT="application/json")
    item.refresh_from_db()
    assert item.read_at is None
    assert response.status_code == 404


def test_promotional_items_are_marked_as_ads(client):
    user = UserFactory()
    FeedItemFactory(user=user, title="주말 특가", is_promotional=True)
    client.force_login(user)
    assert "(광고) 주말 특가" in client.get("/feed/").content.decode()


def test_claiming_a_coupon_in_one_tap(client):
    user = UserFactory()
    rule = FeedCouponRuleFactory()
    item = FeedItemFactory(user=user, kind=FeedItem.Kind.CAMPAIGN, claimable_rule=rule)
    client.force_login(user)
    response = client.post(f"/feed/items/{item.pk}/claim/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.coupon.rule == rule


def test_feed_page_query_count_does_not_grow_with_items(client, assert_constant_queries):
    user = UserFactory()
    client.force_login(user)

    def add(n):
        for i in range(n):
            FeedItemFactory(user=user, claimable_rule=FeedCouponRuleFactory() if i % 2 else None)

    add(3)
    client.get("/feed/")
    assert_constant_queries(lambda: client.get("/feed/"), lambda: add(27))


def test_htmx_request_gets_only_the_items_partial(client):
    response = client.get("/feed/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "data-feed-items" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]
