"""Surveys: a team writes a short survey for one of its segments, sends it through the feed, and customers answer
once each. The essentials template asks households that never buy an essential category here where they buy it
and why; those answers show on the household view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from config.errors import DomainError
from crm.feed_messages import SURVEY_INVITATION
from crm.models import (
    CustomerProfile,
    HouseholdEssential,
    Segment,
    SegmentMembership,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from crm.selectors.access import LAUNCH_CAMPAIGNS, Seat
from crm.selectors.runs import current_run_id
from feed.models import FeedItem
from feed.services import feed_item_create, feed_item_mark_read

Kind = SurveyQuestion.Kind
Purpose = SurveyQuestion.Purpose

SURVEY_NOT_ALLOWED = gettext_noop("설문은 MD 리더와 마케터만 만들고 보낼 수 있어요.")
SURVEY_TITLE_EMPTY = gettext_noop("설문 제목을 써 주세요.")
SURVEY_SEGMENT_INVALID = gettext_noop("우리 팀의 세그먼트를 골라 주세요.")
SURVEY_NO_QUESTIONS = gettext_noop("질문을 하나 이상 써 주세요.")
SURVEY_TOO_MANY_QUESTIONS = gettext_noop("질문은 %(max)d개까지 쓸 수 있어요.")
SURVEY_CHOICES_NEEDED = gettext_noop("'%(prompt)s'에는 보기를 두 개 이상 써 주세요.")
SURVEY_ALREADY_SENT = gettext_noop("이미 보낸 설문이에요.")
SURVEY_NOT_INVITED = gettext_noop("이 설문은 받으신 분만 답할 수 있어요.")
SURVEY_ALREADY_ANSWERED = gettext_noop("이미 답해 주셨어요. 고마워요!")
SURVEY_ANSWER_MISSING = gettext_noop("'%(prompt)s'에 답해 주세요.")
SURVEY_ANSWER_INVALID = gettext_noop("'%(prompt)s'의 답을 다시 골라 주세요.")

MAX_QUESTIONS = 6
MAX_CHOICES = 10
SCALE_MAX = 5
TEXT_MAX = 1000
DELIVERY_BATCH = 500
SURVEY_FEED_DAYS = 14


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    prompt: str
    choices: tuple[str, ...] = ()
    purpose: str = Purpose.NONE
    required: bool = True


def topic_particle(word: str) -> str:
    """은 after a final consonant, 는 after a vowel ("생수는", "세탁세제는", "쌀은"); 은(는) when the word does not end
    in Hangul."""
    last = word[-1:] or " "
    if not "가" <= last <= "힣":
        return "은(는)"
    return "은" if (ord(last) - ord("가")) % 28 else "는"


def _where_prompt(category_name: str) -> str:
    # One message per particle, so a translation never has to carry the Korean particle.
    particle = topic_particle(category_name)
    if particle == "은":
        prompt = _("%(category)s은 주로 어디서 사세요?")
    elif particle == "는":
        prompt = _("%(category)s는 주로 어디서 사세요?")
    else:
        prompt = _("%(category)s은(는) 주로 어디서 사세요?")
    return prompt % {"category": category_name}


def essentials_where_choices() -> list[str]:
    return [_("쿠팡"), _("이마트"), _("동네 마트"), _("편의점"), _("기타")]


def essentials_why_choices() -> list[str]:
    return [_("가격"), _("배송"), _("습관"), _("구색"), _("기타")]


def survey_essentials_template(*, category_name: str) -> tuple[str, str, list[QuestionSpec]]:
    """The key survey: where a household buys an essential it never buys here, and why. (title, intro, questions)"""
    title = _("%(category)s, 어디서 사세요?") % {"category": category_name}
    intro = _("더 잘 챙겨 드리고 싶어서 여쭤봐요. 두 번만 누르면 끝나요.")
    questions = [
        QuestionSpec(
            kind=Kind.SINGLE,
            prompt=_where_prompt(category_name),
            choices=tuple(essentials_where_choices()),
            purpose=Purpose.WHERE,
        ),
        QuestionSpec(
            kind=Kind.SINGLE,
            prompt=_("거기서 사는 가장 큰 이유는요?"),
            choices=tuple(essentials_why_choices()),
            purpose=Purpose.WHY,
        ),
        QuestionSpec(kind=Kind.TEXT, prompt=_("동네가게에 바라는 점이 있으면 적어 주세요."), required=False),
    ]
    return title, intro, questions


def _questions_clean(questions: list[QuestionSpec]) -> list[QuestionSpec]:
    cleaned = []
    for spec in questions:
        prompt = " ".join((spec.prompt or "").split())
        if not prompt:
            continue
        choices: tuple[str, ...] = ()
        if spec.kind in (Kind.SINGLE, Kind.MULTIPLE):
            choices = tuple(dict.fromkeys(c.strip()[:40] for c in spec.choices if c.strip()))[:MAX_CHOICES]
            if len(choices) < 2:
                raise DomainError(_(SURVEY_CHOICES_NEEDED) % {"prompt": prompt}, code="survey_invalid")
        elif spec.kind not in (Kind.SCALE, Kind.TEXT):
            raise DomainError(_(SURVEY_ANSWER_INVALID) % {"prompt": prompt}, code="survey_invalid")
        cleaned.append(
            QuestionSpec(
                kind=spec.kind, prompt=prompt[:200], choices=choices, purpose=spec.purpose, required=spec.required
            )
        )
    if not cleaned:
        raise DomainError(_(SURVEY_NO_QUESTIONS), code="survey_invalid")
    if len(cleaned) > MAX_QUESTIONS:
        raise DomainError(_(SURVEY_TOO_MANY_QUESTIONS) % {"max": MAX_QUESTIONS}, code="survey_invalid")
    return cleaned


@transaction.atomic
def survey_create(
    *,
    seat: Seat,
    segment_id: int | None,
    title: str,
    intro: str,
    questions: list[QuestionSpec],
    essential_category_id: int | None = None,
) -> Survey:
    """A draft survey of the seat's team for one of the team's segments. Raises DomainError (403 without the
    launch permission, 400 for a bad title, segment or questions)."""
    if not seat.can(LAUNCH_CAMPAIGNS):
        raise DomainError(_(SURVEY_NOT_ALLOWED), code="forbidden", http_status=403)
    title = " ".join((title or "").split())[:80]
    if not title:
        raise DomainError(_(SURVEY_TITLE_EMPTY), code="survey_invalid")
    segment = Segment.objects.filter(pk=segment_id, team=seat.team, is_active=True).first() if segment_id else None
    if segment is None:
        raise DomainError(_(SURVEY_SEGMENT_INVALID), code="survey_invalid")
    cleaned = _questions_clean(questions)
    survey = Survey(
        team=seat.team,
        segment=segment,
        title=title,
        intro=(intro or "").strip()[:300],
        essential_category_id=essential_category_id,
        created_by=seat.user,
    )
    survey.full_clean(exclude=["team", "segment", "created_by", "essential_category"])
    survey.save()
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey,
            position=position,
            kind=spec.kind,
            prompt=spec.prompt,
            choices=list(spec.choices),
            purpose=spec.purpose,
            required=spec.required,
        )
        for position, spec in enumerate(cleaned, start=1)
    )
    return survey


def survey_recipient_ids(*, survey: Survey, run_id: int | None) -> list[int]:
    """The survey segment's customers in the run; for an essentials survey only those whose household (or who,
    alone) never bought the category here (no household essential row of it in the run)."""
    if run_id is None or survey.segment_id is None:
        return []
    members = SegmentMembership.objects.filter(run_id=run_id, segment_id=survey.segment_id).values("user_id")
    if survey.essential_category_id is None:
        return list(members.values_list("user_id", flat=True).order_by("user_id"))
    bought = HouseholdEssential.objects.filter(run_id=run_id, category_id=survey.essential_category_id)
    return list(
        CustomerProfile.objects.filter(run_id=run_id, user_id__in=members)
        .exclude(household_id__in=bought.filter(household_id__isnull=False).values("household_id"))
        .exclude(user_id__in=bought.filter(user_id__isnull=False).values("user_id"))
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def survey_send(*, seat: Seat, survey: Survey, now: datetime) -> int:
    """Mark the draft sent, ask its recipients (one invitation each, unique), and deliver the feed items in
    batches after commit (crm.tasks.survey_deliver_task). Returns how many customers were asked.

    Raises DomainError 403 without the launch permission, 409 when already sent (the conditional update decides,
    so two clicks send once).
    """
    from crm.tasks_engagement import survey_deliver_task

    if not seat.can(LAUNCH_CAMPAIGNS):
        raise DomainError(_(SURVEY_NOT_ALLOWED), code="forbidden", http_status=403)
    with transaction.atomic(durable=True):
        claimed = Survey.objects.filter(pk=survey.pk, team=seat.team, status=Survey.Status.DRAFT).update(
            status=Survey.Status.SENT, sent_at=now
        )
        if not claimed:
            raise DomainError(_(SURVEY_ALREADY_SENT), code="already_sent", http_status=409)
        recipient_ids = survey_recipient_ids(survey=survey, run_id=current_run_id())
        SurveyInvitation.objects.bulk_create(
            (SurveyInvitation(survey_id=survey.pk, customer_id=user_id, invited_at=now) for user_id in recipient_ids),
            ignore_conflicts=True,
            batch_size=1000,
        )
        Survey.objects.filter(pk=survey.pk).update(invited_count=len(recipient_ids))
        transaction.on_commit(partial(survey_deliver_task.delay, survey_id=survey.pk))
    survey.status, survey.sent_at, survey.invited_count = Survey.Status.SENT, now, len(recipient_ids)
    return len(recipient_ids)


def survey_deliver_batch(*, survey_id: int, now: datetime, limit: int = DELIVERY_BATCH) -> int:
    """Put the survey in the feed of up to `limit` invited customers who do not have it yet. Each invitation is
    locked while its feed item is written, so a retried or concurrent batch delivers nobody twice. Returns how
    many were delivered (0 when done)."""
    survey = Survey.objects.filter(pk=survey_id, status=Survey.Status.SENT).first()
    if survey is None:
        return 0
    link = reverse("surveys:answer", kwargs={"pk": survey.pk})
    delivered = 0
    with transaction.atomic():
        invitations = list(
            SurveyInvitation.objects.filter(survey_id=survey_id, feed_item__isnull=True)
            .select_related("customer")
            .order_by("pk")
            .select_for_update(of=("self",), skip_locked=True)[:limit]
        )
        for invitation in invitations:
            item = feed_item_create(
                kind=FeedItem.Kind.MD_MESSAGE,
                title=survey.title,
                body=survey.intro,
                message_code="" if survey.intro else SURVEY_INVITATION,
                link=link,
                user=invitation.customer,
                expires_at=now + timedelta(days=SURVEY_FEED_DAYS),
            )
            invitation.feed_item = item
            delivered += 1
        SurveyInvitation.objects.bulk_update(invitations, ["feed_item"])
    return delivered


def _answer_rows(question: SurveyQuestion, values: list[str]) -> list[SurveyAnswer]:
    values = [value.strip() for value in values if value and value.strip()]
    if not values:
        if question.required:
            raise DomainError(_(SURVEY_ANSWER_MISSING) % {"prompt": question.prompt}, code="answer_missing")
        return []
    if question.kind == Kind.TEXT:
        return [SurveyAnswer(question=question, text=values[0][:TEXT_MAX])]
    try:
        numbers = sorted({int(value) for value in values})
    except ValueError:
        raise DomainError(_(SURVEY_ANSWER_INVALID) % {"prompt": question.prompt}, code="answer_invalid") from None
    upper = SCALE_MAX if question.kind == Kind.SCALE else len(question.choices) - 1
    lower = 1 if question.kind == Kind.SCALE else 0
    single = question.kind in (Kind.SINGLE, Kind.SCALE)
    if (single and len(numbers) != 1) or any(n < lower or n > upper for n in numbers):
        raise DomainError(_(SURVEY_ANSWER_INVALID) % {"prompt": question.prompt}, code="answer_invalid")
    return [SurveyAnswer(question=question, choice=number) for number in numbers]


def survey_answer(*, survey_id: int, customer: User, values: dict[int, list[str]], now: datetime) -> SurveyResponse:
    """Record the customer's answers (`values`: question id -> the submitted strings), once per customer.

    Only an invited customer may answer (404 otherwise: a survey is no secret, but not theirs). Raises DomainError
    409 when they already answered (the unique constraint decides under concurrency), 400 for a missing or bad
    answer, in which case nothing is stored. Marks their feed item read.
    """
    invitation = (
        SurveyInvitation.objects.filter(survey_id=survey_id, customer=customer, survey__status=Survey.Status.SENT)
        .select_related("survey")
        .first()
    )
    if invitation is None:
        raise DomainError(_(SURVEY_NOT_INVITED), code="not_found", http_status=404)
    if invitation.answered_at is not None:
        raise DomainError(_(SURVEY_ALREADY_ANSWERED), code="already_answered", http_status=409)
    questions = list(SurveyQuestion.objects.filter(survey_id=survey_id).order_by("position"))
    rows: list[SurveyAnswer] = []
    for question in questions:
        rows.extend(_answer_rows(question, values.get(question.pk, [])))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey_id=survey_id, customer=customer, submitted_at=now)
            for row in rows:
                row.response = response
            SurveyAnswer.objects.bulk_create(rows)
            SurveyInvitation.objects.filter(pk=invitation.pk).update(answered_at=now)
    except IntegrityError:
        raise DomainError(_(SURVEY_ALREADY_ANSWERED), code="already_answered", http_status=409) from None
    if invitation.feed_item_id is not None:
        feed_item_mark_read(item_id=invitation.feed_item_id, user=customer, visitor_id=None, now=now)
    return response
