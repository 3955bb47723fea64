"""The back office's front door and team pages: who gets in, who gets 404, and what a team's page shows."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from crm.models import SegmentSnapshot, TeamMember
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import SegmentationRunFactory, SegmentFactory, TeamFactory, TeamMemberFactory
from tests.shop.factories import StoreFactory

pytestmark = pytest.mark.django_db

Role = TeamMember.Role


@pytest.fixture
def teams():
    team_a = TeamFactory(name="생활 MD팀", slug="living")
    team_b = TeamFactory(name="주방 MD팀", slug="kitchen")
    lead_a = TeamMemberFactory(
        team=team_a, role=Role.MD_LEAD, user__last_name="김", user__first_name="하늘", introduction="세제 박사"
    )
    cs_a = TeamMemberFactory(team=team_a, role=Role.CS, user__last_name="박", user__first_name="서연")
    lead_b = TeamMemberFactory(team=team_b, role=Role.MD_LEAD)
    admin = StaffUserFactory(is_superuser=True, nickname="관리자님")
    return SimpleNamespace(
        team_a=team_a, team_b=team_b, lead_a=lead_a.user, cs_a=cs_a.user, lead_b=lead_b.user, admin=admin
    )


def _team_urls(slug: str) -> list[str]:
    return [
        reverse("crm:team", kwargs={"slug": slug}),
        reverse("crm:segment_list", kwargs={"slug": slug}),
        reverse("crm:segment_create", kwargs={"slug": slug}),
    ]


def test_home_for_anonymous_visitor_redirects_to_login(client):
    response = client.get(reverse("crm:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/crm/" in response["Location"]


@pytest.mark.parametrize("url_name", ["crm:home", "crm:run_list", "crm:audit_log", "crm:lifecycle_settings"])
def test_back_office_for_a_shopper_is_not_found(client, url_name):
    client.force_login(UserFactory())
    assert client.get(reverse(url_name)).status_code == 404


def test_team_page_for_a_shopper_is_not_found(client, teams):
    client.force_login(UserFactory())
    for url in _team_urls("living"):
        assert client.get(url).status_code == 404, url


def test_staff_user_in_no_team_is_not_found(client):
    client.force_login(StaffUserFactory())
    assert client.get(reverse("crm:home")).status_code == 404


def test_home_for_a_member_redirects_to_their_team(client, teams):
    client.force_login(teams.lead_a)
    response = client.get(reverse("crm:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:team", kwargs={"slug": "living"})


def test_member_of_team_a_gets_404_on_every_team_b_page(client, teams):
    segment_b = SegmentFactory(team=teams.team_b)
    client.force_login(teams.lead_a)
    urls = [
        *_team_urls("kitchen"),
        reverse("crm:segment_detail", kwargs={"slug": "kitchen", "pk": segment_b.pk}),
        reverse("crm:segment_edit", kwargs={"slug": "kitchen", "pk": segment_b.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    preview = client.post(reverse("crm:segment_preview", kwargs={"slug": "kitchen"}), {"definition": "{}"})
    assert preview.status_code == 404


def test_unknown_team_is_not_found(client, teams):
    client.force_login(teams.admin)
    assert client.get(reverse("crm:team", kwargs={"slug": "nope"})).status_code == 404


def test_admin_home_lists_every_team_with_counts(client, teams):
    StoreFactory(team=teams.team_a, name="망원 생활상점")
    SegmentFactory(team=teams.team_a)
    client.force_login(teams.admin)
    response = client.get(reverse("crm:home"))
    assert response.status_code == 200
    overview = {team.slug: team for team in response.context["overview"]}
    assert set(overview) == {"living", "kitchen"}
    assert (overview["living"].member_count, overview["living"].store_count, overview["living"].segment_count) == (
        2,
        1,
        1,
    )
    assert overview["kitchen"].member_count == 1
    assert "생활 MD팀" in response.content.decode()


def test_team_page_shows_members_with_roles_shops_and_segment_sizes(client, teams):
    StoreFactory(team=teams.team_a, name="망원 생활상점")
    StoreFactory(team=teams.team_b, name="주방 가게")
    run = SegmentationRunFactory()
    segment = SegmentFactory(team=teams.team_a, name="세제 단골")
    SegmentSnapshot.objects.create(segment=segment, run=run, size=1234)
    client.force_login(teams.cs_a)
    response = client.get(reverse("crm:team", kwargs={"slug": "living"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "김하늘" in html
    assert "MD 리더" in html
    assert "세제 박사" in html
    assert "박서연" in html
    assert "CS 상담" in html
    assert "망원 생활상점" in html
    assert "주방 가게" not in html
    assert "세제 단골" in html
    assert "1,234명" in html
    assert reverse("crm:member_avatar", kwargs={"pk": teams.lead_a.team_memberships.get().pk}) in html


def test_team_page_shows_the_users_name_and_role(client, teams):
    client.force_login(teams.cs_a)
    html = client.get(reverse("crm:team", kwargs={"slug": "living"})).content.decode()
    assert 'data-testid="crm-user-name">박서연<' in html
    assert 'data-testid="crm-user-role">CS 상담<' in html


def test_team_switcher_appears_only_for_people_in_several_teams(client, teams):
    client.force_login(teams.lead_a)
    html = client.get(reverse("crm:team", kwargs={"slug": "living"})).content.decode()
    assert 'data-testid="team-switcher"' not in html

    TeamMemberFactory(team=teams.team_b, user=teams.lead_a, role=Role.ANALYST)
    response = client.get(reverse("crm:segment_list", kwargs={"slug": "living"}))
    html = response.content.decode()
    assert 'data-testid="team-switcher"' in html
    # switching keeps the visitor on the same kind of page
    assert reverse("crm:segment_list", kwargs={"slug": "kitchen"}) in html
    assert client.get(reverse("crm:team", kwargs={"slug": "kitchen"})).status_code == 200


def test_admin_navigation_links_to_admin_pages_and_members_do_not_see_them(client, teams):
    client.force_login(teams.admin)
    html = client.get(reverse("crm:team", kwargs={"slug": "kitchen"})).content.decode()
    assert reverse("crm:audit_log") in html
    assert reverse("crm:lifecycle_settings") in html
    client.force_login(teams.lead_a)
    html = client.get(reverse("crm:team", kwargs={"slug": "living"})).content.decode()
    assert reverse("crm:audit_log") not in html
    assert reverse("crm:lifecycle_settings") not in html


def test_pages_after_a_team_page_keep_that_team_in_the_navigation(client, teams):
    client.force_login(teams.admin)
    client.get(reverse("crm:team", kwargs={"slug": "kitchen"}))
    response = client.get(reverse("crm:run_list"))
    assert response.context["nav_team"] == teams.team_b
    assert reverse("crm:segment_list", kwargs={"slug": "kitchen"}) in response.content.decode()


def test_team_page_keeps_constant_queries(client, teams, assert_constant_queries):
    """Guards the team page: members, shops and segments (with their snapshot series) each cost one query."""
    client.force_login(teams.lead_a)
    url = reverse("crm:team", kwargs={"slug": "living"})
    run = SegmentationRunFactory()
    for index in range(3):
        SegmentSnapshot.objects.create(segment=SegmentFactory(team=teams.team_a, name=f"첫 묶음 {index}"), run=run)
    client.get(url)  # the first visit remembers the team in the session (one write, not part of the comparison)

    def grow():
        for index in range(10):
            TeamMemberFactory(team=teams.team_a, role=Role.PLANNER)
            StoreFactory(team=teams.team_a)
            segment = SegmentFactory(team=teams.team_a, name=f"묶음 {index}")
            SegmentSnapshot.objects.create(segment=segment, run=run, size=index)

    assert_constant_queries(lambda: client.get(url), grow)


def test_admin_overview_keeps_constant_queries(client, teams, assert_constant_queries):
    """Guards /crm/ for admins: one query for all teams with their counts, however many teams there are."""
    client.force_login(teams.admin)
    client.get(reverse("crm:home"))

    def grow():
        for _ in range(27):
            team = TeamFactory()
            TeamMemberFactory(team=team)
            StoreFactory(team=team)

    assert_constant_queries(lambda: client.get(reverse("crm:home")), grow)
