"""Campaign pages: who may open the editor, bad input as form errors, the live audience count, the list's constant
query count and the results page (whole and as the polled partial)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from crm.models import Campaign, TeamMember
from tests.crm.campaign_helpers import audience, campaign_for
from tests.crm.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
AFTERNOON = datetime(2026, 11, 24, 14, 0, tzinfo=SEOUL)


@pytest.fixture
def aud():
    return audience(size=20, prefix="view")


def _url(name, aud, **kwargs):
    return reverse(f"crm:{name}", kwargs={"slug": aud.team.slug, **kwargs})


def test_md_lead_launches_a_campaign_from_the_form_and_lands_on_its_results(
    client, aud, django_capture_on_commit_callbacks
):
    client.force_login(aud.lead)
    assert client.get(_url("campaign_create", aud)).status_code == 200
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("campaign_create", aud),
            {
                "segment": aud.segment.pk,
                "title": "주말 세제 할인",
                "body": "{nickname}님, 세제 챙기세요",
                "control_percent": 10,
                "is_promotional": "on",
            },
        )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("campaign_detail", aud, pk=campaign.pk)
    page = client.get(response["Location"]).content.decode()
    assert "주말 세제 할인" in page
    assert 'data-testid="stat-delivered">18<' in page


@pytest.mark.parametrize("role", [TeamMember.Role.CS, TeamMember.Role.ANALYST])
def test_campaign_form_for_other_roles_is_denied_with_a_reason(client, aud, role):
    client.force_login(TeamMemberFactory(team=aud.team, role=role).user)
    response = client.get(_url("campaign_create", aud))
    assert response.status_code == 403
    assert "캠페인은 MD 리더와 마케터만 보낼 수 있어요." in response.content.decode()


def test_campaign_form_with_missing_fields_answers_400_with_errors_and_saves_nothing(client, aud):
    client.force_login(aud.lead)
    response = client.post(_url("campaign_create", aud), {"segment": aud.segment.pk, "control_percent": 90})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"title", "body", "control_percent"}
    assert not Campaign.objects.exists()


def test_campaign_form_with_another_teams_segment_is_a_form_error(client, aud):
    other = audience(size=1, prefix="other")
    client.force_login(aud.lead)
    response = client.post(
        _url("campaign_create", aud), {"segment": other.segment.pk, "title": "t", "body": "b", "control_percent": 10}
    )
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_audience_count_shows_the_segments_count_preview(client, aud):
    from tests.crm.factories import CustomerProfileFactory

    for user in aud.users[:3]:
        CustomerProfileFactory(run=aud.run, user=user)
    client.force_login(aud.lead)
    response = client.get(_url("campaign_audience", aud), {"segment": aud.segment.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-count="3"' in response.content.decode()
    assert client.get(_url("campaign_audience", aud), {"segment": "x"}).status_code == 200


def test_campaign_list_query_count_does_not_grow_with_campaigns(client, aud, assert_constant_queries):
    client.force_login(aud.lead)

    def add(n):
        with time_machine.travel(AFTERNOON, tick=False):
            for i in range(n):
                campaign_for(aud, title=f"캠페인 {i}", scheduled_at=datetime(2027, 1, 1, 10, 0, tzinfo=SEOUL))

    add(3)
    client.get(_url("campaign_list", aud))  # the first visit remembers the team in the session
    assert_constant_queries(lambda: client.get(_url("campaign_list", aud)), lambda: add(27))
    page = client.get(_url("campaign_list", aud), {"status": "scheduled", "sort": "title", "q": "캠페인 1"})
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="campaign-row"') == 12  # 캠페인 1 twice, 10..19


def test_campaign_results_partial_is_what_the_page_polls(client, aud, django_capture_on_commit_callbacks):
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_for(aud)
    client.force_login(aud.lead)
    response = client.get(_url("campaign_detail", aud, pk=campaign.pk), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="campaign-results"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_campaign_of_another_team_is_404(client, aud, django_capture_on_commit_callbacks):
    other = audience(size=1, prefix="else")
    with time_machine.travel(AFTERNOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_for(other)
    client.force_login(aud.lead)
    assert client.get(_url("campaign_detail", aud, pk=campaign.pk)).status_code == 404


def test_segment_page_offers_a_campaign_to_that_segment_only_to_roles_that_may_send(client, aud):
    client.force_login(aud.lead)
    page = client.get(_url("segment_detail", aud, pk=aud.segment.pk)).content.decode()
    assert f'href="{_url("campaign_create", aud)}?segment={aud.segment.pk}"' in page
    form = client.get(_url("campaign_create", aud), {"segment": aud.segment.pk}).content.decode()
    assert f'<option value="{aud.segment.pk}" selected>' in form
    client.force_login(TeamMemberFactory(team=aud.team, role=TeamMember.Role.CS).user)
    assert "campaign-to-segment" not in client.get(_url("segment_detail", aud, pk=aud.segment.pk)).content.decode()


def test_beat_starts_due_campaigns_every_minute_and_sends_consent_notices_daily(settings):
    from config.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["crm-campaigns-due"]["task"] == "crm.campaigns_due"
    assert schedule["crm-campaigns-due"]["schedule"] == 60.0
    assert schedule["crm-consent-notices"]["task"] == "crm.consent_notices"
    app.loader.import_default_modules()
    assert {"crm.campaigns_due", "crm.consent_notices", "crm.campaign_batch", "crm.campaign_launch"} <= set(app.tasks)
