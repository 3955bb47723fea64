"""오늘 챙길 단골: each member's daily list of the team's customers worth a personal touch, with the reasons, stable
for the day, and the one-tap actions (a signed feed message under the consent rules, a note, leaving be) recorded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from crm.models import CustomerNote, HouseholdEssential, Lifecycle, RoundEntry, TeamMember
from crm.selectors.rounds import round_rows
from crm.services.rounds import rounds_build
from crm.tasks_engagement import rounds_build_task
from feed.models import FeedItem
from shop.models import Review
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.community.factories import ProductQuestionFactory
from tests.crm.factories import (
    CustomerProfileFactory,
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.shop.factories import CategoryFactory, PlacedOrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=SEOUL)
NIGHT = datetime(2026, 11, 30, 22, 0, tzinfo=SEOUL)
TODAY = date(2026, 11, 30)
Role = TeamMember.Role


def _low_review(user, *, rating=2, when=MORNING - timedelta(days=2), product=None):
    line = PlacedOrderLineFactory(order__user=user, **({"product": product} if product else {}))
    return Review.objects.create(
        order_line=line, product=line.product, user=user, rating=rating, body="별로였어요", created_at=when
    )


@pytest.fixture
def world():
    with time_machine.travel(MORNING, tick=False):
        previous = SegmentationRunFactory(finished_at=MORNING - timedelta(days=1))
        run = SegmentationRunFactory(finished_at=MORNING - timedelta(hours=3))
        team, other_team = TeamFactory(slug="living"), TeamFactory(slug="kitchen")
        segment, other_segment = SegmentFactory(team=team), SegmentFactory(team=other_team)

        def member(nickname, **profile):
            return customer_in_segment(segment=segment, run=run, user=UserFactory(nickname=nickname), **profile).user

        home = HouseholdFactory(name="민지네")
        due = customer_in_segment(
            segment=segment, run=run, user=UserFactory(nickname="민지", household=home), household_id=home.pk
        ).user
        detergent = CategoryFactory(name="세탁세제")
        HouseholdEssential.objects.create(
            run=run,
            household_id=home.pk,
            category=detergent,
            first_bought_on=TODAY - timedelta(days=90),
            last_bought_on=TODAY - timedelta(days=33),
            due_on=TODAY - timedelta(days=3),
            status=HouseholdEssential.Status.OVERDUE,
        )
        slipping = member("준호", lifecycle=Lifecycle.AT_RISK, recency_days=70)
        CustomerProfileFactory(run=previous, user=slipping, lifecycle=Lifecycle.REGULAR)
        still_at_risk = member("지나", lifecycle=Lifecycle.AT_RISK, recency_days=90)
        CustomerProfileFactory(run=previous, user=still_at_risk, lifecycle=Lifecycle.AT_RISK)
        unhappy = member("서연")
        _low_review(unhappy, product=ProductFactory(name="대용량 주방세제"))
        happy = member("하늘")
        _low_review(happy, rating=5)
        asking = member("도윤")
        ProductQuestionFactory(asker=asking, product=ProductFactory(name="유기농 쌀 10kg"))
        birthday = member("생일자")
        birthday.birth_date = date(1990, 12, 2)
        birthday.save(update_fields=["birth_date"])
        quiet = member("조용한 단골")
        elsewhere = customer_in_segment(segment=other_segment, run=run, user=UserFactory(nickname="옆 팀 고객")).user
        _low_review(elsewhere, rating=1)
        lead = TeamMemberFactory(team=team, role=Role.MD_LEAD, user__last_name="김", user__first_name="하늘").user
    return SimpleNamespace(
        run=run,
        team=team,
        other_team=other_team,
        due=due,
        slipping=slipping,
        unhappy=unhappy,
        asking=asking,
        birthday=birthday,
        quiet=quiet,
        happy=happy,
        still_at_risk=still_at_risk,
        elsewhere=elsewhere,
        lead=lead,
    )


def _build(world, member=None, now=MORNING):
    with time_machine.travel(now, tick=False):
        rounds_build(team=world.team, member=member or world.lead, today=now.date(), now=now)
    return round_rows(team=world.team, member=member or world.lead, day=now.date())


def test_morning_round_lists_the_teams_customers_worth_a_touch_with_why(world):
    rows = _build(world)

    reasons = {row.customer.nickname: row.reasons for row in rows}
    assert reasons == {
        "서연": ["최근 대용량 주방세제에 별점 2점을 남겼어요"],
        "도윤": ["유기농 쌀 10kg 문의에 아직 답하지 못했어요 (0일째)"],
        "준호": ["단골이었는데 이탈위험으로 바뀌었어요 (마지막 주문 70일 전)"],
        "민지": ["세탁세제 떨어졌을 때예요 (3일 지남)"],
        "생일자": ["2일 뒤 생일이에요"],
    }
    assert [row.customer.nickname for row in rows] == ["서연", "도윤", "준호", "민지", "생일자"]


def test_morning_round_stays_the_same_all_day_and_renews_the_next_morning(world):
    _build(world)
    with time_machine.travel(MORNING, tick=False):
        _low_review(world.quiet, rating=1)

    later_today = _build(world, now=MORNING + timedelta(hours=5))
    tomorrow = _build(world, now=MORNING + timedelta(days=1))

    assert world.quiet not in [row.customer for row in later_today]
    assert world.quiet in [row.customer for row in tomorrow]


def test_morning_round_splits_the_team_between_its_members(world):
    second = TeamMemberFactory(team=world.team, role=Role.CS, sort_order=1).user

    with time_machine.travel(MORNING, tick=False):
        assert rounds_build_task() == 5
        assert rounds_build_task() == 0

    mine = {row.customer.pk for row in round_rows(team=world.team, member=world.lead, day=TODAY)}
    theirs = {row.customer.pk for row in round_rows(team=world.team, member=second, day=TODAY)}
    assert mine.isdisjoint(theirs)
    assert mine | theirs == {c.pk for c in (world.due, world.slipping, world.unhappy, world.asking, world.birthday)}


def _post(client, world, action, entry, **data):
    url = reverse(f"crm:round_{action}", kwargs={"slug": world.team.slug, "pk": entry.pk})
    return client.post(url, data)


def test_round_message_sends_a_signed_feed_message_and_records_it(world, client, django_capture_on_commit_callbacks):
    _build(world)
    entry = RoundEntry.objects.get(customer=world.due)
    client.force_login(world.lead)

    with time_machine.travel(MORNING, tick=False):
        sent = _post(client, world, "message", entry, body="민지님, 세제 떨어질 때 됐죠?")
        again = _post(client, world, "message", entry, body="한 번 더")

    assert sent.status_code == 302
    assert again.status_code == 409
    item = FeedItem.objects.get(user=world.due)
    assert item.kind == FeedItem.Kind.MD_MESSAGE
    assert item.title == "김하늘님이 안부를 전해요"
    assert item.body.endswith(f"— {world.team.name} 김하늘 드림")
    assert not item.is_promotional
    entry.refresh_from_db()
    assert (entry.action, entry.acted_at, entry.feed_item) == (RoundEntry.Action.MESSAGE, MORNING, item)
    with translation.override("en"):  # the member's words stay as written; the heading and signature are ours
        assert item.title_text == "A note from 김하늘"
        assert item.body_text == f"민지님, 세제 떨어질 때 됐죠?\n— 김하늘, {world.team.name}"


def test_round_promotional_message_without_consent_is_refused_and_keeps_the_text(world, client):
    _build(world)
    entry = RoundEntry.objects.get(customer=world.due)
    client.force_login(world.lead)

    with time_machine.travel(MORNING, tick=False):
        refused = _post(client, world, "message", entry, body="쿠폰 드려요", promotional="on")

    assert refused.status_code == 400
    assert "광고성 메시지 수신에 동의하지 않은" in refused.content.decode()
    assert "쿠폰 드려요</textarea>" in refused.content.decode()
    assert not FeedItem.objects.filter(user=world.due).exists()
    entry.refresh_from_db()
    assert entry.action == ""


@pytest.mark.parametrize(("night_consent", "allowed"), [(False, False), (True, True)])
def test_round_promotional_message_at_night_needs_night_consent(world, client, night_consent, allowed):
    world.due.marketing_consented_at = MORNING - timedelta(days=30)
    world.due.night_marketing_consented_at = MORNING - timedelta(days=30) if night_consent else None
    world.due.save()
    _build(world)
    entry = RoundEntry.objects.get(customer=world.due)
    client.force_login(world.lead)

    with time_machine.travel(NIGHT, tick=False):
        response = _post(client, world, "message", entry, body="밤 특가", promotional="on")

    assert FeedItem.objects.filter(user=world.due, is_promotional=True).exists() is allowed
    assert response.status_code == (302 if allowed else 400)


def test_round_note_leaves_a_team_note_and_records_it(world, client):
    _build(world)
    entry = RoundEntry.objects.get(customer=world.unhappy)
    client.force_login(world.lead)

    with time_machine.travel(MORNING, tick=False):
        _post(client, world, "note", entry, body="전화로 사과드림, 교환 안내")

    note = CustomerNote.objects.get(customer=world.unhappy)
    assert (note.team, note.author, note.body) == (world.team, world.lead, "전화로 사과드림, 교환 안내")
    entry.refresh_from_db()
    assert (entry.action, entry.note) == (RoundEntry.Action.NOTE, note)


def test_round_skip_records_that_the_member_left_the_customer_be(world, client):
    _build(world)
    entry = RoundEntry.objects.get(customer=world.birthday)
    client.force_login(world.lead)

    with time_machine.travel(MORNING, tick=False):
        _post(client, world, "skip", entry)

    entry.refresh_from_db()
    assert entry.action == RoundEntry.Action.SKIP


def test_round_entry_of_another_member_is_404(world, client):
    _build(world)
    entry = RoundEntry.objects.get(customer=world.due)
    colleague = TeamMemberFactory(team=world.team, role=Role.CS).user
    client.force_login(colleague)

    assert _post(client, world, "skip", entry).status_code == 404
    entry.refresh_from_db()
    assert entry.action == ""


def test_round_page_of_another_team_is_404(world, client):
    outsider = TeamMemberFactory(team=world.other_team, role=Role.MD_LEAD).user
    client.force_login(outsider)

    assert client.get(reverse("crm:round_today", kwargs={"slug": world.team.slug})).status_code == 404


def test_round_page_shows_the_list_with_reasons_and_what_was_done(world, client):
    client.force_login(world.lead)
    url = reverse("crm:round_today", kwargs={"slug": world.team.slug})
    with time_machine.travel(MORNING, tick=False):
        first = client.get(url)
        _post(client, world, "skip", RoundEntry.objects.get(customer=world.birthday))
        page = client.get(url).content.decode()

    assert first.status_code == 200
    assert "세탁세제 떨어졌을 때예요 (3일 지남)" in page
    assert "오늘은 넘김" in page
    assert "1 / 5 챙김" in page


def test_round_page_queries_do_not_grow_with_the_list(world, client, assert_constant_queries):
    """Guards the morning round page: one query for the list with its customers, whatever its length."""
    client.force_login(world.lead)
    url = reverse("crm:round_today", kwargs={"slug": world.team.slug})
    with time_machine.travel(MORNING, tick=False):
        client.get(url)

        def grow():
            for n in range(20):
                RoundEntry.objects.create(
                    team=world.team,
                    member=world.lead,
                    day=TODAY,
                    customer=UserFactory(),
                    position=100 + n,
                    reasons=[{"code": "birthday", "days": 0}],
                )

        assert_constant_queries(lambda: client.get(url), grow)


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ({"code": "essential", "category": "쌀", "status": "due", "days": 0}, "쌀 오늘쯤 떨어져요"),
        ({"code": "essential", "category": "쌀", "status": "due", "days": 2}, "쌀 곧 떨어져요 (2일 남음)"),
        ({"code": "birthday", "days": 3}, "3일 뒤 생일이에요"),
    ],
)
def test_round_reason_words(reason, text):
    from crm.selectors.rounds import reason_text

    assert reason_text(reason) == text
