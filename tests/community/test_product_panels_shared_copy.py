"""The product page's 상품 Q&A and 체험단 후기 panels are part of the copy that visitors without an account share: every change a
visitor would see (a question, an answer, hiding and restoring) shows on their next view."""

import pytest
from django.test import Client

from community.services.moderation import moderation_decide
from community.services.participation import trial_apply, trial_report_submit, trial_select
from community.services.qna import question_answer, question_ask
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.community.factories import TrialGroupFactory
from tests.crm.factories import TeamMemberFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(name="순한 수분크림")


def _visitor_page(product) -> str:
    response = Client().get(f"/p/{product.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_question_and_its_answer_show_to_visitors_on_their_next_view(product, django_capture_on_commit_callbacks):
    assert "아직 문의가 없어요" in _visitor_page(product)

    with django_capture_on_commit_callbacks(execute=True):
        question = question_ask(product=product, asker=UserFactory(), body="민감한 피부에도 괜찮나요?")
    page = _visitor_page(product)
    assert "민감한 피부에도 괜찮나요?" in page
    assert "답변 대기" in page

    with django_capture_on_commit_callbacks(execute=True):  # an UPDATE: no post_save
        question_answer(question=question, user=TeamMemberFactory(team=product.store.team).user, body="네, 괜찮아요.")
    page = _visitor_page(product)
    assert "네, 괜찮아요." in page
    assert "답변 완료" in page


def test_a_question_hidden_by_a_moderator_leaves_the_visitors_copy_and_comes_back_when_restored(
    product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = question_ask(product=product, asker=UserFactory(), body="이거 어디서 더 싸게 팔아요?")
    assert "어디서 더 싸게" in _visitor_page(product)

    moderator = StaffUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(moderator=moderator, target=question, action="hide")
    assert "어디서 더 싸게" not in _visitor_page(product)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(moderator=moderator, target=question, action="restore")
    assert "어디서 더 싸게" in _visitor_page(product)


def test_a_deleted_question_leaves_the_visitors_copy(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = question_ask(product=product, asker=UserFactory(), body="리필도 있나요?")
    assert "리필도 있나요?" in _visitor_page(product)

    with django_capture_on_commit_callbacks(execute=True):
        question.asker.delete()  # an account closed: its questions go by cascade

    assert "리필도 있나요?" not in _visitor_page(product)


def test_a_trial_report_shows_to_visitors_and_leaves_when_a_moderator_hides_it(django_capture_on_commit_callbacks):
    group = TrialGroupFactory(slots=1)
    application = trial_apply(group=group, user=UserFactory(), answers={"피부 타입": "건성"})
    trial_select(application=application, staff=TeamMemberFactory(team=group.product.store.team).user)
    assert "체험단 후기" not in _visitor_page(group.product)

    with django_capture_on_commit_callbacks(execute=True):
        report = trial_report_submit(
            application=application, user=application.user, ratings={"보습력": 5, "향": 4}, overall=5, body="촉촉해요"
        )
    assert "촉촉해요" in _visitor_page(group.product)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(moderator=StaffUserFactory(), target=report, action="hide")
    assert "촉촉해요" not in _visitor_page(group.product)
