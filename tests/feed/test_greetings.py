"""Greetings: the right sentence at the right moment (Seoul time), from the seeded defaults."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from feed.models import Greeting, TimeSlot
from feed.selectors import greeting_for
from tests.accounts.factories import UserFactory
from tests.feed.factories import FeedCouponRuleFactory

SEOUL = ZoneInfo("Asia/Seoul")
pytestmark = pytest.mark.django_db


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def test_customer_who_joined_today_sees_the_day_one_greeting():
    with time_machine.travel(seoul(2026, 3, 4, 14, 0), tick=False):
        user = UserFactory(nickname="하늘", date_joined=timezone.now() - dt.timedelta(hours=2))
        greeting = greeting_for(user=user, now=timezone.now())
    assert greeting is not None
    assert "하늘님, 오늘부터 우리 1일이네요" in greeting.text


def test_evening_greeting_at_half_past_seven_seoul_time():
    user = UserFactory(nickname="바다", date_joined=seoul(2025, 1, 10, 9, 0))
    with time_machine.travel(seoul(2026, 3, 4, 19, 30), tick=False):
        greeting = greeting_for(user=user, now=timezone.now())
    assert greeting.text == "바다님, 오늘 하루도 수고했어요"


def test_birthday_greeting_wins_over_the_evening_greeting_by_priority():
    user = UserFactory(nickname="별", date_joined=seoul(2025, 1, 10, 9, 0), birth_date=dt.date(1990, 3, 4))
    with time_machine.travel(seoul(2026, 3, 4, 19, 30), tick=False):
        greeting = greeting_for(user=user, now=timezone.now())
    assert greeting.text.startswith("별님, 생일 축하해요")


def test_anonymous_visitor_at_eight_in_the_morning_gets_the_morning_greeting():
    with time_machine.travel(seoul(2026, 3, 4, 8, 0), tick=False):
        greeting = greeting_for(user=None, now=timezone.now())
    assert greeting.text == "좋은 아침이에요! 동네가게에 오신 걸 환영해요"


def test_every_hundredth_day_greeting_counts_the_joining_day_as_day_one():
    user = UserFactory(nickname="구름", date_joined=seoul(2026, 1, 1, 10, 0))
    with time_machine.travel(seoul(2026, 4, 10, 15, 0), tick=False):  # 1 Jan + 99 days = day 100
        greeting = greeting_for(user=user, now=timezone.now())
    assert greeting.text == "구름님과 함께한 지 100일이에요. 늘 고마워요"


def test_placeholders_are_escaped_and_unknown_ones_do_not_crash():
    Greeting.objects.create(name="위험", template="<b>{nickname}</b> {unknown} {0} {nickname.__class__}", priority=999)
    user = UserFactory(nickname="<script>alert(1)</script>")
    greeting = greeting_for(user=user, now=timezone.now())
    assert "<script>" not in greeting.text
    assert "&lt;script&gt;" in greeting.text
    assert "&lt;b&gt;" in greeting.text


def test_weekend_only_greeting_is_not_shown_on_a_weekday():
    Greeting.objects.create(name="주말", template="주말 잘 보내요", priority=500, day_kind=Greeting.DayKind.WEEKEND)
    with time_machine.travel(seoul(2026, 3, 4, 12, 0), tick=False):  # Wednesday
        assert greeting_for(user=None, now=timezone.now()).text != "주말 잘 보내요"
    with time_machine.travel(seoul(2026, 3, 7, 12, 0), tick=False):  # Saturday
        assert greeting_for(user=None, now=timezone.now()).text == "주말 잘 보내요"


def test_admin_edited_time_slot_moves_the_evening_greeting():
    user = UserFactory(nickname="솔", date_joined=seoul(2025, 1, 10, 9, 0))
    TimeSlot.objects.filter(key="evening").update(start_hour=20)
    with time_machine.travel(seoul(2026, 3, 4, 19, 30), tick=False):
        greeting = greeting_for(user=user, now=timezone.now())
    assert greeting.text != "솔님, 오늘 하루도 수고했어요"


def test_greeting_benefit_claim_issues_the_coupon_once_per_customer_limit(client):
    rule = FeedCouponRuleFactory(per_customer_limit=1)
    Greeting.objects.create(name="혜택", template="{nickname}님께 작은 선물", priority=900, benefit=rule)
    user = UserFactory()
    client.force_login(user)
    page = client.get("/feed/")
    assert "쿠폰 받기" in page.content.decode()
    greeting = Greeting.objects.get(name="혜택")
    first = client.post(f"/feed/greetings/{greeting.pk}/claim/", HTTP_ACCEPT="application/json")
    second = client.post(f"/feed/greetings/{greeting.pk}/claim/", HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    assert second.status_code == 409
    assert user.coupons.filter(rule=rule, source="greeting").count() == 1
    exposure = greeting.exposures.get()
    assert exposure.claimed_at is not None
    assert exposure.shown_at is not None


def test_greeting_is_on_every_page_and_can_be_dismissed_for_the_day(client):
    response = client.get("/feed/")
    body = response.content.decode()
    assert 'data-testid="greeting-text"' in body
    key = response.context["greeting"].dismiss_key
    client.cookies["dg_greet_off"] = key
    assert 'data-testid="greeting-text"' not in client.get("/feed/").content.decode()


def test_back_after_thirty_days_greeting_uses_the_previous_visit():
    from feed.models import Visitor

    user = UserFactory(nickname="다시", date_joined=seoul(2025, 1, 1, 9, 0))
    visitor = Visitor.objects.create(user=user, previous_seen=seoul(2026, 1, 20, 12, 0))
    with time_machine.travel(seoul(2026, 3, 4, 15, 0), tick=False):
        greeting = greeting_for(user=user, visitor_id=visitor.pk, now=timezone.now())
    assert greeting.text == "다시님, 오랜만이에요! 다시 와 주셔서 반가워요"
    visitor.previous_seen = seoul(2026, 3, 1, 12, 0)  # an edit through the model, as the admin makes it
    visitor.save(update_fields=["previous_seen"])
    with time_machine.travel(seoul(2026, 3, 4, 15, 0), tick=False):
        assert greeting_for(user=user, visitor_id=visitor.pk, now=timezone.now()).text.startswith("다시님, 나른한")


def test_visitor_previous_seen_moves_when_they_come_back_on_a_later_day(client):
    from feed.models import Visitor
    from tests.feed.helpers import ms, new_visitor, post_events

    visitor = new_visitor()
    with time_machine.travel(seoul(2026, 1, 10, 12, 0), tick=False):
        post_events(client, [{"type": "page_view", "ts": ms()}], visitor_id=visitor)
    from django.core.cache import cache

    cache.clear()
    with time_machine.travel(seoul(2026, 3, 4, 12, 0), tick=False):
        post_events(client, [{"type": "page_view", "ts": ms()}], visitor_id=visitor)
    row = Visitor.objects.get(pk=visitor)
    assert timezone.localtime(row.previous_seen).date() == dt.date(2026, 1, 10)


def test_control_group_sees_no_benefit_but_is_recorded_for_uplift(client):
    rule = FeedCouponRuleFactory()
    greeting = Greeting.objects.create(
        name="혜택 실험", template="반가워요", priority=900, benefit=rule, benefit_control_percent=50
    )
    shown = held_back = 0
    for _ in range(12):
        client.cookies.clear()
        body = client.get("/feed/").content.decode()
        if "쿠폰 받기" in body:
            shown += 1
        else:
            held_back += 1
    assert shown > 0
    assert held_back > 0
    assert greeting.exposures.filter(is_control=True).count() == held_back
    assert greeting.exposures.filter(is_control=False).count() == shown


def test_an_admin_edit_of_a_greeting_shows_on_the_next_page_although_greetings_are_cached():
    user = UserFactory(nickname="솔", date_joined=seoul(2025, 1, 10, 9, 0))
    with time_machine.travel(seoul(2026, 3, 4, 19, 30), tick=False):
        assert greeting_for(user=user, now=timezone.now()).text == "솔님, 오늘 하루도 수고했어요"
        evening = Greeting.objects.get(template="{nickname}님, 오늘 하루도 수고했어요")
        evening.template = "{nickname}님, 저녁 맛있게 드세요"
        evening.save()
        assert greeting_for(user=user, now=timezone.now()).text == "솔님, 저녁 맛있게 드세요"
        evening.time_slots.clear()
        evening.time_slots.add(TimeSlot.objects.get(key="morning"))
        assert greeting_for(user=user, now=timezone.now()).text != "솔님, 저녁 맛있게 드세요"
