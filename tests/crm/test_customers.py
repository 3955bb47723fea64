"""The back office's customers: the team's and a segment's customer table, the customer 360 page, notes and tags."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import AuditLog, CustomerNote, CustomerTag, Lifecycle, RfmSegment, TeamMember
from crm.selectors.access import seat_for
from crm.selectors.customers import CustomerFilters, customer_rows
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.feed.factories import FeedItemFactory
from tests.shop.checkout_factories import AddressFactory, order_via_checkout

pytestmark = pytest.mark.django_db

Role = TeamMember.Role


@pytest.fixture
def world():
    """Two teams, one segment each, one customer in each segment, and team A's members in several roles."""
    run = SegmentationRunFactory()
    team_a, team_b = TeamFactory(slug="living"), TeamFactory(slug="kitchen")
    segment_a, segment_b = SegmentFactory(team=team_a, name="단골"), SegmentFactory(team=team_b, name="주방 단골")
    alice = customer_in_segment(
        segment=segment_a,
        run=run,
        user=UserFactory(nickname="살림요정", last_name="김", first_name="민지", phone="010-1234-5678"),
        monetary=300_000,
    ).user
    bob = customer_in_segment(
        segment=segment_b, run=run, user=UserFactory(nickname="주방장", phone="010-9999-8888")
    ).user
    AddressFactory(user=alice, address1="서울특별시 강남구 테헤란로 152 (역삼동)", address2="101동 1001호")
    members = {
        role: TeamMemberFactory(team=team_a, role=role).user
        for role in (Role.MD_LEAD, Role.CS, Role.MARKETER, Role.ANALYST, Role.PLANNER)
    }
    admin = StaffUserFactory(is_superuser=True)
    return SimpleNamespace(
        run=run,
        team_a=team_a,
        team_b=team_b,
        segment_a=segment_a,
        segment_b=segment_b,
        alice=alice,
        bob=bob,
        members=members,
        admin=admin,
    )


