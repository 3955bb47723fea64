"""Surveys: a team asks one of its segments through the feed; each customer answers once, in the feed; the results
count every answer; the essentials survey's answers show on the household view."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from config.errors import DomainError
from crm.models import HouseholdEssential, Survey, SurveyInvitation, SurveyQuestion, SurveyResponse, TeamMember
from crm.selectors.access import seat_for
from crm.selectors.surveys import survey_questions, survey_results
from crm.services.surveys import (
    QuestionSpec,
    survey_answer,
    survey_create,
    survey_deliver_batch,
    survey_essentials_template,
    survey_send,
)
from feed.models import FeedItem
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.crm.factories import (
    SegmentationRunFactory,
    SegmentFactory,
    TeamFactory,
    TeamMemberFactory,
    customer_in_segment,
)
from tests.shop.factories import CategoryFactory

pytestmark = pytest.mark.django_db

Role = TeamMember.Role
WHERE = ["쿠팡", "이마트", "동네 마트", "편의점", "기타"]
WHY = ["가격", "배송", "습관", "구색", "기타"]


@pytest.fixture
def world():
    """Team A's segment: three households that never bought 생수 here, and one that does (not asked)."""
    run = SegmentationRunFactory()
    team, other_team = TeamFactory(slug="living"), TeamFactory(slug="kitchen")
    segment = SegmentFactory(team=team, name="생수 안 사는 단골")
    water = CategoryFactory(name="생수", replenishment_days=14)
    homes = [HouseholdFactory(name=f"{n}번 집") for n in range(4)]
    customers = [
        customer_in_segment(
            segment=segment, run=run, user=UserFactory(nickname=f"고객{n}", household=home), household_id=home.pk
        ).user
        for n, home in enumerate(homes)
    ]
    day = date(2026, 10, 1)
    HouseholdEssential.objects.create(
        run=run, household_id=homes[3].pk, category=water, first_bought_on=day, last_bought_on=day
    )
    lead = TeamMemberFactory(team=team, role=Role.MD_LEAD).user
    planner = TeamMemberFactory(team=team, role=Role.PLANNER).user
    outsider = TeamMemberFactory(team=other_team, role=Role.MD_LEAD).user
    return SimpleNamespace(
        run=run,
        team=team,
        segment=segment,
        water=water,
        customers=customers,
        buyer=customers[3],
        asked=customers[:3],
        lead=lead,
        planner=planner,
        outsider=outsider,
        seat=seat_for(user=lead, team=team),
    )


def _essentials_survey(world, capture) -> Survey:
    title, intro, questions = survey_essentials_template(category_name="생수")
    survey = survey_create(
        seat=world.seat,
        segment_id=world.segment.pk,
        title=title,
        intro=intro,
        questions=questions,
        essential_category_id=world.water.pk,
    )
    with capture(execute=True):
        survey_send(seat=world.seat, survey=survey, now=timezone.now())
    return survey


def _answer(survey, customer, where, why, text=""):
    where_q, why_q, text_q = survey_questions(survey_id=survey.pk)
    values = {where_q.pk: [str(WHERE.index(where))], why_q.pk: [str(WHY.index(why))], text_q.pk: [text]}
    return survey_answer(survey_id=survey.pk, customer=customer, values=values, now=timezone.now())


def test_essentials_survey_goes_only_to_households_that_never_buy_the_category_here(
    world, django_capture_on_commit_callbacks
):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)

    asked = set(SurveyInvitation.objects.filter(survey=survey).values_list("customer_id", flat=True))
    assert asked == {c.pk for c in world.asked}
    items = FeedItem.objects.filter(user__in=world.asked, kind=FeedItem.Kind.MD_MESSAGE)
    assert items.count() == 3
    assert set(items.values_list("link", flat=True)) == {reverse("surveys:answer", kwargs={"pk": survey.pk})}
    assert not FeedItem.objects.filter(user=world.buyer).exists()


def test_survey_delivery_retried_sends_nobody_twice(world, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)

    assert survey_deliver_batch(survey_id=survey.pk, now=timezone.now()) == 0
    assert FeedItem.objects.filter(user__in=world.asked).count() == 3


