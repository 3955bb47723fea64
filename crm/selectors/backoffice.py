"""Reads for the back office's own pages: the admin's team overview, a team's page, the run log and the audit log.

Each returns rows ready for the template in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from crm.models import AuditLog, LifecycleThresholds, Segment, SegmentationRun, SegmentSnapshot, Team, TeamMember
from crm.selectors.access import MANAGE_SEGMENTS, PERMISSIONS, teams_for
from crm.selectors.segments import SegmentRow, segment_rows_for_team
from shop.models import Store


def _count_of(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated COUNT subquery (no join fan-out when several counts sit on one row)."""
    counted = queryset.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def team_overview() -> QuerySet[Team]:
    """Every team with its number of members, shops and active segments (one query): the admin's /crm/ page."""
    return Team.objects.annotate(
        member_count=_count_of(TeamMember.objects.filter(team=OuterRef("pk")), "team"),
        store_count=_count_of(Store.objects.filter(team=OuterRef("pk")), "team"),
        segment_count=_count_of(Segment.objects.filter(team=OuterRef("pk"), is_active=True), "team"),
    ).order_by("name", "pk")


@dataclass(frozen=True)
class TeamPage:
    team: Team
    members: list[TeamMember]
    stores: list[Store]
    segments: list[SegmentRow]

    @property
    def total_customers(self) -> int:
        return sum(row.size for row in self.segments if row.segment.is_active)


def team_page(*, team: Team) -> TeamPage:
    """A team's members (with users, for names and photos), its shops and its segments with sizes: four queries."""
    members = list(TeamMember.objects.filter(team=team).select_related("user").order_by("sort_order", "pk"))
    stores = list(Store.objects.filter(team=team).order_by("-is_active", "name", "pk"))
    return TeamPage(team=team, members=members, stores=stores, segments=segment_rows_for_team(team=team, sort="-size"))


def run_list() -> QuerySet[SegmentationRun]:
    """Runs newest first with who asked for them (paginate it: one count query and one page query)."""
    return SegmentationRun.objects.select_related("requested_by").order_by("-created_at", "-pk")


def run_segment_results(*, run: SegmentationRun, user: User) -> list[SegmentSnapshot]:
    """The sizes this run gave the segments of the user's teams (every team's for an admin), in one query."""
    snapshots = SegmentSnapshot.objects.filter(run=run).select_related("segment__team")
    if not user.is_superuser:
        snapshots = snapshots.filter(segment__team__in=teams_for(user).values("pk"))
    return list(snapshots.order_by("segment__team__name", "segment__name", "pk"))


def can_start_runs(user: User) -> bool:
    """Admins, and members whose role may manage segments in at least one of their teams."""
    if user.is_superuser:
        return True
    return TeamMember.objects.filter(user=user, role__in=PERMISSIONS[MANAGE_SEGMENTS]).exists()


def lifecycle_thresholds() -> LifecycleThresholds:
    """The thresholds row; an unsaved row with the defaults before any admin saved one (no write on a read)."""
    return LifecycleThresholds.objects.select_related("updated_by").filter(pk=1).first() or LifecycleThresholds(pk=1)


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    customer: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _user_match(prefix: str, text: str) -> Q:
    text = text.strip()
    match = Q(**{f"{prefix}__username__iexact": text}) | Q(**{f"{prefix}__nickname__iexact": text})
    if text.isdigit():
        match |= Q(**{f"{prefix}_id": int(text)})
    return match


def audit_log_list(*, filters: AuditFilters) -> QuerySet[AuditLog]:
    """Audit rows newest first, filtered by who (username, nickname or id), what, whose record and when (Seoul
    dates, both ends included). Related rows come in the same query; paginate it."""
    rows = AuditLog.objects.select_related("actor", "customer", "team", "segment").order_by("-created_at", "-pk")
    if filters.actor:
        rows = rows.filter(_user_match("actor", filters.actor))
    if filters.customer:
        rows = rows.filter(_user_match("customer", filters.customer))
    if filters.action:
        rows = rows.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        rows = rows.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        rows = rows.filter(created_at__lte=datetime.combine(filters.date_to, time.max, tzinfo=zone))
    return rows
