"""The 오늘 챙길 단골 page's rows: one query for a member's list of the day, each reason put into words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from accounts.models import User
from crm.models import HouseholdEssential, Lifecycle, RoundEntry, Team
from crm.services.rounds import BIRTHDAY, ESSENTIAL, LOW_RATING, QUESTION, SLIPPING


def reason_text(reason: dict) -> str:
    code = reason.get("code")
    if code == ESSENTIAL:
        days = reason.get("days", 0)
        if reason.get("status") == HouseholdEssential.Status.OVERDUE:
            return _("%(category)s 떨어졌을 때예요 (%(days)s일 지남)") % {"category": reason["category"], "days": -days}
        if days == 0:
            return _("%(category)s 오늘쯤 떨어져요") % {"category": reason["category"]}
        return _("%(category)s 곧 떨어져요 (%(days)s일 남음)") % {"category": reason["category"], "days": days}
    if code == SLIPPING:
        was = Lifecycle(reason["from"]).label if reason.get("from") in Lifecycle.values else ""
        return _("%(was)s이었는데 이탈위험으로 바뀌었어요 (마지막 주문 %(days)s일 전)") % {
            "was": was,
            "days": reason.get("days") or "—",
        }
    if code == LOW_RATING:
        return _("최근 %(product)s에 별점 %(rating)s점을 남겼어요") % {
            "product": reason["product"],
            "rating": reason["rating"],
        }
    if code == QUESTION:
        return _("%(product)s 문의에 아직 답하지 못했어요 (%(days)s일째)") % {
            "product": reason["product"],
            "days": reason.get("days", 0),
        }
    if code == BIRTHDAY:
        if reason.get("days", 0) == 0:
            return _("오늘 생일이에요")
        return _("%(days)s일 뒤 생일이에요") % {"days": reason["days"]}
    return ""


def suggestion_for(reasons: list[dict], *, name: str) -> str:
    """A first draft of the personal message for the row's strongest reason (the member edits it)."""
    first = reasons[0] if reasons else {}
    code = first.get("code")
    if code == ESSENTIAL:
        return _("%(name)s님, %(category)s 떨어질 때 됐죠? 필요하시면 말씀만 주세요, 챙겨 둘게요.") % {
            "name": name,
            "category": first["category"],
        }
    if code == LOW_RATING:
        return _(
            "%(name)s님, 남겨 주신 리뷰 잘 읽었어요. 불편하셨던 점 바로잡고 싶어요. 편하실 때 이야기 들려주세요."
        ) % {"name": name}
    if code == QUESTION:
        return _("%(name)s님, 문의 주신 내용 확인하고 있어요. 늦어져서 죄송해요, 곧 답 드릴게요.") % {"name": name}
    if code == SLIPPING:
        return _("%(name)s님, 요즘 통 못 뵀네요. 잘 지내시죠? 필요한 것 있으면 언제든 찾아 주세요.") % {"name": name}
    if code == BIRTHDAY:
        return _("%(name)s님, 생일 축하드려요! 늘 찾아 주셔서 고마워요.") % {"name": name}
    return ""


@dataclass(frozen=True)
class RoundRow:
    entry: RoundEntry
    customer: User
    reasons: list[str]
    suggestion: str
    can_promote: bool

    @property
    def is_done(self) -> bool:
        return bool(self.entry.action)


def round_rows(*, team: Team, member: User, day: date) -> list[RoundRow]:
    """The member's list for the day, in order, with the customer and what was done. One query."""
    entries = (
        RoundEntry.objects.filter(team=team, member=member, day=day)
        .select_related("customer")
        .order_by("position", "pk")
    )
    return [
        RoundRow(
            entry=entry,
            customer=entry.customer,
            reasons=[text for text in (reason_text(r) for r in entry.reasons) if text],
            suggestion=suggestion_for(entry.reasons, name=entry.customer.display_name),
            can_promote=entry.customer.has_marketing_consent,
        )
        for entry in entries
    ]
