"""Survey reads: a team's surveys, one survey's results (counts per answer, free text), the survey form inside a
customer's feed, and the essentials answers shown on the household view. Each a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from crm.models import Segment, Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse, Team
from shop.models import Category

Kind = SurveyQuestion.Kind
Purpose = SurveyQuestion.Purpose
TEXT_ANSWERS_SHOWN = 200
SCALE_VALUES = (1, 2, 3, 4, 5)


def surveys_for_team(*, team: Team) -> QuerySet[Survey]:
    """The team's surveys, newest first, with their segment and how many answered (one query)."""
    return (
        Survey.objects.filter(team=team)
        .select_related("segment", "essential_category", "created_by")
        .annotate(answered_count=Count("responses"))
        .order_by("-created_at", "-pk")
    )


def survey_get_for_team(*, team: Team, pk: int) -> Survey | None:
    return (
        Survey.objects.filter(team=team, pk=pk)
        .select_related("segment", "essential_category")
        .annotate(answered_count=Count("responses"))
        .first()
    )


def survey_questions(*, survey_id: int) -> list[SurveyQuestion]:
    return list(SurveyQuestion.objects.filter(survey_id=survey_id).order_by("position"))


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: SurveyQuestion
    options: list[OptionCount] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    answered: int = 0
    average: float | None = None


@dataclass
class SurveyResults:
    survey: Survey
    invited: int
    answered: int
    questions: list[QuestionResult]

    @property
    def response_percent(self) -> int:
        return round(self.answered * 100 / self.invited) if self.invited else 0


def _option_labels(question: SurveyQuestion) -> list[tuple[int, str]]:
    if question.kind == Kind.SCALE:
        return [(value, str(value)) for value in SCALE_VALUES]
    return list(enumerate(question.choices))


def survey_results(*, survey: Survey) -> SurveyResults:
    """Counts per answer of every question (percent of those who answered it), the scale's average and the free
    text answers (newest first, up to TEXT_ANSWERS_SHOWN). Four queries whatever the number of answers."""
    questions = survey_questions(survey_id=survey.pk)
    counts: dict[tuple[int, int], int] = {
        (row["question_id"], row["choice"]): row["n"]
        for row in SurveyAnswer.objects.filter(question__survey_id=survey.pk, choice__isnull=False)
        .values("question_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
        if row["choice"] is not None
    }
    answered_by_question = dict(
        SurveyAnswer.objects.filter(question__survey_id=survey.pk)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
        .values_list("question_id", "n")
    )
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        SurveyAnswer.objects.filter(question__survey_id=survey.pk, choice__isnull=True)
        .exclude(text="")
        .order_by("-response__submitted_at", "-pk")
        .values_list("question_id", "text")[:TEXT_ANSWERS_SHOWN]
    ):
        texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        answered = answered_by_question.get(question.pk, 0)
        result = QuestionResult(question=question, answered=answered, texts=texts.get(question.pk, []))
        if question.kind != Kind.TEXT:
            for index, label in _option_labels(question):
                count = counts.get((question.pk, index), 0)
                percent = round(count * 100 / answered) if answered else 0
                result.options.append(OptionCount(label=label, count=count, percent=percent))
        if question.kind == Kind.SCALE and answered:
            total = sum(value * counts.get((question.pk, value), 0) for value in SCALE_VALUES)
            result.average = round(total / answered, 1)
        results.append(result)
    answered_total = SurveyResponse.objects.filter(survey_id=survey.pk).count()
    return SurveyResults(survey=survey, invited=survey.invited_count, answered=answered_total, questions=results)


def survey_results_csv_rows(*, results: SurveyResults) -> list[list[Any]]:
    """The results table as CSV rows: question, answer, count, percent (free text: one row per answer)."""
    rows: list[list[Any]] = [[_("질문"), _("답"), _("응답 수"), _("비율(%)")]]
    for result in results.questions:
        for option in result.options:
            rows.append([result.question.prompt, option.label, option.count, option.percent])
        rows.extend([result.question.prompt, text, 1, ""] for text in result.texts)
    return rows


@dataclass(frozen=True)
class SurveyInFeed:
    """What the feed item's survey form needs."""

    survey: Survey
    questions: list[SurveyQuestion]
    answered: bool


