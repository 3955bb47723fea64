"""Segment pages: the list with figures, the no-code editor (who may use it, how bad input is answered), the live
count preview and a segment's own page."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from config.errors import DomainError
from crm.models import Segment, SegmentSnapshot, TeamMember
from crm.services.segments import SEGMENT_NAME_TAKEN, segment_create, segment_update
from tests.accounts.factories import StaffUserFactory
from tests.crm.factories import (
    CustomerProfileFactory,
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

Role = TeamMember.Role
FREQUENT = {"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": 3}]}


@pytest.fixture
def team():
    team = TeamFactory(name="생활 MD팀", slug="living")
    seats = {role: TeamMemberFactory(team=team, role=role).user for role in Role.values}
    return SimpleNamespace(team=team, seats=seats, admin=StaffUserFactory(is_superuser=True))


def _post_segment(client, *, slug="living", name="자주 사는 분", definition=FREQUENT, **extra):
    payload = {"name": name, "description": "세 번 넘게 산 고객", "is_active": "on", **extra}
    payload["definition"] = definition if isinstance(definition, str) else json.dumps(definition)
    return client.post(reverse("crm:segment_create", kwargs={"slug": slug}), payload)


@pytest.mark.parametrize("role", [Role.MD_LEAD, Role.MARKETER])
def test_segment_create_by_md_lead_or_marketer_saves_and_opens_the_segment(client, team, role):
    user = team.seats[role]
    client.force_login(user)
    assert client.get(reverse("crm:segment_create", kwargs={"slug": "living"})).status_code == 200
    response = _post_segment(client)
    segment = Segment.objects.get(team=team.team, name="자주 사는 분")
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:segment_detail", kwargs={"slug": "living", "pk": segment.pk})
    assert segment.definition == FREQUENT
    assert segment.created_by == user
    assert segment.description == "세 번 넘게 산 고객"


@pytest.mark.parametrize("role", [Role.CS, Role.ANALYST, Role.PLANNER])
def test_segment_editor_for_other_roles_is_denied_with_a_reason(client, team, role):
    segment = SegmentFactory(team=team.team, definition=FREQUENT)
    client.force_login(team.seats[role])
    for url in (
        reverse("crm:segment_create", kwargs={"slug": "living"}),
        reverse("crm:segment_edit", kwargs={"slug": "living", "pk": segment.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "MD 리더와 마케터만" in response.content.decode()
    assert _post_segment(client).status_code == 403
    preview = client.post(reverse("crm:segment_preview", kwargs={"slug": "living"}), {"definition": "{}"})
    assert preview.status_code == 403
    assert not Segment.objects.filter(name="자주 사는 분").exists()


def test_segment_list_hides_the_new_button_from_roles_that_cannot_create(client, team):
    client.force_login(team.seats[Role.CS])
    html = client.get(reverse("crm:segment_list", kwargs={"slug": "living"})).content.decode()
    assert reverse("crm:segment_create", kwargs={"slug": "living"}) not in html
    client.force_login(team.seats[Role.MARKETER])
    html = client.get(reverse("crm:segment_list", kwargs={"slug": "living"})).content.decode()
    assert reverse("crm:segment_create", kwargs={"slug": "living"}) in html


def test_admin_outside_the_team_may_create_segments(client, team):
    client.force_login(team.admin)
    assert _post_segment(client).status_code == 302
    assert Segment.objects.filter(team=team.team).count() == 1


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ("{not json", "조건을 읽을 수 없어요"),
        ("[1, 2]", "조건 형식이 올바르지 않아요"),
        ({"match": "all", "conditions": []}, "조건을 하나 이상 넣어 주세요."),
        ({"match": "all", "conditions": [{"field": "shoe_size", "op": "gte", "value": 3}]}, "알 수 없는 항목"),
        ({"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": "많이"}]}, "숫자를 넣어 주세요"),
        ({"match": "maybe", "conditions": [{"field": "frequency", "op": "gte", "value": 1}]}, "하나라도 만족"),
    ],
)
def test_segment_create_with_bad_conditions_shows_a_form_error_not_a_500(client, team, definition, message):
    client.force_login(team.seats[Role.MD_LEAD])
    response = _post_segment(client, definition=definition)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "definition" in response.context["form"].errors
    assert not Segment.objects.exists()


def test_segment_create_with_a_name_the_team_already_uses_shows_it_on_the_name(client, team):
    SegmentFactory(team=team.team, name="자주 사는 분", definition=FREQUENT)
    client.force_login(team.seats[Role.MD_LEAD])
    response = _post_segment(client)
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "이 팀에 같은 이름의 세그먼트가 이미 있어요. 다른 이름을 지어 주세요."
    ]


def test_segment_create_with_an_empty_name_is_a_form_error(client, team):
    client.force_login(team.seats[Role.MD_LEAD])
    response = _post_segment(client, name="  ")
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_segment_edit_changes_conditions_and_pauses_the_segment(client, team):
    segment = SegmentFactory(team=team.team, name="세제 단골", definition=FREQUENT)
    client.force_login(team.seats[Role.MARKETER])
    url = reverse("crm:segment_edit", kwargs={"slug": "living", "pk": segment.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert json.loads(page.context["form"].initial["definition"]) == FREQUENT
    new_definition = {"match": "any", "conditions": [{"field": "r_score", "op": "gte", "value": 4}]}
    response = client.post(url, {"name": "세제 단골", "description": "", "definition": json.dumps(new_definition)})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.definition == new_definition
    assert segment.is_active is False


def test_segment_preview_counts_customers_of_the_current_run(client, team):
    run = SegmentationRunFactory()
    for frequency in (1, 3, 5, 8):
        CustomerProfileFactory(run=run, frequency=frequency)
    CustomerProfileFactory(run=SegmentationRunFactory(finished_at=timezone.now() - timedelta(days=3)), frequency=9)
    client.force_login(team.seats[Role.MD_LEAD])
    response = client.post(
        reverse("crm:segment_preview", kwargs={"slug": "living"}),
        {"definition": json.dumps(FREQUENT)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.context_data["preview_count"] == 3
    html = response.content.decode()
    assert "예상 고객 <strong>3</strong>명" in html
    assert "<html" not in html  # only the partial


def test_segment_preview_with_bad_conditions_shows_the_reason_in_place_of_the_count(client, team):
    client.force_login(team.seats[Role.MD_LEAD])
    bad = {"match": "all", "conditions": [{"field": "frequency", "op": "gte", "value": -2}]}
    response = client.post(reverse("crm:segment_preview", kwargs={"slug": "living"}), {"definition": json.dumps(bad)})
    assert response.status_code == 200
    assert response.context_data["preview_count"] is None
    assert "0 이상이어야 해요" in response.content.decode()
    garbage = client.post(reverse("crm:segment_preview", kwargs={"slug": "living"}), {"definition": "}{"})
    assert garbage.status_code == 200
    assert "조건을 읽을 수 없어요" in garbage.content.decode()


def test_segment_preview_only_answers_post(client, team):
    client.force_login(team.seats[Role.MD_LEAD])
    assert client.get(reverse("crm:segment_preview", kwargs={"slug": "living"})).status_code == 405


def _snapshot(segment, run, **figures):
    return SegmentSnapshot.objects.create(segment=segment, run=run, computed_at=run.finished_at, **figures)


def test_segment_list_shows_the_latest_figures_and_sorts_by_size(client, team):
    older = SegmentationRunFactory(finished_at=timezone.now() - timedelta(days=1))
    newer = SegmentationRunFactory()
    failed = SegmentationRunFactory(status="failed", finished_at=timezone.now() + timedelta(minutes=1))
    small = SegmentFactory(team=team.team, name="가나다 작은 묶음", definition=FREQUENT)
    big = SegmentFactory(team=team.team, name="하하 큰 묶음", definition=FREQUENT)
    _snapshot(small, older, size=50)
    _snapshot(small, newer, size=40, revenue=1_234_000, average_order_value=30_850, repeat_rate=0.425)
    _snapshot(small, failed, size=999)  # a failed run's figures never show
    _snapshot(big, newer, size=1_500, essentials_share=0.31)
    SegmentFactory(team=TeamFactory(), name="남의 팀 묶음")
    client.force_login(team.seats[Role.ANALYST])

    response = client.get(reverse("crm:segment_list", kwargs={"slug": "living"}), {"sort": "-size"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.segment.name for row in rows] == ["하하 큰 묶음", "가나다 작은 묶음"]
    assert rows[1].size == 40
    assert rows[1].sizes == (50, 40)
    assert rows[1].size_change == -10
    html = response.content.decode()
    assert "1,234,000원" in html
    assert "30,850원" in html
    assert "43%" in html
    assert "31%" in html
    assert "1,500명" in html
    assert "999" not in html
    assert "남의 팀 묶음" not in html
    assert 'aria-sort="descending"' in html

    by_name = client.get(reverse("crm:segment_list", kwargs={"slug": "living"}), {"sort": "name"})
    assert [row.segment.name for row in by_name.context["rows"]] == ["가나다 작은 묶음", "하하 큰 묶음"]


def test_segment_list_search_filters_by_name(client, team):
    SegmentFactory(team=team.team, name="세제 단골", definition=FREQUENT)
    SegmentFactory(team=team.team, name="기저귀 가구", definition=FREQUENT)
    client.force_login(team.seats[Role.CS])
    response = client.get(reverse("crm:segment_list", kwargs={"slug": "living"}), {"q": "세제"})
    assert [row.segment.name for row in response.context["rows"]] == ["세제 단골"]


def test_segment_list_with_an_unknown_sort_falls_back_to_names(client, team):
    SegmentFactory(team=team.team, name="나", definition=FREQUENT)
    SegmentFactory(team=team.team, name="가", definition=FREQUENT)
    client.force_login(team.seats[Role.CS])
    response = client.get(reverse("crm:segment_list", kwargs={"slug": "living"}), {"sort": "-__class__"})
    assert response.status_code == 200
    assert [row.segment.name for row in response.context["rows"]] == ["가", "나"]


def test_segment_list_keeps_constant_queries(client, team, assert_constant_queries):
    """Guards the segment list: segments and their ranked snapshot series are two queries for 3 or 30 segments."""
    runs = [SegmentationRunFactory(finished_at=timezone.now() - timedelta(days=day)) for day in range(3)]
    client.force_login(team.seats[Role.MD_LEAD])
    url = reverse("crm:segment_list", kwargs={"slug": "living"})

    def add_segments(count: int, start: int) -> None:
        for index in range(start, start + count):
            segment = SegmentFactory(team=team.team, name=f"묶음 {index:02d}", definition=FREQUENT)
            for run in runs:
                _snapshot(segment, run, size=index * 10, revenue=index * 1000)

    add_segments(3, 0)
    client.get(url)
    assert_constant_queries(lambda: client.get(url), lambda: add_segments(27, 3))
    assert len(client.get(url).context["rows"]) == 30


def test_segment_detail_shows_figures_definition_in_words_and_history(client, team):
    runs = [SegmentationRunFactory(finished_at=timezone.now() - timedelta(days=day)) for day in (2, 1, 0)]
    definition = {
        "match": "all",
        "conditions": [
            {"field": "frequency", "op": "gte", "value": 3},
            {"match": "any", "conditions": [{"field": "lifecycle", "op": "in", "value": ["regular", "vip"]}]},
        ],
    }
    segment = SegmentFactory(team=team.team, name="단골 가구", definition=definition)
    for run, size in zip(runs, (10, 30, 20), strict=True):
        _snapshot(segment, run, size=size, revenue=size * 10_000, repeat_rate=0.5)
    client.force_login(team.seats[Role.CS])
    response = client.get(reverse("crm:segment_detail", kwargs={"slug": "living", "pk": segment.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "20명" in html
    assert "200,000원" in html
    assert "50%" in html
    assert "주문 수: 3번 이상" in html
    assert "고객 단계: 단골, 충성/VIP" in html
    assert "하나라도 만족해요 (OR)" in html
    assert [s.size for s in response.context["history"].snapshots] == [10, 30, 20]
    assert 'data-testid="segment-history"' in html
    assert reverse("crm:segment_customers", kwargs={"slug": "living", "pk": segment.pk}) in html  # H5's panel
    assert reverse("crm:segment_edit", kwargs={"slug": "living", "pk": segment.pk}) not in html  # CS cannot edit


def test_segment_detail_before_any_run_says_it_is_waiting(client, team):
    segment = SegmentFactory(team=team.team, definition=FREQUENT)
    client.force_login(team.seats[Role.MD_LEAD])
    response = client.get(reverse("crm:segment_detail", kwargs={"slug": "living", "pk": segment.pk}))
    assert response.status_code == 200
    assert 'data-testid="segment-waiting"' in response.content.decode()


def test_segment_create_service_rejects_a_taken_name_and_bad_conditions(team):
    segment_create(team=team.team, name="단골", definition=FREQUENT, created_by=None)
    with pytest.raises(DomainError) as taken:
        segment_create(team=team.team, name=" 단골 ", definition=FREQUENT, created_by=None)
    assert taken.value.message == SEGMENT_NAME_TAKEN
    with pytest.raises(DomainError):
        segment_create(team=team.team, name="새 묶음", definition={"match": "all"}, created_by=None)
    # another team may use the same name
    assert segment_create(team=TeamFactory(), name="단골", definition=FREQUENT, created_by=None).pk


def test_segment_update_service_writes_only_changes_and_keeps_names_unique(team):
    first = segment_create(team=team.team, name="하나", definition=FREQUENT, created_by=None)
    second = segment_create(team=team.team, name="둘", definition=FREQUENT, created_by=None)
    with pytest.raises(DomainError):
        segment_update(segment=second, name="하나")
    updated = segment_update(segment=first, description="설명을 붙였어요")
    assert Segment.objects.get(pk=first.pk).description == "설명을 붙였어요"
    assert updated.updated_at >= updated.created_at
