"""상품 Q&A: asking on the product page, private questions, answers by the shop's team, feed notice, staff list."""

import pytest
from django.urls import reverse

from community.models import ProductQuestion
from community.services.qna import question_answer, question_ask
from config.errors import DomainError
from feed.models import FeedItem
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.community.factories import ProductQuestionFactory
from tests.crm.factories import TeamMemberFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(name="순한 수분크림")


@pytest.fixture
def team_member(product):
    return TeamMemberFactory(team=product.store.team).user


def test_question_ask_stores_plain_text(product):
    question = question_ask(product=product, asker=UserFactory(), body="  <b>용량</b>이 어떻게 되나요?\x00 ")
    assert question.body == "<b>용량</b>이 어떻게 되나요?"


def test_question_ask_on_inactive_product_is_refused(product):
    product.is_active = False
    product.save()
    with pytest.raises(DomainError):
        question_ask(product=product, asker=UserFactory(), body="언제 다시 들어와요?")


def test_question_answer_by_team_member_notifies_the_asker_in_the_feed(product, team_member):
    asker = UserFactory()
    question = question_ask(product=product, asker=asker, body="민감한 피부에도 괜찮나요?")
    question_answer(question=question, user=team_member, body="네, 저자극 테스트를 마쳤어요.")
    question.refresh_from_db()
    assert question.is_answered
    assert question.answered_by == team_member
    item = FeedItem.objects.get(user=asker)
    assert item.kind == FeedItem.Kind.COMMUNITY
    assert item.title == "문의에 답변이 달렸어요"
    assert f"#question-{question.pk}" in item.link


def test_question_answer_edit_does_not_notify_twice(product, team_member):
    asker = UserFactory()
    question = question_ask(product=product, asker=asker, body="질문")
    question_answer(question=question, user=team_member, body="첫 답변")
    question_answer(question=question, user=team_member, body="고친 답변")
    question.refresh_from_db()
    assert question.answer == "고친 답변"
    assert FeedItem.objects.filter(user=asker).count() == 1


def test_question_answer_by_staff_of_another_team_is_refused(product):
    other_staff = TeamMemberFactory().user
    question = ProductQuestionFactory(product=product)
    with pytest.raises(DomainError) as excinfo:
        question_answer(question=question, user=other_staff, body="답변")
    assert excinfo.value.http_status == 403


def test_question_answer_by_shopper_is_refused(product):
    with pytest.raises(DomainError):
        question_answer(question=ProductQuestionFactory(product=product), user=UserFactory(), body="제가 답할게요")


def test_product_page_shows_qna_panel_with_public_questions(client, product):
    ProductQuestionFactory(product=product, body="공개 질문이에요")
    html = client.get(product.get_absolute_url()).content.decode()
    assert 'data-testid="qna-panel"' in html
    assert "공개 질문이에요" in html


def test_private_question_is_hidden_from_other_shoppers(client, product, team_member):
    asker = UserFactory()
    ProductQuestionFactory(product=product, asker=asker, body="비밀 질문: 제 주소로 보내 주세요", is_private=True)
    qna_url = reverse("community:qna_product", args=[product.pk])
    for viewer in (None, UserFactory()):
        if viewer:
            client.force_login(viewer)
        for url in (product.get_absolute_url(), qna_url):
            assert "비밀 질문" not in client.get(url).content.decode()
    for viewer in (asker, team_member):
        client.force_login(viewer)
        assert "비밀 질문" in client.get(qna_url).content.decode()
        assert "비밀 질문" in client.get(product.get_absolute_url()).content.decode()


def test_ask_from_product_page_with_htmx_returns_the_panel(client, product):
    client.force_login(UserFactory())
    response = client.post(
        reverse("community:qna_product", args=[product.pk]),
        {"body": "세탁기에 넣어도 되나요?", "is_private": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "세탁기에 넣어도 되나요?" in html
    assert "피드로 알려 드릴게요" in html
    assert ProductQuestion.objects.get().is_private


def test_ask_rate_limit_returns_a_message_not_a_500(client, product, settings):
    settings.COMMUNITY_RATE_LIMITS = {"comment": (1, 600)}
    client.force_login(UserFactory())
    url = reverse("community:qna_product", args=[product.pk])
    assert client.post(url, {"body": "첫 질문"}, HTTP_HX_REQUEST="true").status_code == 200
    response = client.post(url, {"body": "두 번째"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert "너무 자주 올리고 있어요" in response.content.decode()


def test_answer_from_product_page_by_team_member(client, product, team_member):
    question = ProductQuestionFactory(product=product)
    client.force_login(team_member)
    html = client.get(product.get_absolute_url()).content.decode()
    assert f'data-testid="answer-form-{question.pk}"' in html
    response = client.post(
        reverse("community:qna_answer", args=[question.pk]), {"answer": "내일 입고돼요."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.answer == "내일 입고돼요."


def test_answer_page_by_shopper_is_refused_with_a_message(client, product):
    question = ProductQuestionFactory(product=product)
    client.force_login(UserFactory())
    response = client.post(reverse("community:qna_answer", args=[question.pk]), {"answer": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    question.refresh_from_db()
    assert not question.is_answered


def test_xss_in_question_renders_inert(client, product):
    ProductQuestionFactory(product=product, body='<script>alert(1)</script><a href="javascript:alert(1)">x</a>')
    html = client.get(product.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html


def test_unanswered_page_lists_own_teams_questions_only(client, product, team_member):
    mine = ProductQuestionFactory(product=product, body="우리 가게 질문")
    ProductQuestionFactory(body="다른 가게 질문")
    ProductQuestionFactory(product=product, body="답한 질문", answer="답", answered_at="2026-01-01T00:00:00Z")
    client.force_login(team_member)
    html = client.get(reverse("community:qna_unanswered")).content.decode()
    assert f'data-testid="unanswered-{mine.pk}"' in html
    assert "다른 가게 질문" not in html
    assert "답한 질문" not in html


def test_unanswered_page_shows_everything_to_admins_and_nothing_to_shoppers(client, product):
    ProductQuestionFactory(body="다른 가게 질문")
    admin = StaffUserFactory(is_superuser=True)
    client.force_login(admin)
    assert "다른 가게 질문" in client.get(reverse("community:qna_unanswered")).content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("community:qna_unanswered")).status_code == 302


def test_qna_list_keeps_constant_queries(client, product, assert_constant_queries):
    """The full Q&A page reads questions with askers and answerers in one query."""
    ProductQuestionFactory.create_batch(3, product=product)
    client.force_login(UserFactory())
    url = reverse("community:qna_product", args=[product.pk])
    assert_constant_queries(lambda: client.get(url), lambda: ProductQuestionFactory.create_batch(15, product=product))


def test_product_page_panel_keeps_constant_queries(client, product, team_member, assert_constant_queries):
    ProductQuestionFactory.create_batch(2, product=product)
    client.force_login(team_member)
    assert_constant_queries(
        lambda: client.get(product.get_absolute_url()), lambda: ProductQuestionFactory.create_batch(10, product=product)
    )


def test_unanswered_list_keeps_constant_queries(client, product, team_member, assert_constant_queries):
    ProductQuestionFactory.create_batch(3, product=product)
    client.force_login(team_member)
    url = reverse("community:qna_unanswered")
    assert_constant_queries(lambda: client.get(url), lambda: ProductQuestionFactory.create_batch(15, product=product))