def test_survey_without_an_intro_keeps_the_teams_title_and_invites_in_the_readers_language(
    world, django_capture_on_commit_callbacks
):
    survey = survey_create(
        seat=world.seat,
        segment_id=world.segment.pk,
        title="배송 만족도",
        intro="",
        questions=[QuestionSpec(kind=SurveyQuestion.Kind.SCALE, prompt="배송에 얼마나 만족하세요?")],
    )
    with translation.override("ko"), django_capture_on_commit_callbacks(execute=True):
        survey_send(seat=world.seat, survey=survey, now=timezone.now())

    item = FeedItem.objects.filter(user=world.asked[0]).get()
    with translation.override("en"):
        assert (item.title_text, item.body_text) == ("배송 만족도", "A quick answer helps us look after you better.")
    with translation.override("ko"):
        assert (item.title_text, item.body_text) == ("배송 만족도", "잠깐 답해 주시면 더 잘 챙길게요.")


def test_survey_sent_twice_is_refused(world, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)

    with pytest.raises(DomainError) as refused:
        survey_send(seat=world.seat, survey=survey, now=timezone.now())
    assert refused.value.http_status == 409


def test_survey_answered_by_three_customers_counts_each_answer(world, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    _answer(survey, world.asked[0], "쿠팡", "가격")
    _answer(survey, world.asked[1], "쿠팡", "배송", "새벽 배송이 되면 좋겠어요")
    _answer(survey, world.asked[2], "이마트", "가격")

    results = survey_results(survey=survey)

    where, why, text = results.questions
    assert {o.label: o.count for o in where.options} == {"쿠팡": 2, "이마트": 1, "동네 마트": 0, "편의점": 0, "기타": 0}
    assert {o.label: o.count for o in why.options} == {"가격": 2, "배송": 1, "습관": 0, "구색": 0, "기타": 0}
    assert [o.percent for o in where.options][:2] == [67, 33]
    assert text.texts == ["새벽 배송이 되면 좋겠어요"]
    assert (results.invited, results.answered, results.response_percent) == (3, 3, 100)


def test_survey_answer_twice_by_same_customer_is_refused_and_stores_one_response(
    world, django_capture_on_commit_callbacks
):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    _answer(survey, world.asked[0], "쿠팡", "가격")

    with pytest.raises(DomainError) as refused:
        _answer(survey, world.asked[0], "이마트", "습관")

    assert refused.value.http_status == 409
    assert SurveyResponse.objects.filter(survey=survey, customer=world.asked[0]).count() == 1


def test_survey_answer_by_customer_not_asked_is_not_found(world, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)

    with pytest.raises(DomainError) as refused:
        _answer(survey, world.buyer, "쿠팡", "가격")

    assert refused.value.http_status == 404


def test_survey_answer_missing_a_required_question_stores_nothing(world, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    where_q, _why_q, _text_q = survey_questions(survey_id=survey.pk)

    with pytest.raises(DomainError) as refused:
        survey_answer(survey_id=survey.pk, customer=world.asked[0], values={where_q.pk: ["0"]}, now=timezone.now())

    assert refused.value.http_status == 400
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_survey_with_multiple_choice_and_scale_counts_each_pick_and_averages(world, django_capture_on_commit_callbacks):
    survey = survey_create(
        seat=world.seat,
        segment_id=world.segment.pk,
        title="배송 만족도",
        intro="",
        questions=[
            QuestionSpec(
                kind=SurveyQuestion.Kind.MULTIPLE, prompt="무엇을 더 팔면 좋을까요?", choices=("생수", "쌀", "휴지")
            ),
            QuestionSpec(kind=SurveyQuestion.Kind.SCALE, prompt="배송에 얼마나 만족하세요?"),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        survey_send(seat=world.seat, survey=survey, now=timezone.now())
    picks, scale = survey_questions(survey_id=survey.pk)
    for customer, chosen, score in ((world.asked[0], ["0", "2"], "5"), (world.asked[1], ["0"], "4")):
        survey_answer(
            survey_id=survey.pk, customer=customer, values={picks.pk: chosen, scale.pk: [score]}, now=timezone.now()
        )

    multiple, rating = survey_results(survey=survey).questions

    assert {o.label: o.count for o in multiple.options} == {"생수": 2, "쌀": 0, "휴지": 1}
    assert rating.average == 4.5
    assert {o.label: o.count for o in rating.options}["5"] == 1


@pytest.mark.parametrize("value", ["7", "x", ""])
def test_survey_scale_answer_out_of_range_is_refused(world, value, django_capture_on_commit_callbacks):
    survey = survey_create(
        seat=world.seat,
        segment_id=world.segment.pk,
        title="만족도",
        intro="",
        questions=[QuestionSpec(kind=SurveyQuestion.Kind.SCALE, prompt="만족하세요?")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        survey_send(seat=world.seat, survey=survey, now=timezone.now())
    (scale,) = survey_questions(survey_id=survey.pk)

    with pytest.raises(DomainError):
        survey_answer(survey_id=survey.pk, customer=world.asked[0], values={scale.pk: [value]}, now=timezone.now())


def test_survey_create_by_a_planner_is_forbidden(world):
    with pytest.raises(DomainError) as refused:
        survey_create(
            seat=seat_for(user=world.planner, team=world.team),
            segment_id=world.segment.pk,
            title="설문",
            intro="",
            questions=[QuestionSpec(kind=SurveyQuestion.Kind.TEXT, prompt="하고 싶은 말")],
        )
    assert refused.value.http_status == 403


def test_household_page_shows_where_and_why_the_household_buys_the_essential(
    world, client, django_capture_on_commit_callbacks
):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    _answer(survey, world.asked[0], "쿠팡", "가격")
    client.force_login(world.lead)

    page = client.get(reverse("crm:customer_detail", kwargs={"slug": "living", "customer_id": world.asked[0].pk}))

    assert "쿠팡에서 사요 · 가격" in page.content.decode()


def test_household_page_offers_the_essentials_survey_template(world, client):
    client.force_login(world.lead)
    detail = reverse("crm:customer_detail", kwargs={"slug": "living", "customer_id": world.asked[0].pk})
    create = reverse("crm:survey_create", kwargs={"slug": "living"})

    assert f"{create}?essential={world.water.pk}" in client.get(detail).content.decode()
    form = client.get(f"{create}?essential={world.water.pk}").content.decode()
    assert "생수, 어디서 사세요?" in form
    assert "쿠팡\n이마트\n동네 마트\n편의점\n기타" in form


def test_survey_editor_creates_and_sends_through_the_pages(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.lead)
    post = {
        "title": "생수, 어디서 사세요?",
        "intro": "",
        "segment": world.segment.pk,
        "essential": world.water.pk,
        "q-TOTAL_FORMS": "1",
        "q-INITIAL_FORMS": "0",
        "q-0-kind": "single",
        "q-0-prompt": "어디서 사세요?",
        "q-0-choices": "\n".join(WHERE),
        "q-0-purpose": "where",
        "q-0-required": "on",
    }
    created = client.post(reverse("crm:survey_create", kwargs={"slug": "living"}), post)
    survey = Survey.objects.get()
    assert created.status_code == 302
    assert survey.essential_category == world.water
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("crm:survey_send", kwargs={"slug": "living", "pk": survey.pk}))

    assert SurveyInvitation.objects.filter(survey=survey).count() == 3


def test_feed_shows_the_survey_form_and_answering_it_there_thanks_the_customer(
    world, client, django_capture_on_commit_callbacks
):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    where_q, why_q, _text_q = survey_questions(survey_id=survey.pk)
    client.force_login(world.asked[0])

    feed = client.get(reverse("feed:feed")).content.decode()
    assert 'data-testid="survey-form"' in feed
    assert f'name="q{where_q.pk}" value="0"' in feed
    answered = client.post(
        reverse("surveys:answer", kwargs={"pk": survey.pk}),
        {f"q{where_q.pk}": "0", f"q{why_q.pk}": "0", "next": reverse("feed:feed")},
    )

    assert answered.status_code == 302
    assert answered["Location"] == reverse("feed:feed")
    after = client.get(reverse("feed:feed")).content.decode()
    assert 'data-testid="survey-done"' in after
    assert 'data-testid="survey-form"' not in after
    again = client.post(
        reverse("surveys:answer", kwargs={"pk": survey.pk}), {f"q{where_q.pk}": "1", f"q{why_q.pk}": "1"}
    )
    assert again.status_code == 302
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_survey_answer_page_with_a_missing_answer_keeps_the_picks(world, client, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    where_q, _why_q, _text_q = survey_questions(survey_id=survey.pk)
    client.force_login(world.asked[0])

    response = client.post(reverse("surveys:answer", kwargs={"pk": survey.pk}), {f"q{where_q.pk}": "1"})

    assert response.status_code == 400
    assert f'name="q{where_q.pk}" value="1" checked' in response.content.decode()


def test_survey_answer_page_for_a_customer_not_asked_is_404(world, client, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    client.force_login(world.buyer)

    assert client.get(reverse("surveys:answer", kwargs={"pk": survey.pk})).status_code == 404


def test_survey_pages_of_another_team_are_404(world, client, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    client.force_login(world.outsider)

    for name in ("crm:survey_detail", "crm:survey_results_csv"):
        assert client.get(reverse(name, kwargs={"slug": "living", "pk": survey.pk})).status_code == 404
    assert client.get(reverse("crm:survey_detail", kwargs={"slug": "kitchen", "pk": survey.pk})).status_code == 404


def test_survey_results_page_and_csv_show_the_counts(world, client, django_capture_on_commit_callbacks):
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    _answer(survey, world.asked[0], "쿠팡", "가격")
    _answer(survey, world.asked[1], "쿠팡", "배송")
    client.force_login(world.lead)

    page = client.get(reverse("crm:survey_detail", kwargs={"slug": "living", "pk": survey.pk}))
    download = client.get(reverse("crm:survey_results_csv", kwargs={"slug": "living", "pk": survey.pk}))

    assert page.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["질문", "답", "응답 수", "비율(%)"]
    assert ["생수는 주로 어디서 사세요?", "쿠팡", "2", "100"] in rows
    assert ["거기서 사는 가장 큰 이유는요?", "배송", "1", "50"] in rows


def test_survey_results_page_queries_do_not_grow_with_answers(
    world, client, assert_constant_queries, django_capture_on_commit_callbacks
):
    """Guards the results page: counts come from grouped queries, not one per answer."""
    survey = _essentials_survey(world, django_capture_on_commit_callbacks)
    _answer(survey, world.asked[0], "쿠팡", "가격", "좋아요")
    client.force_login(world.lead)
    url = reverse("crm:survey_detail", kwargs={"slug": "living", "pk": survey.pk})
    client.get(url)  # the first visit remembers the team in the session

    def grow():
        _answer(survey, world.asked[1], "이마트", "배송", "빨리요")
        _answer(survey, world.asked[2], "편의점", "습관", "가까워요")

    assert_constant_queries(lambda: client.get(url), grow)


def test_feed_with_surveys_queries_do_not_grow_with_surveys(
    world, client, assert_constant_queries, django_capture_on_commit_callbacks
):
    """Guards feed's item-extras hook: all surveys of a feed page are loaded in two queries."""
    _essentials_survey(world, django_capture_on_commit_callbacks)
    client.force_login(world.asked[0])

    def grow():
        for n in range(3):
            survey = survey_create(
                seat=world.seat,
                segment_id=world.segment.pk,
                title=f"설문 {n}",
                intro="",
                questions=[QuestionSpec(kind=SurveyQuestion.Kind.SCALE, prompt="만족하세요?")],
            )
            with django_capture_on_commit_callbacks(execute=True):
                survey_send(seat=world.seat, survey=survey, now=timezone.now())

    assert_constant_queries(lambda: client.get(reverse("feed:feed")), grow)


@pytest.mark.parametrize(("word", "particle"), [("생수", "는"), ("쌀", "은"), ("세탁세제", "는"), ("LED", "은(는)")])
def test_essentials_question_uses_the_right_topic_particle(word, particle):
    from crm.services.surveys import topic_particle

    assert topic_particle(word) == particle


def test_segment_page_offers_a_survey_to_that_segment(world, client):
    client.force_login(world.lead)

    page = client.get(reverse("crm:segment_detail", kwargs={"slug": "living", "pk": world.segment.pk})).content.decode()
    form = client.get(reverse("crm:survey_create", kwargs={"slug": "living"}) + f"?segment={world.segment.pk}")

    assert f"/crm/t/living/surveys/new/?segment={world.segment.pk}" in page
    assert f'<option value="{world.segment.pk}" selected>' in form.content.decode()
