"""Admin-only back-office pages: the lifecycle thresholds form and the audit log (filters, paging, constant queries)."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from crm.models import AuditLog, LifecycleThresholds, TeamMember
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.crm.factories import SegmentFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
THRESHOLDS = {
    "new_days": 14,
    "regular_min_orders": 3,
    "vip_min_orders": 8,
    "vip_min_spend": 700_000,
    "at_risk_days": 45,
    "dormant_days": 120,
}


@pytest.fixture
def people():
    team = TeamFactory(slug="living")
    return SimpleNamespace(
        team=team,
        lead=TeamMemberFactory(team=team, role=TeamMember.Role.MD_LEAD).user,
        admin=StaffUserFactory(is_superuser=True, nickname="운영자"),
    )


@pytest.mark.parametrize("url_name", ["crm:lifecycle_settings", "crm:audit_log"])
def test_admin_pages_are_not_found_for_team_members_and_shoppers(client, people, url_name):
    for user in (people.lead, UserFactory()):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("url_name", ["crm:lifecycle_settings", "crm:audit_log"])
def test_admin_pages_send_anonymous_visitors_to_log_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_lifecycle_settings_show_the_defaults_before_anyone_saved(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("crm:lifecycle_settings"))
    assert response.status_code == 200
    assert response.context["form"]["dormant_days"].value() == 180
    assert not LifecycleThresholds.objects.exists()  # reading writes nothing


def test_lifecycle_settings_save_new_thresholds_and_who_changed_them(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("crm:lifecycle_settings"), THRESHOLDS)
    assert response.status_code == 302
    row = LifecycleThresholds.objects.get(pk=1)
    assert {name: getattr(row, name) for name in THRESHOLDS} == THRESHOLDS
    assert row.updated_by == people.admin
    page = client.get(reverse("crm:lifecycle_settings"))
    assert "운영자님이" in page.content.decode()
    assert "저장했어요" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"dormant_days": 30}, "dormant_days", "휴면 기준은 이탈위험 기준보다 길어야 해요."),
        ({"vip_min_orders": 2}, "vip_min_orders", "충성/VIP 주문 수는 단골 주문 수보다 적을 수 없어요."),
        ({"new_days": 0}, "new_days", None),
        ({"at_risk_days": "많이"}, "at_risk_days", None),
    ],
)
def test_lifecycle_settings_with_inconsistent_values_show_errors_not_a_500(client, people, changes, field, message):
    client.force_login(people.admin)
    response = client.post(reverse("crm:lifecycle_settings"), {**THRESHOLDS, **changes})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert not LifecycleThresholds.objects.exists()


def _audit(actor, action=AuditLog.Action.CUSTOMER_VIEW, customer=None, when=None, **extra):
    row = AuditLog.objects.create(actor=actor, action=action, customer=customer, **extra)
    if when is not None:
        AuditLog.objects.filter(pk=row.pk).update(created_at=when)
    return row


def test_audit_log_lists_who_saw_which_customer(client, people):
    customer = UserFactory(nickname="살림요정")
    segment = SegmentFactory(team=people.team, name="세제 단골")
    _audit(people.lead, customer=customer, team=people.team, ip_address="10.0.0.7")
    _audit(people.lead, action=AuditLog.Action.EXPORT, team=people.team, segment=segment)
    client.force_login(people.admin)
    response = client.get(reverse("crm:audit_log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "살림요정" in html
    assert "고객 정보 보기" in html
    assert "10.0.0.7" in html
    assert "고객 목록 내려받기" in html
    assert "세제 단골" in html
    assert len(response.context["rows"]) == 2


def test_audit_log_filters_by_actor_action_customer_and_seoul_dates(client, people):
    other = TeamMemberFactory(team=people.team).user
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    day = datetime(2026, 11, 20, 0, 30, tzinfo=SEOUL)  # just after midnight in Seoul: the 19th in UTC
    hit = _audit(people.lead, customer=alice, when=day)
    _audit(other, customer=alice, when=day)
    _audit(people.lead, customer=bob, when=day)
    _audit(people.lead, action=AuditLog.Action.EXPORT, when=day)
    _audit(people.lead, customer=alice, when=day - timedelta(days=2))
    client.force_login(people.admin)
    response = client.get(
        reverse("crm:audit_log"),
        {
            "actor": people.lead.username,
            "action": AuditLog.Action.CUSTOMER_VIEW,
            "customer": "alice",
            "date_from": "2026-11-20",
            "date_to": "2026-11-20",
        },
    )
    assert [row.pk for row in response.context["rows"]] == [hit.pk]
    by_id = client.get(reverse("crm:audit_log"), {"customer": str(bob.pk)})
    assert {row.customer_id for row in by_id.context["rows"]} == {bob.pk}


def test_audit_log_with_bad_filters_shows_errors_and_all_rows(client, people):
    _audit(people.lead)
    client.force_login(people.admin)
    response = client.get(
        reverse("crm:audit_log"), {"date_from": "2026-13-45", "action": "delete_everything", "page": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["rows"]) == 1


def test_audit_log_pages_keep_the_filters(client, people):
    for _ in range(55):
        _audit(people.lead, action=AuditLog.Action.CUSTOMER_LIST)
    client.force_login(people.admin)
    response = client.get(reverse("crm:audit_log"), {"action": AuditLog.Action.CUSTOMER_LIST})
    assert len(response.context["rows"]) == 50
    assert "action=customer_list&amp;page=2" in response.content.decode()
    second = client.get(reverse("crm:audit_log"), {"action": AuditLog.Action.CUSTOMER_LIST, "page": 2})
    assert len(second.context["rows"]) == 5


def test_audit_log_keeps_constant_queries(client, people, assert_constant_queries):
    """Guards the audit log: one count and one page query with actor, customer, team and segment joined in, for 3
    or 30 rows."""
    segment = SegmentFactory(team=people.team)

    def add_rows(count: int) -> None:
        for _ in range(count):
            _audit(StaffUserFactory(), customer=UserFactory(), team=people.team, segment=segment)

    add_rows(3)
    client.force_login(people.admin)
    client.get(reverse("crm:audit_log"))
    assert_constant_queries(lambda: client.get(reverse("crm:audit_log")), lambda: add_rows(27))
