"""The back-office API: a team's customers (list and 360 summary) and its segments, same access rule as the pages."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from crm.feed_messages import ESSENTIAL_DUE
from crm.models import AuditLog, Lifecycle, SegmentSnapshot, TeamMember
from feed.models import FeedItem
from feed.services import feed_item_create
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)

pytestmark = pytest.mark.django_db

Role = TeamMember.Role


@pytest.fixture
def world():
    run = SegmentationRunFactory()
    team_a, team_b = TeamFactory(), TeamFactory()
    segment_a, segment_b = SegmentFactory(team=team_a, name="단골"), SegmentFactory(team=team_b)
    alice = customer_in_segment(
        segment=segment_a, run=run, user=UserFactory(nickname="살림요정", phone="010-1234-5678"), monetary=300_000
    ).user
    bob = customer_in_segment(segment=segment_b, run=run, user=UserFactory(nickname="주방장")).user
    members = {role: TeamMemberFactory(team=team_a, role=role).user for role in (Role.MD_LEAD, Role.CS, Role.MARKETER)}
    return SimpleNamespace(
        run=run,
        team_a=team_a,
        team_b=team_b,
        segment_a=segment_a,
        segment_b=segment_b,
        alice=alice,
        bob=bob,
        members=members,
        outsider=TeamMemberFactory(team=team_b).user,
        admin=StaffUserFactory(is_superuser=True),
    )


def list_url(team):
    return reverse("api-crm-customers", kwargs={"slug": team.slug})


def detail_url(team, customer_id):
    return reverse("api-crm-customer", kwargs={"slug": team.slug, "customer_id": customer_id})


def test_customer_list_api_answers_the_teams_customers_with_a_masked_phone_for_a_marketer(client, world):
    client.force_login(world.members[Role.MARKETER])
    response = client.get(list_url(world.team_a))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [row["id"] for row in data["results"]] == [world.alice.pk]
    assert data["results"][0]["phone"] == "010-****-5678"
    assert data["results"][0]["lifecycle_label"] == "단골"


def test_customer_list_api_shows_cs_the_full_phone(client, world):
    client.force_login(world.members[Role.CS])
    assert client.get(list_url(world.team_a)).json()["results"][0]["phone"] == "010-1234-5678"


def test_customer_list_api_takes_a_token(client, world):
    token = Token.objects.create(user=world.members[Role.MD_LEAD])
    response = client.get(list_url(world.team_a), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_customer_list_api_without_credentials_is_401_json(client, world):
    response = client.get(list_url(world.team_a))
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("who", ["shopper", "outsider"])
def test_customer_list_api_of_a_team_without_a_seat_is_404(client, world, who):
    client.force_login(world.alice if who == "shopper" else world.outsider)
    response = client.get(list_url(world.team_a))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_customer_list_api_of_an_unknown_team_is_404(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("api-crm-customers", kwargs={"slug": "no-such-team"})).status_code == 404


def test_customer_list_api_filters_searches_and_sorts(client, world):
    dormant = customer_in_segment(segment=world.segment_a, run=world.run, lifecycle=Lifecycle.DORMANT, monetary=1).user
    client.force_login(world.members[Role.MD_LEAD])

    def ids(**params):
        return [row["id"] for row in client.get(list_url(world.team_a), params).json()["results"]]

    assert ids(lifecycle="dormant") == [dormant.pk]
    assert ids(q="살림") == [world.alice.pk]
    assert ids(sort="spend") == [dormant.pk, world.alice.pk]
    assert ids(sort="-spend") == [world.alice.pk, dormant.pk]
    assert ids(segment=world.segment_a.pk) == [world.alice.pk, dormant.pk]


@pytest.mark.parametrize(
    "params",
    [{"sort": "user__password"}, {"lifecycle": "boss"}, {"consent": "maybe"}, {"page": "abc"}, {"q": "x" * 51}],
)
def test_customer_list_api_with_bad_values_is_400_json(client, world, params):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(list_url(world.team_a), params)
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_customer_list_api_page_past_the_end_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(list_url(world.team_a), {"page": 9}).status_code == 404


def test_customer_list_api_of_another_teams_segment_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(list_url(world.team_a), {"segment": world.segment_b.pk}).status_code == 404


def test_customer_list_api_writes_an_audit_row(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    client.get(list_url(world.team_a), {"q": "살림", "lifecycle": "regular"})
    entry = AuditLog.objects.get(action=AuditLog.Action.API_CUSTOMER_LIST)
    assert entry.actor == world.members[Role.MD_LEAD]
    assert entry.detail["q"] == "살림"
    assert entry.detail["filters"] == {"lifecycle": "regular"}
    assert entry.detail["row_count"] == 1


def test_customer_list_api_keeps_constant_queries(client, world, assert_constant_queries):
    """Guards the list API: the page of profiles with users joined and one count, whatever the page size."""
    client.force_login(world.members[Role.MD_LEAD])
    for _ in range(2):
        customer_in_segment(segment=world.segment_a, run=world.run)

    def render():
        assert client.get(list_url(world.team_a)).status_code == 200

    def grow():
        for _ in range(27):
            customer_in_segment(segment=world.segment_a, run=world.run)

    assert_constant_queries(render, grow)


def test_customer_detail_api_answers_the_360_summary(client, world):
    client.force_login(world.members[Role.MARKETER])
    response = client.get(detail_url(world.team_a, world.alice.pk))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == world.alice.pk
    assert data["nickname"] == "살림요정"
    assert data["contact"] == {"phone": "010-****-5678", "email": "sh***@example.com", "address": "", "masked": True}
    assert data["profile"]["rfm_label"] == "충성 고객"
    assert data["segments"] == [{"id": world.segment_a.pk, "name": "단골"}]


def test_customer_detail_api_gives_a_reminder_made_in_korean_in_the_readers_language(client, world):
    with translation.override("ko"):
        feed_item_create(
            kind=FeedItem.Kind.MD_MESSAGE,
            user=world.alice,
            message_code=ESSENTIAL_DUE,
            message_params={"category": "쌀", "date": "2026.11.01"},
        )
    client.force_login(world.members[Role.CS])

    def title(language):
        response = client.get(detail_url(world.team_a, world.alice.pk), HTTP_ACCEPT_LANGUAGE=language)
        return response.json()["feed_items"][0]["title"]

    assert title("en") == "Running low on 쌀?"
    assert title("ko") == "쌀 떨어질 때 됐죠?"


def test_customer_detail_api_shows_cs_the_full_phone(client, world):
    client.force_login(world.members[Role.CS])
    contact = client.get(detail_url(world.team_a, world.alice.pk)).json()["contact"]
    assert contact["phone"] == "010-1234-5678"
    assert contact["masked"] is False


def test_customer_detail_api_of_another_teams_customer_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(detail_url(world.team_a, world.bob.pk)).status_code == 404
    assert client.get(detail_url(world.team_b, world.bob.pk)).status_code == 404
    assert not AuditLog.objects.filter(action=AuditLog.Action.API_CUSTOMER_VIEW).exists()


def test_customer_detail_api_adds_an_audit_row_per_view(client, world):
    client.force_login(world.members[Role.CS])
    client.get(detail_url(world.team_a, world.alice.pk))
    client.get(detail_url(world.team_a, world.alice.pk))
    entries = AuditLog.objects.filter(action=AuditLog.Action.API_CUSTOMER_VIEW, customer=world.alice)
    assert entries.count() == 2


def test_segment_list_api_answers_the_teams_segments_with_their_figures(client, world):
    SegmentSnapshot.objects.create(
        segment=world.segment_a, run=world.run, size=1, revenue=300_000, orders=3, average_order_value=100_000
    )
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(reverse("api-crm-segments", kwargs={"slug": world.team_a.slug}))
    assert response.status_code == 200
    [segment] = response.json()
    assert segment["id"] == world.segment_a.pk
    assert (segment["size"], segment["revenue"], segment["average_order_value"]) == (1, 300_000, 100_000)


def test_segment_list_api_of_another_team_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(reverse("api-crm-segments", kwargs={"slug": world.team_b.slug})).status_code == 404


def test_openapi_schema_describes_the_crm_api_without_warnings(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    responses = paths["/api/crm/teams/{slug}/customers/"]["get"]["responses"]
    assert {"200", "400", "401", "404"} <= set(responses)
    assert {"200", "401", "404"} <= set(paths["/api/crm/teams/{slug}/customers/{customer_id}/"]["get"]["responses"])
    assert "/api/crm/teams/{slug}/segments/" in paths
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
