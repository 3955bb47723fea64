"""체험단: staff open a recruitment for a product, shoppers apply, staff select within the slots, testers report.

Notices and events are written by staff in the admin (plain rows, no rules beyond the model's constraints).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.feed_messages import TRIAL_DECLINED, TRIAL_SELECTED
from community.images import image_store
from community.models import TrialApplication, TrialGroup, TrialReport, TrialReportPhoto
from community.selectors.qna import qna_can_answer
from community.services.moderation import rate_check, text_clean, write_check
from config.errors import DomainError
from feed.models import FeedItem
from feed.services import feed_item_create

TRIAL_TEAM_ONLY = gettext_noop("이 상품을 운영하는 팀만 체험단을 관리할 수 있어요.")
TRIAL_NOT_OPEN = gettext_noop("지금은 신청을 받지 않는 체험단이에요.")
TRIAL_APPLIED_TWICE = gettext_noop("이미 신청했어요. 선정 결과는 피드로 알려 드릴게요.")
TRIAL_ANSWER_MISSING = gettext_noop("'{question}'에 답해 주세요.")
TRIAL_FULL = gettext_noop("모집 인원 {slots}명이 모두 선정됐어요.")
TRIAL_ALREADY_DECIDED = gettext_noop("이미 결과를 정한 신청이에요.")
TRIAL_REPORT_NOT_SELECTED = gettext_noop("선정된 체험단만 후기를 쓸 수 있어요.")
TRIAL_REPORT_TWICE = gettext_noop("이미 후기를 남겼어요. 고마워요!")
TRIAL_RATING_MISSING = gettext_noop("'{aspect}' 별점을 1점부터 5점까지 골라 주세요.")
TRIAL_DATES_INVALID = gettext_noop("신청 마감은 시작보다 늦고, 후기 마감은 신청 마감보다 늦어야 해요.")
TRIAL_SLOTS_INVALID = gettext_noop("모집 인원은 1명 이상이어야 해요.")
TRIAL_TOO_MANY_PHOTOS = gettext_noop("사진은 {max}장까지 올릴 수 있어요.")

REPORT_PHOTOS_MAX = 5


def _team_check(*, user, product) -> None:
    if not qna_can_answer(user=user, product=product):
        raise DomainError(_(TRIAL_TEAM_ONLY), code="forbidden", http_status=403)


def _lines(values: list[str] | str, *, field: str) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    cleaned = [text_clean(v, field=field, max_length=60, required=False) for v in values]
    return [v for v in cleaned if v][:10]


def trial_group_create(
    *,
    product,
    staff,
    title: str,
    description: str,
    slots: int,
    apply_starts_at: datetime,
    apply_ends_at: datetime,
    report_due_at: datetime,
    questions: Sequence[str] | str = (),
    aspects: Sequence[str] | str = (),
) -> TrialGroup:
    """A member of the product's team (or an admin) opens a recruitment."""
    _team_check(user=staff, product=product)
    if not slots or int(slots) < 1:
        raise DomainError(_(TRIAL_SLOTS_INVALID), code="invalid_slots")
    if not (apply_starts_at < apply_ends_at <= report_due_at):
        raise DomainError(_(TRIAL_DATES_INVALID), code="invalid_dates")
    group = TrialGroup(
        product=product,
        title=text_clean(title, field=_("제목"), max_length=100),
        description=text_clean(description, field=_("소개"), max_length=5000, required=False),
        slots=int(slots),
        apply_starts_at=apply_starts_at,
        apply_ends_at=apply_ends_at,
        report_due_at=report_due_at,
        questions=_lines(list(questions) if not isinstance(questions, str) else questions, field=_("신청 질문")),
        aspects=_lines(list(aspects) if not isinstance(aspects, str) else aspects, field=_("평가 항목")),
        created_by=staff,
    )
    group.full_clean()
    group.save()
    return group


def trial_apply(
    *, group: TrialGroup, user, answers: dict[str, Any], motivation: str = "", now: datetime | None = None
) -> TrialApplication:
    """A shopper applies once while the recruitment is open, answering every question of the group."""
    write_check(user=user, now=now)
    if not group.is_open(now or timezone.now()):
        raise DomainError(_(TRIAL_NOT_OPEN), code="not_open", http_status=409)
    cleaned: dict[str, str] = {}
    for question in group.questions:
        answer = text_clean(str(answers.get(question, "") or ""), field=question, max_length=300, required=False)
        if not answer:
            raise DomainError(_(TRIAL_ANSWER_MISSING).format(question=question), code="answer_missing")
        cleaned[question] = answer
    application = TrialApplication(
        group=group,
        user=user,
        answers=cleaned,
        motivation=text_clean(motivation, field=_("신청 이유"), max_length=1000, required=False),
    )
    rate_check(user=user, action="comment")
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise DomainError(_(TRIAL_APPLIED_TWICE), code="already_applied", http_status=409) from None
    return application


