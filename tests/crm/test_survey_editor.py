"""The survey editor page: it starts with one question row and grows or shrinks (a formset the page's script adds
rows to from the empty form; a removed row is sent with its DELETE box ticked); the server checks every row again,
keeps what was typed when it refuses, and never takes more than MAX_QUESTIONS."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import Survey, SurveyQuestion, TeamMember
from crm.services.surveys import MAX_QUESTIONS
from tests.crm.factories import SegmentFactory, TeamFactory, TeamMemberFactory
from tests.shop.factories import CategoryFactory

pytestmark = pytest.mark.django_db

CHOICES = "쿠팡\n이마트\n동네 마트"
URL = reverse("crm:survey_create", kwargs={"slug": "living"})


@pytest.fixture
def lead(client):
    team = TeamFactory(slug="living")
    user = TeamMemberFactory(team=team, role=TeamMember.Role.MD_LEAD).user
    client.force_login(user)
    user.segment = SegmentFactory(team=team, name="생수 안 사는 단골")
    return user


def _post(lead, rows: list[dict], *, title: str = "내 설문") -> dict:
    """The editor's POST: the survey's fields, the formset's management form and one block per row."""
    data = {"title": title, "segment": lead.segment.pk, "q-TOTAL_FORMS": len(rows), "q-INITIAL_FORMS": 0}
    for index, row in enumerate(rows):
        data.update({f"q-{index}-{name}": value for name, value in {"kind": "single", **row}.items()})
    return data


def _question(n: int, **extra) -> dict:
    return {"prompt": f"질문 {n}번이에요", "choices": CHOICES, "required": "on", **extra}


def test_a_new_survey_starts_with_one_question_row_and_the_row_to_add_from(lead, client):
    page = client.get(URL).content.decode()

    assert page.count('data-testid="survey-question"') == 2  # the row, and the empty form in <template>
    assert 'name="q-0-prompt"' in page
    assert 'name="q-__prefix__-prompt"' in page
    assert f'name="q-MAX_NUM_FORMS" value="{MAX_QUESTIONS}"' in page
    assert 'data-testid="survey-add-question"' in page


def test_the_essentials_template_fills_one_row_per_question(lead, client):
    water = CategoryFactory(name="생수", replenishment_days=14)
    page = client.get(f"{URL}?essential={water.pk}").content.decode()

    assert 'name="q-2-prompt"' in page
    assert 'name="q-3-prompt"' not in page
    assert 'name="q-INITIAL_FORMS" value="3"' in page


def test_the_editor_takes_more_questions_than_the_old_four_slots(lead, client):
    response = client.post(URL, _post(lead, [_question(n) for n in range(1, 6)]))

    assert response.status_code == 302
    survey = Survey.objects.get()
    prompts = list(SurveyQuestion.objects.filter(survey=survey).order_by("position").values_list("prompt", flat=True))
    assert prompts == [f"질문 {n}번이에요" for n in range(1, 6)]


def test_a_removed_question_is_left_out_and_the_others_keep_their_order(lead, client):
    rows = [_question(1), _question(2, DELETE="on"), _question(3, kind="scale", choices="")]

    client.post(URL, _post(lead, rows))

    questions = SurveyQuestion.objects.filter(survey=Survey.objects.get()).order_by("position")
    assert [(q.prompt, q.kind) for q in questions] == [("질문 1번이에요", "single"), ("질문 3번이에요", "scale")]


def test_more_questions_than_allowed_are_refused_and_the_text_is_kept(lead, client):
    response = client.post(URL, _post(lead, [_question(n) for n in range(1, MAX_QUESTIONS + 2)]))

    assert response.status_code == 400
    page = response.content.decode()
    assert f"질문은 {MAX_QUESTIONS}개까지 쓸 수 있어요." in page
    assert f"질문 {MAX_QUESTIONS + 1}번이에요" in page
    assert not Survey.objects.exists()


def test_a_question_with_one_choice_shows_the_error_and_keeps_the_text(lead, client):
    response = client.post(URL, _post(lead, [{"prompt": "어디서요?", "choices": "쿠팡"}]))

    assert response.status_code == 400
    page = response.content.decode()
    assert "보기를 두 개 이상" in page
    assert "내 설문" in page
    assert "어디서요?" in page
    assert not Survey.objects.exists()


def test_a_forged_row_count_is_refused_without_building_thousands_of_forms(lead, client):
    data = _post(lead, [_question(1)])
    data["q-TOTAL_FORMS"] = 100_000

    response = client.post(URL, data)

    assert response.status_code == 400
    assert not Survey.objects.exists()
