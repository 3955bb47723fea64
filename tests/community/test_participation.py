"""공지·이벤트 and 체험단: applying, selecting within the slots (also under concurrency), reports on the product page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Notice, TrialApplication, TrialGroup, TrialReport
from community.services.participation import (
    trial_apply,
    trial_decline,
    trial_group_create,
    trial_report_submit,
    trial_select,
)
from config.errors import DomainError
from feed.models import FeedItem
from tests.accounts.factories import UserFactory
from tests.community.factories import NoticeFactory, TrialGroupFactory, jpeg_bytes
from tests.concurrency.runner import run_concurrently
from tests.conftest_helpers import returning_visitor
from tests.crm.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return TrialGroupFactory(slots=2)


@pytest.fixture
def staff(group):
    return TeamMemberFactory(team=group.product.store.team).user


def _apply(group, n):
    return [trial_apply(group=group, user=UserFactory(), answers={"피부 타입": "건성"}) for _ in range(n)]


def test_trial_group_create_by_team_member(staff, group):
    now = timezone.now()
    created = trial_group_create(
        product=group.product,
        staff=staff,
        title="2기 체험단",
        description="써 보고 알려 주세요",
        slots=5,
        apply_starts_at=now,
        apply_ends_at=now + timedelta(days=7),
        report_due_at=now + timedelta(days=21),
        questions="피부 타입\n주로 쓰는 크림\n",
        aspects=["보습력", "향"],
    )
    assert created.questions == ["피부 타입", "주로 쓰는 크림"]


def test_trial_group_create_by_another_team_is_refused(group):
    now = timezone.now()
    with pytest.raises(DomainError):
        trial_group_create(
            product=group.product,
            staff=TeamMemberFactory().user,
            title="x",
            description="",
            slots=1,
            apply_starts_at=now,
            apply_ends_at=now + timedelta(days=1),
            report_due_at=now + timedelta(days=2),
        )


def test_trial_apply_needs_every_answer_and_only_once(group):
    user = UserFactory()
    with pytest.raises(DomainError) as excinfo:
        trial_apply(group=group, user=user, answers={"피부 타입": " "})
    assert "'피부 타입'에 답해 주세요" in excinfo.value.message
    trial_apply(group=group, user=user, answers={"피부 타입": "지성"})
    with pytest.raises(DomainError) as excinfo:
        trial_apply(group=group, user=user, answers={"피부 타입": "지성"})
    assert excinfo.value.code == "already_applied"


def test_trial_apply_after_closing_is_refused(group):
    with pytest.raises(DomainError):
        trial_apply(group=group, user=UserFactory(), answers={"피부 타입": "건성"}, now=group.apply_ends_at)


def test_trial_select_never_exceeds_slots(group, staff):
    applications = _apply(group, 3)
    trial_select(application=applications[0], staff=staff)
    trial_select(application=applications[1], staff=staff)
    with pytest.raises(DomainError) as excinfo:
        trial_select(application=applications[2], staff=staff)
    assert excinfo.value.http_status == 409
    group.refresh_from_db()
    assert group.selected_count == 2
    assert TrialApplication.objects.filter(status="selected").count() == 2


def test_trial_select_notifies_and_decline_frees_the_slot(group, staff):
    first, second, third = _apply(group, 3)
    trial_select(application=first, staff=staff)
    trial_select(application=second, staff=staff)
    assert FeedItem.objects.get(user=first.user).title == "체험단에 선정됐어요"
    trial_decline(application=second, staff=staff)
    trial_select(application=third, staff=staff)
    group.refresh_from_db()
    assert group.selected_count == 2
    assert FeedItem.objects.filter(user=second.user, title="체험단 결과를 알려 드려요").exists()


def test_trial_select_by_shopper_is_refused(group):
    (application,) = _apply(group, 1)
    with pytest.raises(DomainError):
        trial_select(application=application, staff=UserFactory(is_staff=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_trial_select_concurrently_never_exceeds_slots():
    group = TrialGroupFactory(slots=2)
    staff = TeamMemberFactory(team=group.product.store.team).user
    applications = _apply(group, 6)

    results, errors = run_concurrently(
        len(applications),
        lambda i: trial_select(application=applications[i], staff=staff),
        exceptions_as_results=(DomainError,),
    )

    group.refresh_from_db()
    assert errors == []
    assert sum(1 for outcome in results if not isinstance(outcome, DomainError)) == 2
    assert group.selected_count == 2
    assert TrialApplication.objects.filter(group=group, status="selected").count() == 2


def test_trial_report_by_selected_tester_shows_on_product_page(client, group, staff):
    (application,) = _apply(group, 1)
    trial_select(application=application, staff=staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    report = trial_report_submit(
        application=application,
        user=application.user,
        ratings={"보습력": 5, "향": "4"},
        overall=5,
        body="촉촉함이 오래가요",
        photos=[photo],
    )
    assert report.ratings == {"보습력": 5, "향": 4}
    assert report.photo_links.count() == 1
    html = client.get(group.product.get_absolute_url()).content.decode()
    assert 'data-testid="trial-reports-panel"' in html
    assert "체험단 후기" in html
    assert "촉촉함이 오래가요" in html


def test_trial_report_by_unselected_applicant_is_refused(group):
    (application,) = _apply(group, 1)
    with pytest.raises(DomainError):
        trial_report_submit(application=application, user=application.user, ratings={}, overall=5, body="x")


def test_trial_report_missing_aspect_rating_is_refused(group, staff):
    (application,) = _apply(group, 1)
    trial_select(application=application, staff=staff)
    with pytest.raises(DomainError) as excinfo:
        trial_report_submit(
            application=application, user=application.user, ratings={"보습력": 5}, overall=5, body="좋아요"
        )
    assert "'향' 별점" in excinfo.value.message
    assert not TrialReport.objects.exists()


def test_trial_report_with_a_non_image_is_refused_with_a_message(client, group, staff):
    (application,) = _apply(group, 1)
    trial_select(application=application, staff=staff)
    client.force_login(application.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("community:trial_report", args=[group.pk]),
        {
            "a0": "5",
            "a1": "4",
            "overall": "5",
            "body": "좋아요",
            "photos": SimpleUploadedFile("x.jpg", b"not an image"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400, html[html.find("form-errors") : html.find("form-errors") + 400]
    assert "사진 파일만" in html
    assert not TrialReport.objects.exists()


def test_trial_pages_apply_and_manage(client, group, staff):
    shopper = UserFactory()
    client.force_login(shopper)
    assert client.get(reverse("community:trials")).status_code == 200
    response = client.post(group.get_absolute_url(), {"q0": "복합성", "motivation": "써 보고 싶어요"})
    assert response.status_code == 302
    application = TrialApplication.objects.get(user=shopper)
    assert client.get(reverse("community:trial_manage", args=[group.pk])).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("community:trial_manage", args=[group.pk])).content.decode()
    assert "복합성" in page
    client.post(reverse("community:trial_decide", args=[application.pk, "select"]))
    application.refresh_from_db()
    assert application.status == TrialApplication.Status.SELECTED
    client.force_login(shopper)
    assert client.get(reverse("community:trial_report", args=[group.pk])).status_code == 200


def test_trial_manage_keeps_constant_queries(client, group, staff, assert_constant_queries):
    _apply(group, 2)
    client.force_login(staff)
    url = reverse("community:trial_manage", args=[group.pk])
    assert_constant_queries(lambda: client.get(url), lambda: _apply(group, 10))


def test_notices_list_and_detail(client):
    pinned = NoticeFactory(title="고정 공지", is_pinned=True)
    NoticeFactory(
        title="봄맞이 나눔 장터", kind="event", starts_at=timezone.now(), ends_at=timezone.now() + timedelta(days=3)
    )
    NoticeFactory(title="비공개 공지", is_published=False)
    html = client.get(reverse("community:notices")).content.decode()
    assert html.index("고정 공지") < html.index("봄맞이 나눔 장터")
    assert "비공개 공지" not in html
    assert client.get(pinned.get_absolute_url()).status_code == 200


def test_notice_list_keeps_constant_queries(client, assert_constant_queries):
    returning_visitor(client)
    NoticeFactory.create_batch(3)
    url = reverse("community:notices")
    assert_constant_queries(lambda: client.get(url), lambda: NoticeFactory.create_batch(15))


def test_trial_groups_list_keeps_constant_queries(client, assert_constant_queries):
    returning_visitor(client)
    TrialGroupFactory.create_batch(2)
    url = reverse("community:trials")
    assert_constant_queries(lambda: client.get(url), lambda: TrialGroupFactory.create_batch(8))


def test_trial_group_slots_check_constraint_backs_the_rule(group):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TrialGroup.objects.filter(pk=group.pk).update(selected_count=group.slots + 1)


def test_admin_pages_for_notices_trials_and_moderation_render(client):
    from tests.accounts.factories import StaffUserFactory

    admin_user = StaffUserFactory(is_superuser=True)
    client.force_login(admin_user)
    NoticeFactory()
    TrialGroupFactory()
    for name in ("notice", "trialgroup", "boardpost", "localstore", "productquestion", "report", "communityban"):
        assert client.get(reverse(f"admin:community_{name}_changelist")).status_code == 200, name
    response = client.post(
        reverse("admin:community_notice_add"),
        {"kind": "notice", "title": "새 공지", "body": "안내해요", "is_published": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Notice.objects.get(title="새 공지").author == admin_user
