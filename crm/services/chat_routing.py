"""Where a new 1:1 문의 goes: what it is about, which team answers it, which CS member takes it, and whether the
team is open right now (business hours, Asia/Seoul)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from accounts.models import User
from config import local_memo
from config.errors import DomainError
from crm.models import BusinessHours, ChatDuty, Conversation, SegmentMembership, Team, TeamMember
from crm.selectors.runs import current_run_id
from shop.models import Order, Product, Store
from shop.selectors.catalog import product_get, store_get
from shop.selectors.orders import order_get_for_user

SEOUL = ZoneInfo("Asia/Seoul")
HOURS_MEMO_SECONDS = 30.0
CONTEXT_NOT_FOUND = gettext_noop("문의할 대상을 찾을 수 없어요. 페이지를 새로 고친 뒤 다시 시도해 주세요.")
NO_TEAM = gettext_noop("지금은 문의를 받을 팀이 없어요. 잠시 뒤에 다시 시도해 주세요.")
WEEKDAYS = ("월", "화", "수", "목", "금", "토", "일")  # translated with the "weekday" context of BusinessHours


@dataclass(frozen=True)
class ChatContext:
    """What a conversation is about, as the team sees it: kind, the object's id, a label, a link and its shop."""

    kind: str = ""
    object_id: int | None = None
    label: str = ""
    url: str = ""
    store: Store | None = None


def chat_context_resolve(*, customer: User, kind: str, ref: str) -> ChatContext:
    """Resolve "product 12" / "order 20261130-0001" / "shop dongne-living" / "page /c/kitchen/" for `customer`.

    An order must be the customer's own. Raises DomainError (404) when the object is not there."""
    try:
        if kind == Conversation.Context.PRODUCT:
            product = product_get(pk=int(ref))
            return ChatContext(kind, product.pk, product.name[:120], product.get_absolute_url(), product.store)
        if kind == Conversation.Context.ORDER:
            order = order_get_for_user(user=customer, number=ref)
            lines = list(order.lines.all())
            store = Store.objects.filter(pk=lines[0].store_id).first() if lines else None
            label = _("주문 %(number)s") % {"number": order.number}
            url = reverse("shop:order_detail", kwargs={"number": order.number})
            return ChatContext(kind, order.pk, label, url, store)
        if kind == Conversation.Context.SHOP:
            store = store_get(slug=ref)
            return ChatContext(kind, store.pk, store.name, store.get_absolute_url(), store)
        if kind == Conversation.Context.PAGE:
            path = ref if ref.startswith("/") and not ref.startswith("//") else "/"
            return ChatContext(kind, None, path[:120], path[:300], None)
    except (ValueError, DomainError, Product.DoesNotExist, Order.DoesNotExist, Store.DoesNotExist) as error:
        raise DomainError(_(CONTEXT_NOT_FOUND), code="not_found", http_status=404) from error
    return ChatContext()


def chat_team_for(*, customer: User, store: Store | None) -> Team:
    """The team that runs the shop in question, else the team owning the customer's first segment in the current
    run, else CRM_CHAT_DEFAULT_TEAM (a slug), else the oldest team. Raises DomainError when there is no team."""
    if store is not None:
        return Team.objects.get(pk=store.team_id)
    run_id = current_run_id()
    if run_id is not None:
        team_id = (
            SegmentMembership.objects.filter(run_id=run_id, user=customer, segment__is_active=True)
            .order_by("segment_id")
            .values_list("segment__team_id", flat=True)
            .first()
        )
        if team_id is not None:
            return Team.objects.get(pk=team_id)
    default_slug = settings.CRM_CHAT_DEFAULT_TEAM
    team = Team.objects.filter(slug=default_slug).first() if default_slug else None
    team = team or Team.objects.order_by("pk").first()
    if team is None:
        raise DomainError(_(NO_TEAM), code="no_team", http_status=503)
    return team


def chat_assignee_pick(*, team: Team, now: datetime) -> User | None:
    """Round-robin among the team's CS members on duty: the one assigned longest ago (never first) gets it.

    The caller must hold the team's row lock (`Team.objects.select_for_update()`), which serialises concurrent
    starts so two conversations never both go to the same "longest ago" member. Returns None when nobody is on
    duty (the conversation waits unassigned)."""
    member = (
        TeamMember.objects.filter(team=team, role=TeamMember.Role.CS)
        .exclude(chat_duty__is_on_duty=False)
        .select_related("user")
        .order_by(F("chat_duty__last_assigned_at").asc(nulls_first=True), "pk")
        .first()
    )
    if member is None:
        return None
    ChatDuty.objects.update_or_create(member=member, defaults={"last_assigned_at": now})
    return member.user


def team_hours(team: Team) -> list[BusinessHours]:
    return list(BusinessHours.objects.filter(team=team).order_by("weekday", "opens_at"))


def team_hours_cached(team: Team) -> list[BusinessHours]:
    """The team's hours, read at most every HOURS_MEMO_SECONDS per process (every customer message asks); a change
    reaches other processes that late, the process that made it at once."""
    return local_memo.get(f"chat:hours:{team.pk}", lambda: team_hours(team), seconds=HOURS_MEMO_SECONDS)


def team_is_open(*, hours: list[BusinessHours], now: datetime) -> bool:
    """A team without business hours is always open."""
    if not hours:
        return True
    local = now.astimezone(SEOUL)
    clock = local.time()
    return any(h.weekday == local.weekday() and h.opens_at <= clock < h.closes_at for h in hours)


def team_next_opening(*, hours: list[BusinessHours], now: datetime) -> datetime | None:
    """The next moment the team opens after `now` (aware, Seoul), within a week; None without hours."""
    local = now.astimezone(SEOUL)
    for days in range(8):
        day = (local + timedelta(days=days)).date()
        for h in hours:
            if h.weekday != day.weekday():
                continue
            start = datetime.combine(day, h.opens_at, tzinfo=SEOUL)
            if start > local:
                return start
    return None


def opening_text(when: datetime, *, now: datetime) -> str:
    """ "오늘 오전 10:00", "내일 오후 2:00", "12월 2일(수) 오전 10:00"."""
    local_now = now.astimezone(SEOUL)
    hour = when.hour % 12 or 12
    clock = (_("오전 %(h)d:%(m)02d") if when.hour < 12 else _("오후 %(h)d:%(m)02d")) % {"h": hour, "m": when.minute}
    days = (when.date() - local_now.date()).days
    if days == 0:
        return _("오늘 %(clock)s") % {"clock": clock}
    if days == 1:
        return _("내일 %(clock)s") % {"clock": clock}
    return _("%(month)d월 %(day)d일(%(weekday)s) %(clock)s") % {
        "month": when.month,
        "day": when.day,
        "weekday": pgettext("weekday", WEEKDAYS[when.weekday()]),
        "clock": clock,
    }


def business_hours_set(*, team: Team, weekdays: list[int], opens_at: time, closes_at: time) -> list[BusinessHours]:
    """Replace the team's hours with one stretch on each of `weekdays` (demo data and the admin use it)."""
    local_memo.forget(f"chat:hours:{team.pk}")
    BusinessHours.objects.filter(team=team).delete()
    rows = [BusinessHours(team=team, weekday=d, opens_at=opens_at, closes_at=closes_at) for d in weekdays]
    for row in rows:
        row.full_clean(exclude=["team"])
    return BusinessHours.objects.bulk_create(rows)