def list_url(team, **params):
    url = reverse("crm:customer_list", kwargs={"slug": team.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def detail_url(team, customer):
    return reverse("crm:customer_detail", kwargs={"slug": team.slug, "customer_id": customer.pk})


def listed_ids(response) -> list[int]:
    return [row.customer_id for row in response.context["rows"]]


# --- the selector ---------------------------------------------------------------------------------------------
def rows_for(user, team, run, **kwargs):
    seat = seat_for(user=user, team=team)
    return list(customer_rows(seat=seat, run_id=run.pk, **kwargs))


def test_customer_rows_of_a_member_hold_only_their_teams_segment_customers(world):
    rows = rows_for(world.members[Role.MD_LEAD], world.team_a, world.run)
    assert [p.user_id for p in rows] == [world.alice.pk]


def test_customer_rows_of_an_admin_in_a_team_view_are_that_teams_customers(world):
    assert [p.user_id for p in rows_for(world.admin, world.team_b, world.run)] == [world.bob.pk]


def test_customer_rows_of_another_teams_segment_are_empty(world):
    assert rows_for(world.members[Role.MD_LEAD], world.team_a, world.run, segment=world.segment_b) == []


def test_customer_rows_of_an_inactive_segment_are_hidden_from_members(world):
    world.segment_a.is_active = False
    world.segment_a.save(update_fields=["is_active"])
    assert rows_for(world.members[Role.MD_LEAD], world.team_a, world.run) == []


def test_customer_rows_without_a_run_are_empty(world):
    seat = seat_for(user=world.members[Role.MD_LEAD], team=world.team_a)
    assert list(customer_rows(seat=seat, run_id=None)) == []


@pytest.mark.parametrize("text", ["살림", "김민지", "민지", "010-1234-5678", "5678", "12345678", "shopper"])
def test_customer_rows_search_finds_by_nickname_name_phone_tail_or_username(world, text):
    other = customer_in_segment(segment=world.segment_a, run=world.run, user=UserFactory(nickname="다른분")).user
    other.username, other.email, other.phone = "zz-other", "zz@example.com", "010-2222-3333"
    other.save(update_fields=["username", "email", "phone"])
    found = [p.user_id for p in rows_for(world.members[Role.MD_LEAD], world.team_a, world.run, search=text)]
    assert found == [world.alice.pk]


def test_customer_rows_search_by_email(world):
    found = rows_for(world.members[Role.MD_LEAD], world.team_a, world.run, search=world.alice.email)
    assert [p.user_id for p in found] == [world.alice.pk]


def test_customer_rows_filter_by_lifecycle_rfm_consent_and_overdue(world):
    vip = customer_in_segment(
        segment=world.segment_a,
        run=world.run,
        lifecycle=Lifecycle.VIP,
        rfm_segment=RfmSegment.CHAMPIONS,
        marketing_consent=True,
        essentials_overdue=2,
    ).user
    lead = world.members[Role.MD_LEAD]

    def ids(**filters):
        return [p.user_id for p in rows_for(lead, world.team_a, world.run, filters=CustomerFilters(**filters))]

    assert ids(lifecycle=Lifecycle.VIP) == [vip.pk]
    assert ids(rfm=RfmSegment.CHAMPIONS) == [vip.pk]
    assert ids(consent="yes") == [vip.pk]
    assert ids(consent="no") == [world.alice.pk]
    assert ids(overdue="yes") == [vip.pk]
    assert ids(overdue="no") == [world.alice.pk]


def test_customer_rows_sort_by_spend_either_way_and_unknown_sort_falls_back(world):
    big = customer_in_segment(segment=world.segment_a, run=world.run, monetary=900_000).user
    small = customer_in_segment(segment=world.segment_a, run=world.run, monetary=1_000).user
    lead = world.members[Role.MD_LEAD]
    assert [p.user_id for p in rows_for(lead, world.team_a, world.run, sort="spend")] == [
        small.pk,
        world.alice.pk,
        big.pk,
    ]
    assert [p.user_id for p in rows_for(lead, world.team_a, world.run, sort="-spend")] == [
        big.pk,
        world.alice.pk,
        small.pk,
    ]
    assert [p.user_id for p in rows_for(lead, world.team_a, world.run, sort="user__password")] == [
        big.pk,
        world.alice.pk,
        small.pk,
    ]


def test_customer_rows_sort_puts_customers_never_seen_last(world):
    seen = customer_in_segment(segment=world.segment_a, run=world.run, last_seen_at=timezone.now()).user
    lead = world.members[Role.MD_LEAD]
    for sort in ("last_seen", "-last_seen"):
        assert [p.user_id for p in rows_for(lead, world.team_a, world.run, sort=sort)] == [seen.pk, world.alice.pk]


def test_customer_filters_from_params_drop_unknown_values():
    filters = CustomerFilters.from_params({"lifecycle": "boss", "rfm": "lost", "consent": "maybe", "overdue": "yes"})
    assert filters == CustomerFilters(rfm="lost", overdue="yes")


# --- the list page --------------------------------------------------------------------------------------------
def test_customer_list_shows_the_teams_customers_only(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(list_url(world.team_a))
    assert response.status_code == 200
    assert listed_ids(response) == [world.alice.pk]
    assert "살림요정" in response.content.decode()
    assert "주방장" not in response.content.decode()


def test_customer_list_of_another_team_is_404_for_a_member(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(list_url(world.team_b)).status_code == 404


def test_customer_list_is_404_for_a_shopper_and_sends_anonymous_visitors_to_log_in(client, world):
    response = client.get(list_url(world.team_a))
    assert response.status_code == 302
    client.force_login(world.alice)
    assert client.get(list_url(world.team_a)).status_code == 404


def test_customer_list_masks_the_phone_for_a_marketer(client, world):
    client.force_login(world.members[Role.MARKETER])
    body = client.get(list_url(world.team_a)).content.decode()
    assert "010-****-5678" in body
    assert "010-1234-5678" not in body


def test_customer_list_shows_the_full_phone_to_cs(client, world):
    client.force_login(world.members[Role.CS])
    body = client.get(list_url(world.team_a)).content.decode()
    assert "010-1234-5678" in body


def test_customer_list_with_bad_sort_and_filters_still_answers(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(list_url(world.team_a, sort="';drop", lifecycle="x", consent="1", page="abc"))
    assert response.status_code == 200
    assert listed_ids(response) == [world.alice.pk]


def test_customer_list_search_and_filter_narrow_the_page(client, world):
    other = customer_in_segment(segment=world.segment_a, run=world.run, lifecycle=Lifecycle.DORMANT).user
    client.force_login(world.members[Role.MD_LEAD])
    assert listed_ids(client.get(list_url(world.team_a, q="살림"))) == [world.alice.pk]
    assert listed_ids(client.get(list_url(world.team_a, lifecycle="dormant"))) == [other.pk]


def test_customer_list_pages_by_fifty(client, world):
    for _ in range(51):
        customer_in_segment(segment=world.segment_a, run=world.run, monetary=1)
    client.force_login(world.members[Role.MD_LEAD])
    first = client.get(list_url(world.team_a))
    second = client.get(list_url(world.team_a, page=2))
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 2
    assert first.context["rows"][0].customer_id == world.alice.pk  # highest spend first


def test_customer_list_htmx_sort_returns_only_the_table_and_pushes_the_url(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(
        list_url(world.team_a, sort="-orders", q="살림"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-table"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="customer-table"' in body
    assert "<html" not in body
    assert 'id="customer-filters"' not in body
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == list_url(world.team_a) + "?q=%EC%82%B4%EB%A6%BC&sort=-orders"


def test_customer_list_full_page_varies_on_htmx(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(list_url(world.team_a))
    assert "HX-Request" in response["Vary"]
    assert "<html" in response.content.decode()


def test_customer_list_keeps_constant_queries_with_more_customers(client, world, assert_constant_queries):
    """Guards the list page: one page query with the users joined, one count, whatever the page holds."""
    client.force_login(world.members[Role.MD_LEAD])
    for _ in range(2):
        customer_in_segment(segment=world.segment_a, run=world.run)

    def render():
        assert client.get(list_url(world.team_a)).status_code == 200

    def grow():
        for _ in range(27):
            customer_in_segment(segment=world.segment_a, run=world.run)

    render()  # the first visit remembers the team in the session (one more write than any later visit)
    assert_constant_queries(render, grow)


def test_segment_customers_panel_lists_that_segments_customers(client, world):
    other_segment = SegmentFactory(team=world.team_a, name="휴면")
    sleeper = customer_in_segment(segment=other_segment, run=world.run).user
    client.force_login(world.members[Role.MD_LEAD])
    url = reverse("crm:segment_customers", kwargs={"slug": world.team_a.slug, "pk": other_segment.pk})
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert listed_ids(response) == [sleeper.pk]
    assert 'id="customer-filters"' in response.content.decode()  # the panel, filters and table
    assert "<html" not in response.content.decode()


def test_segment_customers_of_another_teams_segment_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    url = reverse("crm:segment_customers", kwargs={"slug": world.team_a.slug, "pk": world.segment_b.pk})
    assert client.get(url).status_code == 404


def test_segment_customers_keeps_constant_queries(client, world, assert_constant_queries):
    """Guards the segment page's customer panel (htmx)."""
    client.force_login(world.members[Role.MARKETER])
    url = reverse("crm:segment_customers", kwargs={"slug": world.team_a.slug, "pk": world.segment_a.pk})
    for _ in range(2):
        customer_in_segment(segment=world.segment_a, run=world.run)

    def render():
        assert client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-table").status_code == 200

    def grow():
        for _ in range(27):
            customer_in_segment(segment=world.segment_a, run=world.run)

    render()  # the first visit remembers the team in the session (one more write than any later visit)
    assert_constant_queries(render, grow)


def test_customer_list_view_is_written_to_the_audit_log(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    client.get(list_url(world.team_a, q="살림"))
    entry = AuditLog.objects.get(action=AuditLog.Action.CUSTOMER_LIST)
    assert entry.actor == world.members[Role.MD_LEAD]
    assert entry.team == world.team_a
    assert entry.detail["q"] == "살림"
    assert entry.detail["row_count"] == 1


# --- the customer 360 page ------------------------------------------------------------------------------------
def test_customer_detail_of_another_teams_customer_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(detail_url(world.team_a, world.bob)).status_code == 404
    assert client.get(detail_url(world.team_b, world.bob)).status_code == 404


def test_customer_detail_of_an_unknown_customer_is_404(client, world):
    client.force_login(world.admin)
    url = reverse("crm:customer_detail", kwargs={"slug": world.team_a.slug, "customer_id": 987654})
    assert client.get(url).status_code == 404


def test_customer_detail_opens_any_customer_for_an_admin(client, world):
    client.force_login(world.admin)
    response = client.get(detail_url(world.team_a, world.bob))
    assert response.status_code == 200
    assert "주방장" in response.content.decode()


def test_customer_detail_masks_contact_for_a_marketer(client, world):
    client.force_login(world.members[Role.MARKETER])
    body = client.get(detail_url(world.team_a, world.alice)).content.decode()
    assert "010-****-5678" in body
    assert "010-1234-5678" not in body
    assert "서울특별시 강남구 역삼동 ***" in body
    assert "1001호" not in body


def test_customer_detail_shows_full_contact_to_cs(client, world):
    client.force_login(world.members[Role.CS])
    body = client.get(detail_url(world.team_a, world.alice)).content.decode()
    assert "010-1234-5678" in body
    assert "101동 1001호" in body


def test_customer_detail_shows_profile_orders_feed_segments_notes_and_tags(client, world):
    order = order_via_checkout(user=world.alice)
    FeedItemFactory(user=world.alice, title="세제 떨어질 때 됐죠?", read_at=timezone.now())
    CustomerNote.objects.create(
        team=world.team_a, customer=world.alice, author=world.members[Role.CS], body="배송 전 전화 선호"
    )
    CustomerNote.objects.create(team=world.team_b, customer=world.alice, body="다른 팀 메모")
    CustomerTag.objects.create(team=world.team_a, customer=world.alice, label="선물 포장")
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(detail_url(world.team_a, world.alice))
    body = response.content.decode()
    assert response.status_code == 200
    assert order.number in body
    assert "세제 떨어질 때 됐죠?" in body
    assert "배송 전 전화 선호" in body
    assert "다른 팀 메모" not in body
    assert "#선물 포장" in body
    assert "충성 고객" in body  # the RFM segment's name in Korean
    assert [s.pk for s in response.context["view"].segments] == [world.segment_a.pk]


def test_each_customer_detail_view_adds_an_audit_row(client, world):
    lead = world.members[Role.MD_LEAD]
    client.force_login(lead)
    client.get(detail_url(world.team_a, world.alice))
    client.get(detail_url(world.team_a, world.alice))
    entries = AuditLog.objects.filter(action=AuditLog.Action.CUSTOMER_VIEW)
    assert entries.count() == 2
    assert {(e.actor_id, e.customer_id, e.team_id) for e in entries} == {(lead.pk, world.alice.pk, world.team_a.pk)}


def test_refused_customer_detail_writes_no_audit_row(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    client.get(detail_url(world.team_a, world.bob))
    assert not AuditLog.objects.filter(action=AuditLog.Action.CUSTOMER_VIEW).exists()


def test_customer_detail_keeps_constant_queries_with_more_orders_notes_and_messages(
    client, world, assert_constant_queries
):
    """Guards the 360 page: orders with lines, notes, tags and feed items are read in a fixed number of queries."""
    order_via_checkout(user=world.alice)
    FeedItemFactory(user=world.alice)
    CustomerNote.objects.create(team=world.team_a, customer=world.alice, author=world.members[Role.CS], body="메모")
    client.force_login(world.members[Role.MD_LEAD])

    def render():
        assert client.get(detail_url(world.team_a, world.alice)).status_code == 200

    def grow():
        for _ in range(3):
            order_via_checkout(user=world.alice)
        for i in range(5):
            FeedItemFactory(user=world.alice)
            CustomerNote.objects.create(
                team=world.team_a, customer=world.alice, author=world.members[Role.PLANNER], body=f"메모 {i}"
            )
            CustomerTag.objects.create(team=world.team_a, customer=world.alice, label=f"태그{i}")

    render()  # the first visit remembers the team in the session (one more write than any later visit)
    assert_constant_queries(render, grow)


# --- notes and tags -------------------------------------------------------------------------------------------
def note_url(team, customer):
    return reverse("crm:customer_note_add", kwargs={"slug": team.slug, "customer_id": customer.pk})


def tag_url(team, customer):
    return reverse("crm:customer_tag_add", kwargs={"slug": team.slug, "customer_id": customer.pk})


def test_team_member_adds_a_note_for_their_team(client, world):
    client.force_login(world.members[Role.CS])
    response = client.post(note_url(world.team_a, world.alice), {"body": "  오후에 통화 원하심  "})
    assert response.status_code == 302
    note = CustomerNote.objects.get()
    assert (note.team, note.customer, note.author, note.body) == (
        world.team_a,
        world.alice,
        world.members[Role.CS],
        "오후에 통화 원하심",
    )


def test_note_by_htmx_returns_the_notes_section(client, world):
    client.force_login(world.members[Role.PLANNER])
    response = client.post(note_url(world.team_a, world.alice), {"body": "재입고 알림 원함"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="notes"' in body
    assert "재입고 알림 원함" in body
    assert "<html" not in body


def test_empty_note_is_refused_with_a_message(client, world):
    client.force_login(world.members[Role.CS])
    response = client.post(note_url(world.team_a, world.alice), {"body": "   "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "메모 내용을 써 주세요." in response.content.decode()
    assert not CustomerNote.objects.exists()


def test_note_on_another_teams_customer_is_404(client, world):
    client.force_login(world.members[Role.CS])
    assert client.post(note_url(world.team_a, world.bob), {"body": "몰래"}).status_code == 404
    assert client.post(note_url(world.team_b, world.bob), {"body": "몰래"}).status_code == 404
    assert not CustomerNote.objects.exists()


def test_tag_added_twice_is_kept_once_and_can_be_removed(client, world):
    client.force_login(world.members[Role.MARKETER])
    client.post(tag_url(world.team_a, world.alice), {"label": "#VIP 응대"})
    client.post(tag_url(world.team_a, world.alice), {"label": "VIP  응대"})
    tag = CustomerTag.objects.get()
    assert tag.label == "VIP 응대"
    remove = reverse(
        "crm:customer_tag_remove", kwargs={"slug": world.team_a.slug, "customer_id": world.alice.pk, "tag_id": tag.pk}
    )
    response = client.post(remove, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not CustomerTag.objects.exists()


def test_another_teams_tag_cannot_be_removed(client, world):
    other = CustomerTag.objects.create(team=world.team_b, customer=world.alice, label="주방 VIP")
    client.force_login(world.members[Role.MD_LEAD])
    remove = reverse(
        "crm:customer_tag_remove",
        kwargs={"slug": world.team_a.slug, "customer_id": world.alice.pk, "tag_id": other.pk},
    )
    assert client.post(remove).status_code == 404
    assert CustomerTag.objects.filter(pk=other.pk).exists()


def test_note_page_answers_get_with_405(client, world):
    client.force_login(world.members[Role.CS])
    assert client.get(note_url(world.team_a, world.alice)).status_code == 405


def test_stale_run_customer_is_not_visible_to_members(client, world):
    """Only the current run's memberships count: a newer run without Alice hides her from the team."""
    newer = SegmentationRunFactory(finished_at=timezone.now() + timedelta(minutes=1))
    customer_in_segment(segment=world.segment_a, run=newer)
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(detail_url(world.team_a, world.alice)).status_code == 404


# --- in a real browser ----------------------------------------------------------------------------------------
def _seed_back_office(device: str):
    """A team with two segments, 24 customers of every stage, one customer with a full history."""
    import random

    from accounts.models import Household
    from crm.models import HouseholdEssential
    from feed.models import DailyActivity
    from tests.shop.factories import CategoryFactory, ProductFactory, StoreFactory

    rng = random.Random(7)
    run = SegmentationRunFactory()
    team = TeamFactory(name="생활 MD팀", slug=f"living-{device}")
    regulars, sleepers = SegmentFactory(team=team, name="단골 고객"), SegmentFactory(team=team, name="휴면 위험")
    names = ["민지", "서연", "하늘", "지우", "도윤", "예린", "준호", "수아", "유진", "현우", "다은", "시우"]
    stages = list(
        zip(
            Lifecycle.values,
            [
                RfmSegment.NEW,
                RfmSegment.PROMISING,
                RfmSegment.LOYAL,
                RfmSegment.CHAMPIONS,
                RfmSegment.AT_RISK,
                RfmSegment.HIBERNATING,
                RfmSegment.POTENTIAL_LOYALIST,
            ],
            strict=False,
        )
    )
    now = timezone.now()
    for i in range(24):
        lifecycle, rfm = stages[i % len(stages)]
        user = UserFactory(
            username=f"{device}-c{i}",
            nickname=f"{names[i % len(names)]}{i}",
            last_name="김이박최"[i % 4],
            first_name=names[i % len(names)],
            phone=f"010-{1000 + i * 37:04d}-{5000 + i * 91:04d}",
        )
        customer_in_segment(
            segment=sleepers if lifecycle in (Lifecycle.AT_RISK, Lifecycle.DORMANT) else regulars,
            run=run,
            user=user,
            lifecycle=lifecycle,
            rfm_segment=rfm,
            r_score=rng.randint(1, 5),
            f_score=rng.randint(1, 5),
            m_score=rng.randint(1, 5),
            frequency=rng.randint(1, 14),
            monetary=rng.randint(10, 900) * 1000,
            essentials_share=rng.random(),
            essentials_overdue=rng.choice([0, 0, 1, 2]),
            last_seen_at=now - timedelta(days=rng.randint(0, 40)),
            marketing_consent=bool(i % 3),
        )
    household = Household.objects.create(name="망원동 민지네", size=3, has_children=True)
    star = UserFactory(
        username=f"{device}-star",
        nickname="살림요정",
        last_name="김",
        first_name="민지",
        phone="010-1234-5678",
        household=household,
        marketing_consented_at=now - timedelta(days=200),
    )
    store = StoreFactory(name="골목 생활용품점", team=team)
    detergent = CategoryFactory(name="세탁세제", replenishment_days=30)
    tissue = CategoryFactory(name="화장지", replenishment_days=45)
    CategoryFactory(name="생수", replenishment_days=14)
    AddressFactory(user=star, address1="서울특별시 마포구 월드컵로 212 (망원동)", address2="2층")
    for product in (
        ProductFactory(store=store, category=detergent, name="라벤더 고농축 세탁세제 2.5L"),
        ProductFactory(store=store, category=tissue, name="3겹 천연펄프 화장지 30롤"),
    ):
        order_via_checkout(user=star, items=[(product, 1)])
    customer_in_segment(
        segment=regulars,
        run=run,
        user=star,
        lifecycle=Lifecycle.VIP,
        rfm_segment=RfmSegment.CHAMPIONS,
        r_score=5,
        f_score=5,
        m_score=4,
        frequency=12,
        monetary=684_000,
        recency_days=3,
        essentials_share=0.62,
        essentials_overdue=1,
        essentials_due=1,
        marketing_consent=True,
        age_band=30,
        gender="F",
        top_category_ids=[detergent.pk, tissue.pk],
        last_seen_at=now - timedelta(hours=5),
    )
    customer_in_segment(segment=sleepers, run=run, user=UserFactory(username=f"{device}-x", nickname="다른"))
    today = timezone.localdate()
    HouseholdEssential.objects.create(
        run=run,
        household_id=household.pk,
        category=detergent,
        purchase_days=6,
        first_bought_on=today - timedelta(days=220),
        last_bought_on=today - timedelta(days=40),
        median_interval_days=30,
        cycle_days=30,
        is_regular=True,
        due_on=today - timedelta(days=10),
        status=HouseholdEssential.Status.OVERDUE,
    )
    HouseholdEssential.objects.create(
        run=run,
        household_id=household.pk,
        category=tissue,
        purchase_days=3,
        first_bought_on=today - timedelta(days=120),
        last_bought_on=today - timedelta(days=38),
        cycle_days=45,
        due_on=today + timedelta(days=7),
        status=HouseholdEssential.Status.DUE,
    )
    for days_ago, views in ((0, 14), (2, 6), (9, 21)):
        day = today - timedelta(days=days_ago)
        DailyActivity.objects.create(
            user=star,
            day=day,
            page_views=views,
            searches=2,
            cart_adds=1,
            dwell_seconds=300,
            last_seen_at=now - timedelta(days=days_ago),
            updated_at=now,
        )
        DailyActivity.objects.create(
            user=star,
            day=day,
            category_id=detergent.pk,
            category_views=views // 2,
            last_seen_at=now - timedelta(days=days_ago),
            updated_at=now,
        )
    FeedItemFactory(user=star, kind="nudge", title="세제 떨어질 때 됐죠?", read_at=now)
    FeedItemFactory(user=star, kind="greeting", title="민지님, 오늘 하루도 수고했어요")
    lead = TeamMemberFactory(team=team, role=Role.MD_LEAD, user__username=f"{device}-lead").user
    cs = TeamMemberFactory(team=team, role=Role.CS, user__last_name="박", user__first_name="상담").user
    CustomerNote.objects.create(team=team, customer=star, author=cs, body="오후 2시 이후 통화를 좋아하세요.")
    CustomerTag.objects.create(team=team, customer=star, label="선물 포장 선호")
    return SimpleNamespace(team=team, lead=lead, star=star, regulars=regulars)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_customer_list_and_360_page_in_a_browser(device, request, live_server, artifacts_dir):
    """An MD lead searches, filters and sorts the team's customers without a reload, then opens a 360 page and
    leaves a note. Screenshots go to test-results/<test name>/."""
    import re

    from playwright.sync_api import expect

    page = request.getfixturevalue("browser_page" if device == "desktop" else "phone_page")
    data = _seed_back_office(device)
    page.goto(live_server.url + "/accounts/login/?next=" + list_url(data.team))
    page.fill("input[name=username]", data.lead.username)
    page.fill("input[name=password]", "test-pass-1234")
    page.locator("#content form button[type=submit]").first.click()
    expect(page.locator("[data-testid=customer-count]")).to_contain_text("26명")
    expect(page.locator("[data-testid=customer-row]")).to_have_count(26)
    page.screenshot(path=str(artifacts_dir / f"{device}-01-list.png"), full_page=True)

    page.fill("#customer-search", "살림")
    expect(page.locator("[data-testid=customer-row]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"\?q=%EC%82%B4%EB%A6%BC"))
    page.fill("#customer-search", "")
    expect(page.locator("[data-testid=customer-row]")).to_have_count(26)
    page.select_option("#filter-lifecycle", "dormant")
    expect(page).to_have_url(re.compile(r"lifecycle=dormant"))
    dormant_rows = page.locator("[data-testid=customer-row]")
    expect(dormant_rows.first).to_contain_text("휴면")
    page.select_option("#filter-lifecycle", "")
    expect(page.locator("[data-testid=customer-row]")).to_have_count(26)
    page.locator("th a.crm-sort", has_text=re.compile(r"^주문")).click()
    expect(page).to_have_url(re.compile(r"sort=-orders"))
    page.select_option("#filter-consent", "yes")
    expect(page).to_have_url(re.compile(r"consent=yes.*sort=-orders|sort=-orders.*consent=yes"))
    page.screenshot(path=str(artifacts_dir / f"{device}-02-list-sorted.png"), full_page=False)

    page.goto(live_server.url + detail_url(data.team, data.star))
    expect(page.locator("[data-testid=customer-name]")).to_contain_text("살림요정")
    expect(page.locator("[data-testid=contact-phone]")).to_have_text("010-****-5678")
    expect(page.locator("[data-testid=household-essentials]")).to_contain_text("세탁세제")
    page.fill("#note-body", "정기배송을 권해 보면 좋겠어요.")
    page.get_by_role("button", name="메모 남기기").click()
    expect(page.locator("[data-testid=customer-notes]")).to_contain_text("정기배송을 권해 보면 좋겠어요.")
    page.screenshot(path=str(artifacts_dir / f"{device}-03-customer-360.png"), full_page=True)
    assert AuditLog.objects.filter(action=AuditLog.Action.CUSTOMER_VIEW, customer=data.star).count() == 1
