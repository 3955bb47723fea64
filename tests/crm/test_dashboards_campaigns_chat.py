"""The dashboard's campaign and 1:1 문의 panels: campaigns against their control group, and how fast and how well
the team answers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crm.models import CampaignRecipient, Conversation
from crm.selectors.dashboards import dashboard_panel
from tests.crm.campaign_helpers import audience, campaign_for
from tests.crm.chat_helpers import ask_about_order, chat_world
from tests.crm.factories import bought_orders

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
LAUNCH = datetime(2026, 11, 24, 14, 0, tzinfo=SEOUL)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SEOUL)


def test_campaign_panel_compares_the_order_rate_of_those_who_got_it_with_the_control_group(
    django_capture_on_commit_callbacks,
):
    aud = audience(size=10)
    with time_machine.travel(LAUNCH, tick=False), django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_for(aud, control_percent=20)
    recipients = CampaignRecipient.objects.filter(campaign=campaign).order_by("pk")
    treated = [r.customer for r in recipients if r.group == CampaignRecipient.Group.TREATED]
    control = [r.customer for r in recipients if r.group == CampaignRecipient.Group.CONTROL]
    for customer in treated[:4]:
        bought_orders(user=customer, days_ago=[0], total=20_000, now=LAUNCH + timedelta(days=1))
    bought_orders(user=control[0], days_ago=[0], total=15_000, now=LAUNCH + timedelta(days=1))

    with time_machine.travel(NOW, tick=False):
        panel = dashboard_panel(team=aud.team, key="campaigns", now=NOW)
        others = dashboard_panel(team=None, key="campaigns", now=NOW)

    [row] = panel.rows
    assert row[0] == campaign.title
    assert row[2] == len(treated) == 8
    assert row[5] == pytest.approx(4 / 8)
    assert row[6] == pytest.approx(1 / 2)
    assert row[7].startswith("+0.0 (")
    assert row[8] == 80_000
    assert others.rows[0][0] == f"{aud.team.name} · {campaign.title}"
    assert panel.chart["series"][0]["values"] == [50.0]


def test_campaign_panel_is_empty_for_a_team_without_campaigns():
    aud = audience(size=1, prefix="quiet")
    with time_machine.travel(NOW, tick=False):
        panel = dashboard_panel(team=aud.team, key="campaigns", now=NOW)

    assert panel.rows == []


def test_chat_panel_has_the_weeks_median_first_answer_the_share_within_target_and_satisfaction(settings):
    settings.CRM_CHAT_FIRST_RESPONSE_MINUTES = 30
    world = chat_world()
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL)
    waits = [timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=90), None]
    with time_machine.travel(monday, tick=False):
        conversations = [ask_about_order(world) for _ in waits]
    for conversation, wait, rating in zip(conversations, waits, [5, 4, None, None], strict=True):
        Conversation.objects.filter(pk=conversation.pk).update(
            first_response_at=monday + wait if wait else None, rating=rating
        )

    with time_machine.travel(NOW, tick=False):
        panel = dashboard_panel(team=world.team, key="chat", now=NOW)

    [row] = panel.rows
    assert row == ["11.23", 4, 20, 0.5, "4.5", 2]