def surveys_in_feed(*, item_ids: Sequence[int], user: Any) -> dict[int, SurveyInFeed]:
    """The surveys behind these feed items of this customer, keyed by feed item id. Two queries (invitations
    with their survey; the surveys' questions)."""
    if user is None or not getattr(user, "is_authenticated", False) or not item_ids:
        return {}
    invitations = list(
        SurveyInvitation.objects.filter(feed_item_id__in=list(item_ids), customer=user).select_related("survey")
    )
    if not invitations:
        return {}
    questions: dict[int, list[SurveyQuestion]] = {}
    for question in SurveyQuestion.objects.filter(survey_id__in={i.survey_id for i in invitations}).order_by(
        "survey_id", "position"
    ):
        questions.setdefault(question.survey_id, []).append(question)
    return {
        invitation.feed_item_id: SurveyInFeed(
            survey=invitation.survey,
            questions=questions.get(invitation.survey_id, []),
            answered=invitation.answered_at is not None,
        )
        for invitation in invitations
        if invitation.feed_item_id is not None
    }


def survey_for_customer(*, survey_id: int, user: Any) -> SurveyInFeed | None:
    """The survey answer page: only for a customer who was asked (None otherwise). Two queries."""
    invitation = (
        SurveyInvitation.objects.filter(survey_id=survey_id, customer=user, survey__status=Survey.Status.SENT)
        .select_related("survey__team")
        .first()
    )
    if invitation is None:
        return None
    return SurveyInFeed(
        survey=invitation.survey,
        questions=survey_questions(survey_id=survey_id),
        answered=invitation.answered_at is not None,
    )


def where_phrase(place: str) -> str:
    if place in ("", "기타", _("기타")):
        return _("다른 곳에서 사요")
    return _("%(place)s에서 사요") % {"place": place}


def essentials_answers(*, customer_ids: list[int], category_ids: list[int]) -> dict[int, str]:
    """For each essential category, what this household said in the newest essentials survey it answered about
    it: "쿠팡에서 사요 · 가격". One query."""
    if not customer_ids or not category_ids:
        return {}
    rows = (
        SurveyAnswer.objects.filter(
            Q(question__purpose=Purpose.WHERE) | Q(question__purpose=Purpose.WHY),
            response__customer_id__in=customer_ids,
            question__survey__essential_category_id__in=category_ids,
            choice__isnull=False,
        )
        .select_related("question__survey")
        .order_by("-response__submitted_at", "-response_id", "question__position")
    )
    picked: dict[int, int] = {}  # category -> the response whose answers are shown
    parts: dict[int, dict[str, str]] = {}
    for answer in rows:
        category_id = answer.question.survey.essential_category_id
        if category_id is None or answer.choice is None:
            continue  # excluded by the query (an essentials survey's answer with a choice)
        if picked.setdefault(category_id, answer.response_id) != answer.response_id:
            continue
        choices = answer.question.choices
        label = choices[answer.choice] if answer.choice < len(choices) else ""
        parts.setdefault(category_id, {})[answer.question.purpose] = label
    phrases = {}
    for category_id, by_purpose in parts.items():
        pieces = []
        if Purpose.WHERE in by_purpose:
            pieces.append(where_phrase(by_purpose[Purpose.WHERE]))
        if by_purpose.get(Purpose.WHY):
            pieces.append(by_purpose[Purpose.WHY])
        phrases[category_id] = " · ".join(pieces)
    return phrases


def essential_category_get(*, pk: int | None) -> Category | None:
    """An active essential category (the essentials survey's subject), or None."""
    if not pk:
        return None
    return Category.objects.filter(pk=pk, kind=Category.Kind.ESSENTIAL, is_active=True).only("pk", "name").first()


def team_segment_choices(*, team: Team) -> list[tuple[int, str]]:
    return list(Segment.objects.filter(team=team, is_active=True).order_by("name", "pk").values_list("pk", "name"))


@dataclass(frozen=True)
class FormOption:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class FormQuestion:
    question: SurveyQuestion
    name: str
    input_type: str  # radio, checkbox or text
    options: list[FormOption]
    text: str = ""


def survey_form_questions(*, questions: list[SurveyQuestion], selected: dict[int, list[str]]) -> list[FormQuestion]:
    """The answer form's questions with their options (and what was picked, when a POST comes back with an
    error)."""
    rows = []
    for question in questions:
        picked = selected.get(question.pk, [])
        if question.kind == Kind.TEXT:
            rows.append(FormQuestion(question, f"q{question.pk}", "text", [], text=picked[0] if picked else ""))
            continue
        input_type = "checkbox" if question.kind == Kind.MULTIPLE else "radio"
        options = [
            FormOption(value=str(value), label=label, checked=str(value) in picked)
            for value, label in _option_labels(question)
        ]
        rows.append(FormQuestion(question, f"q{question.pk}", input_type, options))
    return rows
