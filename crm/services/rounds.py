"""오늘 챙길 단골 (the morning round): each team member's daily list of the team's customers worth a personal touch,
why each is there, and what the member did about it.

The list is written once per member and Seoul day (crm.tasks_engagement.rounds_build_task at 07:30, or on first
opening), so it stays the same all day. The team's candidates are split between its members in turn (by priority),
so two members do not call the same customer; an admin who is no member gets the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from community.selectors.qna import questions_unanswered_by
from config.errors import DomainError
from crm.feed_messages import ROUND_MESSAGE
from crm.models import (
    CustomerProfile,
    HouseholdEssential,
    Lifecycle,
    RoundEntry,
    SegmentationRun,
    SegmentMembership,
    Team,
    TeamMember,
)
from crm.selectors.access import Seat
from crm.selectors.runs import current_run
from crm.services.customers import customer_note_add
from feed.models import FeedItem
from feed.services import feed_item_create
from feed.services.nudges import in_quiet_hours
from shop.selectors.reviews import low_ratings_since

ROUND_SIZE = 20
RECENT_DAYS = 14
BIRTHDAY_AHEAD_DAYS = 6
MESSAGE_MAX = 300

ESSENTIAL = "essential"
SLIPPING = "slipping"
LOW_RATING = "low_rating"
QUESTION = "question"
BIRTHDAY = "birthday"
REASON_WEIGHT = {LOW_RATING: 40, QUESTION: 35, SLIPPING: 30, ESSENTIAL: 15, BIRTHDAY: 10}
OVERDUE_BONUS = 10
WAS_REGULAR = (Lifecycle.REGULAR, Lifecycle.VIP)

ENTRY_NOT_FOUND = gettext_noop("목록에서 찾을 수 없어요.")
ENTRY_ALREADY_DONE = gettext_noop("이미 챙긴 고객이에요.")
MESSAGE_EMPTY = gettext_noop("보낼 메시지를 써 주세요.")
MESSAGE_TOO_LONG = gettext_noop("메시지는 300자까지 쓸 수 있어요.")
MESSAGE_NO_CONSENT = gettext_noop("광고성 메시지 수신에 동의하지 않은 고객이에요. 광고가 아닌 안부로 보내 주세요.")
MESSAGE_QUIET_HOURS = gettext_noop(
    "21시부터 다음 날 8시까지는 야간 수신에 동의한 고객에게만 광고성 메시지를 보낼 수 있어요."
)


@dataclass
class Candidate:
    customer_id: int
    reasons: list[dict] = field(default_factory=list)

    @property
    def score(self) -> int:
        bonus = sum(OVERDUE_BONUS for r in self.reasons if r.get("status") == HouseholdEssential.Status.OVERDUE)
        return sum(REASON_WEIGHT[r["code"]] for r in self.reasons) + bonus


def previous_full_run(run: SegmentationRun) -> SegmentationRun | None:
    """The full run that was current before `run` (the lifecycle comparison's "before")."""
    return (
        SegmentationRun.objects.filter(
            kind=SegmentationRun.Kind.FULL, status=SegmentationRun.Status.SUCCEEDED, finished_at__lt=run.finished_at
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def _days_to_birthday(birth: date, today: date) -> int:
    for year in (today.year, today.year + 1):
        try:
            day = birth.replace(year=year)
        except ValueError:  # 29 February outside a leap year: celebrated on 1 March
            day = date(year, 3, 1)
        if day >= today:
            return (day - today).days
    return 366


def round_candidates(*, team: Team, today: date, now: datetime) -> list[Candidate]:
    """The team's customers worth a touch today, highest priority first. A fixed number of queries (eight) however
    many customers: visible profiles, due essentials, the previous run's regulars, low ratings, unanswered
    questions and birthdays, each one set-based query."""
    run = current_run()
    if run is None:
        return []
    visible = (
        SegmentMembership.objects.filter(run_id=run.pk, segment__team=team, segment__is_active=True)
        .values("user_id")
        .distinct()
    )
    profiles = list(
        CustomerProfile.objects.filter(run_id=run.pk, user_id__in=visible).values_list(
            "user_id", "household_id", "lifecycle", "recency_days"
        )
    )
    if not profiles:
        return []
    candidates: dict[int, Candidate] = {}

    def add(customer_id: int, reason: dict) -> None:
        candidates.setdefault(customer_id, Candidate(customer_id=customer_id)).reasons.append(reason)

    representative: dict[int, int] = {}  # household -> its first visible member (one touch per household)
    for user_id, household_id, _lifecycle, _recency in sorted(profiles):
        if household_id is not None:
            representative.setdefault(household_id, user_id)
    solo_ids = [user_id for user_id, household_id, _l, _r in profiles if household_id is None]
    essentials = HouseholdEssential.objects.filter(
        Q(household_id__in=list(representative)) | Q(user_id__in=solo_ids),
        run_id=run.pk,
        status__in=[HouseholdEssential.Status.DUE, HouseholdEssential.Status.OVERDUE],
    ).order_by("due_on", "category_id")
    for household_id, solo_id, category_name, status, due_on in essentials.values_list(
        "household_id", "user_id", "category__name", "status", "due_on"
    ):
        owner = representative.get(household_id) if household_id is not None else solo_id
        if owner is not None:
            days = (due_on - today).days if due_on else 0
            add(owner, {"code": ESSENTIAL, "category": category_name, "status": status, "days": days})

    previous = previous_full_run(run)
    if previous is not None:
        at_risk = {user_id: recency for user_id, _h, lifecycle, recency in profiles if lifecycle == Lifecycle.AT_RISK}
        was_regular = CustomerProfile.objects.filter(
            run_id=previous.pk, user_id__in=list(at_risk), lifecycle__in=WAS_REGULAR
        ).values_list("user_id", "lifecycle")
        for user_id, lifecycle in was_regular:
            add(user_id, {"code": SLIPPING, "from": lifecycle, "days": at_risk[user_id]})

    since = now - timedelta(days=RECENT_DAYS)
    seen_reviews: set[int] = set()
    for review in low_ratings_since(user_ids=visible, since=since):
        if review["user_id"] not in seen_reviews:
            seen_reviews.add(review["user_id"])
            add(review["user_id"], {"code": LOW_RATING, "rating": review["rating"], "product": review["product_name"]})
    seen_questions: set[int] = set()
    for question in questions_unanswered_by(asker_ids=visible):
        if question["asker_id"] not in seen_questions:
            seen_questions.add(question["asker_id"])
            waited = (today - question["created_at"].date()).days
            add(question["asker_id"], {"code": QUESTION, "product": question["product_name"], "days": waited})

    births = User.objects.filter(pk__in=visible, birth_date__isnull=False, is_active=True).values_list(
        "pk", "birth_date"
    )
    for user_id, birth in births:
        if birth is None:
            continue  # excluded by the query
        days = _days_to_birthday(birth, today)
        if days <= BIRTHDAY_AHEAD_DAYS:
            add(user_id, {"code": BIRTHDAY, "days": days})

    return sorted(candidates.values(), key=lambda c: (-c.score, c.customer_id))


def _entries(*, team: Team, member_id: int, today: date, picked: list[Candidate]) -> list[RoundEntry]:
    return [
        RoundEntry(team=team, member_id=member_id, day=today, customer_id=c.customer_id, position=i, reasons=c.reasons)
        for i, c in enumerate(picked[:ROUND_SIZE], start=1)
    ]


def rounds_build(*, team: Team, member: User, today: date, now: datetime) -> int:
    """Today's list for one member (their share of the team's candidates), unless it already exists. Returns rows
    written (0 when the list was already there). Safe to run twice at once: the unique (team, member, day,
    customer) key keeps one row per customer."""
    if RoundEntry.objects.filter(team=team, member=member, day=today).exists():
        return 0
    candidates = round_candidates(team=team, today=today, now=now)
    member_ids = list(
        TeamMember.objects.filter(team=team).order_by("sort_order", "pk").values_list("user_id", flat=True)
    )
    if member.pk in member_ids:
        candidates = candidates[member_ids.index(member.pk) :: len(member_ids)]
    rows = _entries(team=team, member_id=member.pk, today=today, picked=candidates)
    RoundEntry.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def rounds_build_all(*, today: date, now: datetime | None = None) -> int:
    """The morning task: today's list for every member of every team (existing lists are left alone)."""
    now = now or timezone.now()
    written = 0
    for team in Team.objects.order_by("pk"):
        member_ids = list(team.members.order_by("sort_order", "pk").values_list("user_id", flat=True))
        if not member_ids:
            continue
        done = set(RoundEntry.objects.filter(team=team, day=today).values_list("member_id", flat=True).distinct())
        if done.issuperset(member_ids):
            continue
        candidates = round_candidates(team=team, today=today, now=now)
        rows = []
        for index, member_id in enumerate(member_ids):
            if member_id not in done:
                share = candidates[index :: len(member_ids)]
                rows.extend(_entries(team=team, member_id=member_id, today=today, picked=share))
        RoundEntry.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    return written


def _entry_claim(*, seat: Seat, entry_id: int, action: str, now: datetime) -> RoundEntry:
    """Lock the seat's own open row and mark it done (inside the caller's transaction)."""
    entry = (
        RoundEntry.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=entry_id, team=seat.team, member=seat.user)
        .first()
    )
    if entry is None:
        raise DomainError(_(ENTRY_NOT_FOUND), code="not_found", http_status=404)
    if entry.action:
        raise DomainError(_(ENTRY_ALREADY_DONE), code="already_done", http_status=409)
    entry.action, entry.acted_at = action, now
    return entry


def promotional_allowed(*, customer: User, now: datetime) -> str | None:
    """Why a promotional message may not go to this customer now (the feed's consent and quiet-hour rules), or
    None when it may."""
    if not customer.has_marketing_consent:
        return _(MESSAGE_NO_CONSENT)
    if in_quiet_hours(now) and not customer.has_night_marketing_consent:
        return _(MESSAGE_QUIET_HOURS)
    return None


def round_entry_message(*, seat: Seat, entry_id: int, body: str, promotional: bool, now: datetime) -> RoundEntry:
    """Send the row's customer a personal feed message signed by the member, and record it.

    Locks the row; raises DomainError 404 (not the seat's row), 409 (already done), 400 (empty or too long, or a
    promotional message the customer's consent or the hour forbids). The feed item is pushed after commit.
    """
    body = (body or "").strip()
    if not body:
        raise DomainError(_(MESSAGE_EMPTY), code="message_invalid")
    if len(body) > MESSAGE_MAX:
        raise DomainError(_(MESSAGE_TOO_LONG), code="message_invalid")
    member_name = f"{seat.user.last_name}{seat.user.first_name}".strip() or seat.user.display_name
    with transaction.atomic(durable=True):
        entry = _entry_claim(seat=seat, entry_id=entry_id, action=RoundEntry.Action.MESSAGE, now=now)
        if promotional:
            refusal = promotional_allowed(customer=entry.customer, now=now)
            if refusal:
                raise DomainError(refusal, code="not_allowed")
        entry.feed_item = feed_item_create(
            kind=FeedItem.Kind.MD_MESSAGE,
            message_code=ROUND_MESSAGE,
            message_params={"message": body, "team": seat.team.name, "name": member_name},
            user=entry.customer,
            is_promotional=promotional,
            toast=True,
        )
        entry.save(update_fields=["action", "acted_at", "feed_item"])
    return entry


def round_entry_note(*, seat: Seat, entry_id: int, body: str, now: datetime) -> RoundEntry:
    """Leave a team note on the row's customer (crm.services.customers.customer_note_add's rules) and record it."""
    with transaction.atomic(durable=True):
        entry = _entry_claim(seat=seat, entry_id=entry_id, action=RoundEntry.Action.NOTE, now=now)
        entry.note = customer_note_add(seat=seat, customer=entry.customer, body=body)
        entry.save(update_fields=["action", "acted_at", "note"])
    return entry


def round_entry_skip(*, seat: Seat, entry_id: int, now: datetime) -> RoundEntry:
    """Record that the member looked and decided to leave the customer be today."""
    with transaction.atomic(durable=True):
        entry = _entry_claim(seat=seat, entry_id=entry_id, action=RoundEntry.Action.SKIP, now=now)
        entry.save(update_fields=["action", "acted_at"])
    return entry
