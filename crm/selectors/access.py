"""Who may do what in the back office. Every crm page, export and API goes through these functions.

A member of a team sees only the customers in segments their team owns; admins (superusers) see every team and
every customer. Roles decide actions: only MD 리더 and 마케터 create segments, start runs and launch campaigns; only
CS 상담 sees unmasked phone numbers and addresses (admins see everything).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import SegmentMembership, Team, TeamMember
from crm.selectors.runs import current_run_id

Role = TeamMember.Role

MANAGE_SEGMENTS = "manage_segments"
LAUNCH_CAMPAIGNS = "launch_campaigns"
SEE_CONTACT = "see_contact"
EXPORT_CUSTOMERS = "export_customers"
WRITE_NOTES = "write_notes"

PERMISSIONS: dict[str, frozenset[str]] = {
    MANAGE_SEGMENTS: frozenset({Role.MD_LEAD, Role.MARKETER}),
    LAUNCH_CAMPAIGNS: frozenset({Role.MD_LEAD, Role.MARKETER}),
    SEE_CONTACT: frozenset({Role.CS}),
    EXPORT_CUSTOMERS: frozenset({Role.MD_LEAD, Role.MARKETER, Role.ANALYST}),
    WRITE_NOTES: frozenset({Role.MD_LEAD, Role.CS, Role.MARKETER, Role.ANALYST, Role.PLANNER}),
}


@dataclass(frozen=True)
class Seat:
    """The signed-in staff user as seen from one team: their role there (None for an admin who is not a member)."""

    user: User
    team: Team
    role: str | None

    @property
    def is_admin(self) -> bool:
        return self.user.is_superuser

    def can(self, permission: str) -> bool:
        return self.is_admin or (self.role is not None and self.role in PERMISSIONS[permission])

    @property
    def role_label(self) -> str:
        if self.role is None:
            return str(_("관리자"))
        return str(Role(self.role).label)


def is_backoffice_user(user: User) -> bool:
    """Admins and every member of an MD team may open /crm/."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or TeamMember.objects.filter(user=user).exists()


def teams_for(user: User) -> QuerySet[Team]:
    """The teams the user can switch between: all teams for an admin, else their own."""
    teams = Team.objects.order_by("name", "pk")
    if user.is_superuser:
        return teams
    return teams.filter(members__user=user).distinct()


def seat_for(*, user: User, team: Team) -> Seat | None:
    """The user's seat in `team`, or None when they may not see it (callers answer 404, never 403: a team's
    existence is not disclosed to outsiders)."""
    if not user.is_authenticated:
        return None
    role = TeamMember.objects.filter(team=team, user=user).values_list("role", flat=True).first()
    if role is None and not user.is_superuser:
        return None
    return Seat(user=user, team=team, role=role)


def visible_customer_ids(*, seat: Seat, run_id: int | None = None) -> QuerySet:
    """Ids of the customers this seat may see: members of the team's segments in the current run.

    Admins see every customer of the team's segments too when working inside a team; `customer_visible` lets
    them open anyone. Returns a values_list queryset, usable as a subquery.
    """
    run_id = run_id if run_id is not None else current_run_id()
    return (
        SegmentMembership.objects.filter(run_id=run_id, segment__team=seat.team, segment__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def customer_visible(*, seat: Seat, customer_id: int) -> bool:
    """May this seat open this customer's record? Admins: any customer. Members: only their team's segments."""
    if seat.is_admin:
        return User.objects.filter(pk=customer_id).exists()
    return visible_customer_ids(seat=seat).filter(user_id=customer_id).exists()
