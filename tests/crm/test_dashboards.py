"""Dashboards: every panel's numbers match hand-made data (segment history, revenue and repeat rate, essentials
share, nudges against control, whether morning-round customers came back), each as CSV, scoped to the team (admins
see every team), with a query count that does not grow with the data."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from crm.models import RoundEntry, SegmentSnapshot, TeamMember
from crm.selectors.dashboards import PANEL_BUILDERS, dashboard_panel, dashboard_panels
from feed.models import Exposure
from shop.models import Order
from tests.accounts.factories import StaffUserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.feed.factories import BagNudgeRuleFactory
from tests.shop.factories import PlacedOrderFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 30, 11, 0, tzinfo=SEOUL)
Role = TeamMember.Role


def _snapshot(segment, run, *, size, revenue, orders, repeat, share):
    return SegmentSnapshot.objects.create(
        segment=segment,
        run=run,
        size=size,
        revenue=revenue,
        orders=orders,
        average_order_value=revenue // orders if orders else 0,
        repeat_rate=repeat,
        essentials_share=share,
    )


def _exposure(rule, user, *, control, ordered):
    return Exposure.objects.create(
        rule=rule,
        visitor_id=uuid.uuid4(),
        user=user,
        bucket=1,
        is_control=control,
        fired_at=NOW - timedelta(days=3),
        ordered_at=NOW - timedelta(days=2) if ordered else None,
    )


def _order(user, when):
    return PlacedOrderFactory(user=user, status=Order.Status.DELIVERED, placed_at=when, paid_at=when)


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        old = SegmentationRunFactory(finished_at=datetime(2026, 11, 23, 4, 0, tzinfo=SEOUL))
        run = SegmentationRunFactory(finished_at=datetime(2026, 11, 30, 4, 0, tzinfo=SEOUL))
        team, other_team = TeamFactory(slug="living", name="생활팀"), TeamFactory(slug="kitchen", name="주방팀")
        regulars = SegmentFactory(team=team, name="단골")
        sleepy = SegmentFactory(team=team, name="잠든 고객")
        cooks = SegmentFactory(team=other_team, name="요리 단골")
        _snapshot(regulars, old, size=10, revenue=1_000_000, orders=20, repeat=0.4, share=0.3)
        _snapshot(regulars, run, size=12, revenue=1_500_000, orders=25, repeat=0.5, share=0.35)
        _snapshot(sleepy, old, size=5, revenue=200_000, orders=5, repeat=0.2, share=None)
        _snapshot(sleepy, run, size=4, revenue=150_000, orders=3, repeat=0.25, share=0.1)
        _snapshot(cooks, run, size=7, revenue=900_000, orders=9, repeat=0.3, share=0.2)
        customers = [customer_in_segment(segment=regulars, run=run).user for _ in range(4)]
        cook = customer_in_segment(segment=cooks, run=run).user
        rule = BagNudgeRuleFactory(name="가방 고민 중")
        for user, control, ordered in (
            (customers[0], False, True),
            (customers[1], False, True),
            (customers[2], False, False),
            (customers[3], False, False),
            (customers[0], True, False),
            (customers[1], True, False),
            (cook, False, True),
        ):
            _exposure(rule, user, control=control, ordered=ordered)
        lead = TeamMemberFactory(team=team, role=Role.MD_LEAD).user
        touched = NOW - timedelta(days=5)
        today = date(2026, 11, 25)
        for customer, action in zip(customers, ("message", "note", "skip", ""), strict=True):
            RoundEntry.objects.create(
                team=team,
                member=lead,
                day=today,
                customer=customer,
                position=1,
                action=action,
                acted_at=touched if action else None,
            )
        _order(customers[0], touched + timedelta(days=2))  # came back after the message
        _order(customers[1], touched - timedelta(days=1))  # ordered before the note: not a comeback
        _order(customers[3], touched + timedelta(days=20))  # untouched, but past the 14 days
    return SimpleNamespace(team=team, other_team=other_team, lead=lead, rule=rule, customers=customers, run=run)


# Panels the world fills; campaigns and 1:1 문의 have their own data in test_dashboards_campaigns_chat.py.
WORLD_PANELS = ("segment_sizes", "segment_revenue", "essentials_share", "nudges", "morning_round")


def _panel(world, key, team="team"):
    with time_machine.travel(NOW, tick=False):
        return dashboard_panel(team=world.team if team == "team" else None, key=key, now=NOW)


def test_segment_sizes_panel_has_each_runs_size_per_segment(world):
    panel = _panel(world, "segment_sizes")

    assert [c.label for c in panel.columns] == ["계산한 때", "단골", "잠든 고객"]
    assert panel.rows == [["2026-11-23 04:00", 10, 5], ["2026-11-30 04:00", 12, 4]]
    assert panel.chart["labels"] == ["11.23", "11.30"]
    assert panel.chart["series"] == [{"name": "단골", "values": [10, 12]}, {"name": "잠든 고객", "values": [5, 4]}]


def test_segment_revenue_panel_has_the_current_runs_revenue_and_repeat_rate(world):
    panel = _panel(world, "segment_revenue")

    assert panel.rows == [["단골", 12, 1_500_000, 25, 60_000, 0.5], ["잠든 고객", 4, 150_000, 3, 50_000, 0.25]]
    assert panel.chart["secondary"]["values"] == [50.0, 25.0]


def test_essentials_share_panel_is_a_percent_trend_with_gaps(world):
    panel = _panel(world, "essentials_share")

    assert panel.chart["series"] == [
        {"name": "단골", "values": [30.0, 35.0]},
        {"name": "잠든 고객", "values": [None, 10.0]},
    ]


def test_nudge_panel_compares_the_teams_treated_customers_with_control(world):
    panel = _panel(world, "nudges")

    assert panel.rows == [["가방 고민 중", 4, 2, 0.5, 2, 0, 0.0, "+50.0"]]
    assert panel.chart["series"] == [
        {"name": "보여 준 고객", "values": [50.0]},
        {"name": "대조군", "values": [0.0]},
    ]


def test_nudge_panel_for_admins_counts_every_team(world):
    panel = _panel(world, "nudges", team=None)

    assert panel.rows[0][:3] == ["가방 고민 중", 5, 3]


def test_morning_round_panel_shows_who_came_back_within_14_days_of_the_touch(world):
    panel = _panel(world, "morning_round")

    assert panel.rows == [
        ["메시지 보냄", 1, 1, 1.0],
        ["메모 남김", 1, 0, 0.0],
        ["오늘은 넘김", 1, 0, 0.0],
        ["손대지 않음", 1, 0, 0.0],
    ]


def test_admin_scope_labels_segments_with_their_team(world):
    panel = _panel(world, "segment_revenue", team=None)

    assert [row[0] for row in panel.rows] == ["생활팀 · 단골", "주방팀 · 요리 단골", "생활팀 · 잠든 고객"]


def test_dashboard_page_draws_every_panel_with_its_table(world, client):
    client.force_login(world.lead)

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("crm:team_dashboard", kwargs={"slug": "living"})).content.decode()

    for key in PANEL_BUILDERS:
        assert f'data-testid="panel-{key}"' in page
    for key in WORLD_PANELS:
        assert f'data-chart="chart-{key}"' in page
        assert f'id="chart-{key}" type="application/json"' in page
        assert f'data-testid="table-{key}"' in page
    assert "1,500,000원" in page


def test_dashboard_csv_has_the_panels_table(world, client):
    client.force_login(world.lead)

    with time_machine.travel(NOW, tick=False):
        download = client.get(reverse("crm:team_dashboard_csv", kwargs={"slug": "living", "panel": "segment_revenue"}))

    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="living-segment_revenue.csv"' in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows == [
        ["세그먼트", "고객 수", "누적 매출(원)", "주문 수", "평균 주문 금액(원)", "재구매율"],
        ["단골", "12", "1500000", "25", "60000", "50.0"],
        ["잠든 고객", "4", "150000", "3", "50000", "25.0"],
    ]


def test_dashboard_csv_of_an_unknown_panel_is_404(world, client):
    client.force_login(world.lead)

    assert client.get(reverse("crm:team_dashboard_csv", kwargs={"slug": "living", "panel": "nope"})).status_code == 404


def test_dashboard_of_another_team_is_404(world, client):
    client.force_login(TeamMemberFactory(team=world.other_team, role=Role.MD_LEAD).user)

    assert client.get(reverse("crm:team_dashboard", kwargs={"slug": "living"})).status_code == 404
    csv_url = reverse("crm:team_dashboard_csv", kwargs={"slug": "living", "panel": "nudges"})
    assert client.get(csv_url).status_code == 404


def test_admin_dashboard_is_for_admins_only(world, client):
    client.force_login(world.lead)
    assert client.get(reverse("crm:admin_dashboard")).status_code == 404
    assert client.get(reverse("crm:admin_dashboard_csv", kwargs={"panel": "nudges"})).status_code == 404

    client.force_login(StaffUserFactory(is_superuser=True))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("crm:admin_dashboard"))
    assert page.status_code == 200
    assert "주방팀 · 요리 단골" in page.content.decode()


def test_dashboard_without_any_run_shows_empty_panels(client):
    team = TeamFactory(slug="new")
    client.force_login(TeamMemberFactory(team=team, role=Role.ANALYST).user)

    page = client.get(reverse("crm:team_dashboard", kwargs={"slug": "new"}))

    assert page.status_code == 200
    assert page.content.decode().count('data-testid="panel-empty"') == len(PANEL_BUILDERS)


def test_dashboard_panels_queries_do_not_grow_with_the_data(world, client, assert_constant_queries):
    """Guards the dashboard: each panel is a fixed number of grouped queries."""
    client.force_login(world.lead)
    url = reverse("crm:team_dashboard", kwargs={"slug": "living"})
    with time_machine.travel(NOW, tick=False):
        client.get(url)

        def grow():
            for n in range(5):
                segment = SegmentFactory(team=world.team, name=f"추가 {n}")
                _snapshot(segment, world.run, size=n + 1, revenue=10_000, orders=1, repeat=0.1, share=0.1)
                customer = customer_in_segment(segment=segment, run=world.run).user
                _exposure(world.rule, customer, control=bool(n % 2), ordered=True)
                RoundEntry.objects.create(
                    team=world.team, member=world.lead, day=date(2026, 11, 29), customer=customer, position=n
                )
                _order(customer, NOW - timedelta(hours=5))

        assert_constant_queries(lambda: client.get(url), grow)


def test_dashboard_panels_are_built_from_the_one_registry(world):
    with time_machine.travel(NOW, tick=False):
        panels = dashboard_panels(team=world.team, now=NOW)

    assert [panel.key for panel in panels] == list(PANEL_BUILDERS)
