"""Demo surveys and morning rounds: each demo team has asked one segment the essentials survey (about the essential
its customers buy here least) and part of the segment has answered, and every member has today's 오늘 챙길 단골.

Runs after crm.demo (segments and the run it starts), after commit like that run's task, so the run has finished
(eagerly, on the embedded defaults) when the surveys are sent. Through the services, so the same rules hold: a survey is
found again by (team, title) and sent once, a customer who already answered is skipped, and a day's round list is
written once, so a re-run adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from crm.models import HouseholdEssential, Segment, Survey, SurveyResponse, Team, TeamMember
from crm.selectors.access import seat_for
from crm.selectors.runs import current_run
from crm.selectors.surveys import survey_questions
from crm.services.rounds import rounds_build_all
from crm.services.surveys import survey_answer, survey_create, survey_essentials_template, survey_send
from shop.models import Category

ANSWER_SHARE = 0.6
WHERE_WEIGHTS = (5, 2, 3, 1, 1)  # 쿠팡, 이마트, 동네 마트, 편의점, 기타
WHY_WEIGHTS = (4, 4, 2, 1, 1)  # 가격, 배송, 습관, 구색, 기타


def _least_bought_essential(run_id: int) -> Category | None:
    bought = dict(
        HouseholdEssential.objects.filter(run_id=run_id)
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    essentials = Category.objects.filter(kind=Category.Kind.ESSENTIAL, is_active=True, replenishment_days__isnull=False)
    return min(essentials.order_by("sort_order", "pk"), key=lambda c: bought.get(c.pk, 0), default=None)


def _team_survey(*, team: Team, category: Category, rng: random.Random, log: Callable[[str], None]) -> None:
    lead = TeamMember.objects.filter(team=team, role=TeamMember.Role.MD_LEAD).select_related("user").first()
    segment = Segment.objects.filter(team=team, is_active=True).order_by("name", "pk").first()
    if lead is None or segment is None:
        return
    seat = seat_for(user=lead.user, team=team)
    title, intro, questions = survey_essentials_template(category_name=category.name)
    survey = Survey.objects.filter(team=team, title=title).first()
    if survey is None:
        survey = survey_create(
            seat=seat,
            segment_id=segment.pk,
            title=title,
            intro=intro,
            questions=questions,
            essential_category_id=category.pk,
        )
    if survey.status == Survey.Status.DRAFT:
        survey_send(seat=seat, survey=survey, now=timezone.now())
    where, why, _text = survey_questions(survey_id=survey.pk)
    answered = set(SurveyResponse.objects.filter(survey=survey).values_list("customer_id", flat=True))
    invited = list(survey.invitations.select_related("customer").order_by("customer_id"))
    chosen = [i.customer for i in invited if rng.random() < ANSWER_SHARE]
    for customer in chosen:
        # Drawn for everyone chosen, answered or not, so a re-run draws the same numbers for the next team.
        values = {
            where.pk: [str(rng.choices(range(5), weights=WHERE_WEIGHTS)[0])],
            why.pk: [str(rng.choices(range(5), weights=WHY_WEIGHTS)[0])],
        }
        if customer.pk not in answered:
            survey_answer(survey_id=survey.pk, customer=customer, values=values, now=timezone.now())
    log(f"crm: {team.name} 설문 '{survey.title}' 보낸 고객 {len(invited)}명, 답한 고객 {len(chosen)}명")


def _seed_after_run(*, rng: random.Random, log: Callable[[str], None]) -> None:
    run = current_run()
    if run is None:
        log("crm: 끝난 계산 회차가 없어서 설문과 오늘 챙길 단골을 건너뛰었어요 (계산이 끝난 뒤 다시 실행해 주세요).")
        return
    category = _least_bought_essential(run.pk)
    if category is not None:
        for team in Team.objects.order_by("pk"):
            _team_survey(team=team, category=category, rng=rng, log=log)
    written = rounds_build_all(today=timezone.localdate())
    log(f"crm: 오늘 챙길 단골 {written}명")


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    """After commit, like the segmentation run crm.demo starts: queued behind it, so it sees that run finished."""
    transaction.on_commit(partial(_seed_after_run, rng=rng, log=log))
    return []
