"""CSV export of a team's or a segment's customers: streamed, Excel-friendly, masked per role, audited."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from crm.models import AuditLog, Lifecycle, TeamMember
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.shop.checkout_factories import AddressFactory

pytestmark = pytest.mark.django_db

Role = TeamMember.Role
BOM = "\ufeff"


@pytest.fixture
def world():
    run = SegmentationRunFactory()
    team_a, team_b = TeamFactory(), TeamFactory()
    segment_a, segment_b = SegmentFactory(team=team_a), SegmentFactory(team=team_b)
    alice = customer_in_segment(
        segment=segment_a,
        run=run,
        user=UserFactory(nickname="살림요정", phone="010-1234-5678", email="minji@example.com"),
        monetary=300_000,
    ).user
    dormant = customer_in_segment(
        segment=segment_a,
        run=run,
        user=UserFactory(nickname="=HYPERLINK(1)", phone="010-5555-6666"),
        lifecycle=Lifecycle.DORMANT,
        monetary=1_000,
    ).user
    bob = customer_in_segment(segment=segment_b, run=run, user=UserFactory(nickname="주방장")).user
    AddressFactory(user=alice, address1="경기도 성남시 분당구 정자동 178-1", address2="101동 1001호")
    members = {role: TeamMemberFactory(team=team_a, role=role).user for role in Role.values}
    return SimpleNamespace(
        run=run,
        team_a=team_a,
        team_b=team_b,
        segment_a=segment_a,
        segment_b=segment_b,
        alice=alice,
        dormant=dormant,
        bob=bob,
        members=members,
        admin=StaffUserFactory(is_superuser=True),
    )


def export_url(team, segment=None, **params):
    if segment is None:
        url = reverse("crm:customer_export", kwargs={"slug": team.slug})
    else:
        url = reverse("crm:segment_export", kwargs={"slug": team.slug, "pk": segment.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def read_csv(response) -> tuple[str, list[list[str]]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_export_streams_utf8_csv_with_bom_and_the_teams_customers(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(export_url(world.team_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text, rows = read_csv(response)
    assert text.startswith(BOM)
    header, *lines = rows
    assert header[:3] == ["고객 번호", "닉네임", "이름"]
    assert [int(line[0]) for line in lines] == [world.alice.pk, world.dormant.pk]  # same default sort as the page


def test_export_follows_the_pages_filters_search_and_sort(client, world):
    client.force_login(world.members[Role.ANALYST])
    _, rows = read_csv(client.get(export_url(world.team_a, lifecycle="dormant")))
    assert [int(line[0]) for line in rows[1:]] == [world.dormant.pk]
    _, rows = read_csv(client.get(export_url(world.team_a, q="살림")))
    assert [int(line[0]) for line in rows[1:]] == [world.alice.pk]
    _, rows = read_csv(client.get(export_url(world.team_a, sort="spend")))
    assert [int(line[0]) for line in rows[1:]] == [world.dormant.pk, world.alice.pk]


def test_export_of_a_segment_holds_only_that_segment(client, world):
    other = SegmentFactory(team=world.team_a)
    only = customer_in_segment(segment=other, run=world.run).user
    client.force_login(world.members[Role.MARKETER])
    _, rows = read_csv(client.get(export_url(world.team_a, other)))
    assert [int(line[0]) for line in rows[1:]] == [only.pk]


def test_export_masks_contact_columns_for_a_marketer(client, world):
    client.force_login(world.members[Role.MARKETER])
    text, _ = read_csv(client.get(export_url(world.team_a)))
    assert "010-****-5678" in text
    assert "010-1234-5678" not in text
    assert "경기도 성남시 분당구 정자동 ***" in text
    assert "1001호" not in text
    assert "minji@example.com" not in text


def test_export_by_an_admin_shows_contact_data(client, world):
    client.force_login(world.admin)
    text, _ = read_csv(client.get(export_url(world.team_a)))
    assert "010-1234-5678" in text
    assert "101동 1001호" in text
    assert "minji@example.com" in text


def test_export_defuses_spreadsheet_formulas_typed_by_customers(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    _, rows = read_csv(client.get(export_url(world.team_a)))
    nicknames = [line[1] for line in rows[1:]]
    assert "'=HYPERLINK(1)" in nicknames


@pytest.mark.parametrize("role", [Role.CS, Role.PLANNER])
def test_export_is_refused_to_roles_without_the_permission(client, world, role):
    client.force_login(world.members[role])
    response = client.get(export_url(world.team_a))
    assert response.status_code == 403
    assert not isinstance(response, StreamingHttpResponse)
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()


def test_export_of_another_team_is_404_for_a_member(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(export_url(world.team_b)).status_code == 404
    assert client.get(export_url(world.team_b, world.segment_b)).status_code == 404


def test_export_of_another_teams_segment_through_my_team_is_404(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    assert client.get(export_url(world.team_a, world.segment_b)).status_code == 404


def test_export_never_holds_another_teams_customer(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    _, rows = read_csv(client.get(export_url(world.team_a)))
    assert str(world.bob.pk) not in [line[0] for line in rows[1:]]
    assert "주방장" not in [line[1] for line in rows[1:]]


def test_export_writes_one_audit_row_with_its_filters_and_row_count(client, world):
    analyst = world.members[Role.ANALYST]
    client.force_login(analyst)
    response = client.get(export_url(world.team_a, world.segment_a, lifecycle="dormant", sort="-orders"))
    read_csv(response)
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert entry.actor == analyst
    assert entry.team == world.team_a
    assert entry.segment == world.segment_a
    assert entry.detail["filters"] == {"lifecycle": "dormant"}
    assert entry.detail["sort"] == "-orders"
    assert entry.detail["row_count"] == 1


def test_export_with_bad_values_ignores_them(client, world):
    client.force_login(world.members[Role.MD_LEAD])
    response = client.get(export_url(world.team_a, sort="nope", lifecycle="nope", overdue="maybe"))
    assert response.status_code == 200
    _, rows = read_csv(response)
    assert len(rows) == 3


def test_export_reads_profiles_in_chunks(client, world, monkeypatch):
    """More rows than one chunk: every customer once, addresses looked up per chunk."""
    monkeypatch.setattr("crm.selectors.customers.EXPORT_CHUNK_SIZE", 2)
    for _ in range(3):
        customer_in_segment(segment=world.segment_a, run=world.run)
    client.force_login(world.members[Role.MD_LEAD])
    _, rows = read_csv(client.get(export_url(world.team_a)))
    ids = [line[0] for line in rows[1:]]
    assert len(ids) == 5
    assert len(set(ids)) == 5