def _score(raw: Any, *, label: str) -> int:
    try:
        score = int(raw)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise DomainError(_(TRIAL_RATING_MISSING).format(aspect=label), code="rating_missing")
    return score


def trial_application_lock(pk: int) -> TrialApplication:
    return TrialApplication.objects.select_for_update(of=("self",)).select_related("group", "user").get(pk=pk)


@transaction.atomic
def trial_select(*, application: TrialApplication, staff, now: datetime | None = None) -> TrialApplication:
    """Select one applicant. Locks the application row, then takes a slot with one conditional update
    (`selected_count < slots`), so concurrent selections never exceed the slots (409 when full); a
    CheckConstraint backs it up. The applicant is told in their feed."""
    _team_check(user=staff, product=application.group.product)
    locked = trial_application_lock(application.pk)
    if locked.status == TrialApplication.Status.SELECTED:
        raise DomainError(_(TRIAL_ALREADY_DECIDED), code="already_decided", http_status=409)
    taken = TrialGroup.objects.filter(pk=locked.group_id, selected_count__lt=F("slots")).update(
        selected_count=F("selected_count") + 1
    )
    if not taken:
        raise DomainError(_(TRIAL_FULL).format(slots=locked.group.slots), code="full", http_status=409)
    locked.status = TrialApplication.Status.SELECTED
    locked.decided_at = now or timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    feed_item_create(
        kind=FeedItem.Kind.COMMUNITY,
        user=locked.user,
        message_code=TRIAL_SELECTED,
        message_params={"title": locked.group.title},
        link=locked.group.get_absolute_url(),
        toast=True,
    )
    application.status, application.decided_at = locked.status, locked.decided_at
    return locked


@transaction.atomic
def trial_decline(*, application: TrialApplication, staff, now: datetime | None = None) -> TrialApplication:
    """Mark an applicant not selected (a selected one gives the slot back). The applicant is told kindly."""
    _team_check(user=staff, product=application.group.product)
    locked = trial_application_lock(application.pk)
    if locked.status == TrialApplication.Status.NOT_SELECTED:
        raise DomainError(_(TRIAL_ALREADY_DECIDED), code="already_decided", http_status=409)
    if locked.status == TrialApplication.Status.SELECTED:
        TrialGroup.objects.filter(pk=locked.group_id, selected_count__gt=0).update(
            selected_count=F("selected_count") - 1
        )
    locked.status = TrialApplication.Status.NOT_SELECTED
    locked.decided_at = now or timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    feed_item_create(
        kind=FeedItem.Kind.COMMUNITY,
        user=locked.user,
        message_code=TRIAL_DECLINED,
        message_params={"title": locked.group.title},
        link=locked.group.get_absolute_url(),
    )
    application.status, application.decided_at = locked.status, locked.decided_at
    return locked


@transaction.atomic
def trial_report_submit(
    *,
    application: TrialApplication,
    user,
    ratings: dict[str, Any],
    overall: Any,
    body: str,
    photos: Sequence[Any] = (),
) -> TrialReport:
    """A selected tester reports once: 1-5 for every aspect of the group and overall, text, up to five photos
    (verified, EXIF-free, through community.images). The product's team reads it; the product page shows it."""
    write_check(user=user)
    if application.user_id != user.pk or application.status != TrialApplication.Status.SELECTED:
        raise DomainError(_(TRIAL_REPORT_NOT_SELECTED), code="not_selected", http_status=403)
    if TrialReport.objects.filter(application=application).exists():
        raise DomainError(_(TRIAL_REPORT_TWICE), code="already_reported", http_status=409)
    group = application.group
    scores = {aspect: _score(ratings.get(aspect), label=aspect) for aspect in group.aspects}
    overall_score = _score(overall, label=_("종합"))
    photos = [p for p in photos if p]
    if len(photos) > REPORT_PHOTOS_MAX:
        raise DomainError(_(TRIAL_TOO_MANY_PHOTOS).format(max=REPORT_PHOTOS_MAX), code="too_many_photos")
    text = text_clean(body, field=_("후기"), max_length=5000)
    rate_check(user=user, action="post")
    report = TrialReport(
        application_id=application.pk,  # an id, so a rolled-back attempt leaves no report cached on the caller's row
        product_id=group.product_id,
        author=user,
        ratings=scores,
        overall=overall_score,
        body=text,
    )
    report.full_clean(exclude=["application", "product", "author"])
    report.save()
    for order, upload in enumerate(photos):
        image = image_store(upload=upload, owner=user)
        TrialReportPhoto.objects.create(report=report, image=image, sort_order=order)
    return report
