"""Behaviour -> nudge, through the real endpoint."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from feed.models import Exposure, FeedItem, NudgeRule
from feed.services import visitor_merge
from shop.models import IssuedCoupon
from tests.accounts.factories import UserFactory
from tests.concurrency.runner import run_concurrently
from tests.feed.factories import BagNudgeRuleFactory
from tests.feed.helpers import bag_views, ms, new_visitor, post_events

SEOUL = ZoneInfo("Asia/Seoul")
DAYTIME = dt.datetime(2026, 3, 4, 15, 0, tzinfo=SEOUL)


def consenting_customer(**kwargs):
    return UserFactory(marketing_consented_at=timezone.now(), **kwargs)


@pytest.mark.django_db
def test_four_bag_views_with_a_minute_of_dwell_fire_the_bag_nudge_once_with_one_coupon(client):
    rule = BagNudgeRuleFactory()
    user = consenting_customer()
    client.force_login(user)
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        response = post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    assert response.status_code == 200
    assert response.json() == {"accepted": 5}
    item = FeedItem.objects.get(kind="nudge")
    assert item.user == user
    assert item.title == "가방 고르시느라 고민 중이세요?"
    assert item.coupon.rule == rule.coupon_rule
    assert IssuedCoupon.objects.filter(user=user, source="nudge").count() == 1
    assert Exposure.objects.filter(rule=rule).count() == 1


@pytest.mark.django_db
def test_a_fifth_bag_view_inside_the_cooldown_does_not_fire_again(client):
    rule = BagNudgeRuleFactory()
    client.force_login(consenting_customer())
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    with time_machine.travel(DAYTIME + dt.timedelta(minutes=5), tick=False):
        response = post_events(client, bag_views(rule.category_id, count=1, dwell=30), visitor_id=visitor)
    assert response.status_code == 200
    assert FeedItem.objects.filter(kind="nudge").count() == 1
    assert IssuedCoupon.objects.filter(source="nudge").count() == 1


@pytest.mark.django_db
def test_three_views_or_too_little_dwell_do_not_fire(client):
    rule = BagNudgeRuleFactory()
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, bag_views(rule.category_id, count=3, dwell=60), visitor_id=new_visitor())
        post_events(client, bag_views(rule.category_id, count=4, dwell=30), visitor_id=new_visitor())
    assert not FeedItem.objects.exists()


@pytest.mark.django_db
def test_promotional_nudge_at_ten_at_night_without_night_consent_is_not_sent(client):
    rule = BagNudgeRuleFactory()
    client.force_login(consenting_customer())
    with time_machine.travel(dt.datetime(2026, 3, 4, 22, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert not FeedItem.objects.exists()
    assert not IssuedCoupon.objects.exists()


@pytest.mark.django_db
def test_promotional_nudge_at_night_reaches_a_customer_with_night_consent(client):
    rule = BagNudgeRuleFactory()
    client.force_login(consenting_customer(night_marketing_consented_at=timezone.now()))
    with time_machine.travel(dt.datetime(2026, 3, 4, 22, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert FeedItem.objects.filter(kind="nudge").count() == 1


@pytest.mark.django_db
def test_no_promotional_nudge_without_marketing_consent(client):
    rule = BagNudgeRuleFactory()
    client.force_login(UserFactory())
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert not FeedItem.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitor_gets_the_coupon_as_claimable_and_claims_it_after_logging_in(client):
    rule = BagNudgeRuleFactory()
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    item = FeedItem.objects.get()
    assert item.user is None
    assert item.claimable_rule == rule.coupon_rule
    assert not IssuedCoupon.objects.exists()
    user = UserFactory()
    with time_machine.travel(DAYTIME + dt.timedelta(minutes=1), tick=False):
        client.force_login(user)
        visitor_merge(visitor_id=visitor, user=user)  # what the user_logged_in receiver does
        response = client.post(f"/feed/items/{item.pk}/claim/", HTTP_ACCEPT="application/json")
        again = client.post(f"/feed/items/{item.pk}/claim/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert IssuedCoupon.objects.get().user == user
    assert again.status_code == 409


@pytest.mark.django_db
def test_control_group_fire_is_recorded_but_not_shown(client):
    rule = BagNudgeRuleFactory(control_percent=90)
    fired_visible = 0
    with time_machine.travel(DAYTIME, tick=False):
        for _ in range(10):
            post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    fired_visible = FeedItem.objects.count()
    control = Exposure.objects.filter(rule=rule, is_control=True).count()
    assert Exposure.objects.filter(rule=rule).count() == 10
    assert control + fired_visible == 10
    assert control >= 5  # 90 % share: deterministic hash of visitor+rule


@pytest.mark.django_db
def test_daily_cap_stops_a_fourth_nudge(client, settings):
    settings.FEED_NUDGE_DAILY_CAP = 3
    first = BagNudgeRuleFactory(priority=0)
    rules = [first] + [BagNudgeRuleFactory(category=first.category, priority=i) for i in range(1, 4)]
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        for _ in range(4):
            post_events(client, bag_views(rules[0].category_id), visitor_id=visitor)
    assert FeedItem.objects.count() == 3


@pytest.mark.django_db
def test_search_rule_fires_on_the_second_diaper_search(client):
    NudgeRule.objects.create(
        name="기저귀",
        event_type="search",
        search_term="기저귀",
        min_count=2,
        title="기저귀 찾으세요?",
        message="자주 사는 기저귀는 정기배송이 편해요",
        is_promotional=False,
    )
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, [{"type": "search", "ts": ms(), "q": "기저귀 대형"}], visitor_id=visitor)
        assert not FeedItem.objects.exists()
        post_events(client, [{"type": "search", "ts": ms(), "q": "하기스 기저귀"}], visitor_id=visitor)
    assert FeedItem.objects.get().title == "기저귀 찾으세요?"


@pytest.mark.django_db
def test_instagram_visitor_viewing_dresses_fires_only_with_that_utm_source(client):
    rule = BagNudgeRuleFactory(utm_source="instagram", min_count=1, min_dwell_seconds=0, is_promotional=False)
    with time_machine.travel(DAYTIME, tick=False):
        post_events(
            client, [{"type": "category_view", "ts": ms(), "category": rule.category_id}], visitor_id=new_visitor()
        )
        assert not FeedItem.objects.exists()
        event = {"type": "category_view", "ts": ms(), "category": rule.category_id, "utm": "instagram"}
        post_events(client, [event], visitor_id=new_visitor())
    assert FeedItem.objects.count() == 1


@pytest.mark.django_db
def test_abandoned_cart_rule_fires_from_the_periodic_task(client):
    from feed.tasks import abandoned_carts_task

    NudgeRule.objects.create(
        name="장바구니",
        event_type="cart_add",
        window_minutes=20,
        title="장바구니에 담아 둔 물건이 있어요",
        message="천천히 보시고 필요하면 주문해 주세요",
        is_promotional=False,
    )
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, [{"type": "cart_add", "ts": ms(), "product": 7}], visitor_id=visitor)
        assert abandoned_carts_task() == 0
    with time_machine.travel(DAYTIME + dt.timedelta(minutes=21), tick=False):
        assert abandoned_carts_task() == 1
        assert abandoned_carts_task() == 0
    assert FeedItem.objects.get().visitor_id == visitor


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_processed_concurrently_still_fire_once():
    rule = BagNudgeRuleFactory()
    user = consenting_customer()
    visitor = new_visitor()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)

    with time_machine.travel(DAYTIME, tick=True):
        statuses, errors = run_concurrently(
            2, lambda i: post_events(clients[i], bag_views(rule.category_id), visitor_id=visitor).status_code
        )
    assert errors == []
    assert statuses == [200, 200]
    assert Exposure.objects.filter(rule=rule).count() == 1
    assert FeedItem.objects.filter(kind="nudge").count() == 1
    assert IssuedCoupon.objects.filter(user=user, source="nudge").count() == 1


@pytest.mark.django_db
def test_anonymous_visitor_gets_no_promotional_coupon_push_at_night(client):
    rule = BagNudgeRuleFactory()
    with time_machine.travel(dt.datetime(2026, 3, 4, 23, 30, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    with time_machine.travel(dt.datetime(2026, 3, 5, 7, 59, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert not FeedItem.objects.exists()
    with time_machine.travel(dt.datetime(2026, 3, 5, 8, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert FeedItem.objects.count() == 1


@pytest.mark.django_db
def test_non_promotional_nudge_is_sent_at_night_without_consent(client):
    rule = BagNudgeRuleFactory(is_promotional=False, coupon_rule=None)
    client.force_login(UserFactory())
    with time_machine.travel(dt.datetime(2026, 3, 4, 22, 0, tzinfo=SEOUL), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert FeedItem.objects.get().is_promotional is False


@pytest.mark.django_db
def test_rule_outside_its_active_dates_does_not_fire(client):
    rule = BagNudgeRuleFactory(
        is_promotional=False,
        starts_at=dt.datetime(2026, 4, 1, tzinfo=SEOUL),
        ends_at=dt.datetime(2026, 5, 1, tzinfo=SEOUL),
    )
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=new_visitor())
    assert not FeedItem.objects.exists()


@pytest.mark.django_db
def test_after_the_cooldown_the_rule_can_fire_again(client):
    rule = BagNudgeRuleFactory(is_promotional=False, coupon_rule=None, cooldown_minutes=60, window_minutes=30)
    visitor = new_visitor()
    with time_machine.travel(DAYTIME, tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    with time_machine.travel(DAYTIME + dt.timedelta(minutes=30), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    assert FeedItem.objects.count() == 1
    with time_machine.travel(DAYTIME + dt.timedelta(minutes=61), tick=False):
        post_events(client, bag_views(rule.category_id), visitor_id=visitor)
    assert FeedItem.objects.count() == 2
