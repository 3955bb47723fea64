"""Dashboards: a list of panels, each built by one selector from a fixed number of queries, for one team or (for
admins) every team. A panel carries the table behind its chart (which is also its CSV) and the chart's series,
which static/js/charts.js draws.

To add a panel, add a builder to PANEL_BUILDERS: it takes a DashboardScope and returns a Panel, or None when it
has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Campaign, Conversation, RoundEntry, SegmentationRun, SegmentMembership, SegmentSnapshot, Team
from crm.selectors.campaigns import campaign_summaries
from crm.selectors.chat import first_response_target
from crm.selectors.runs import current_run_id
from feed.selectors.measurement import nudge_results
from shop.selectors.orders import bought_order_times

HISTORY_RUNS = 12
MAX_SERIES = 8
RECENT_DAYS = 30
COMEBACK_DAYS = 14

TEXT, INTEGER, WON, PERCENT = "text", "int", "won", "percent"


@dataclass(frozen=True)
class DashboardScope:
    team: Team | None  # None: every team (admins)
    now: datetime

    @property
    def since(self) -> datetime:
        return self.now - timedelta(days=RECENT_DAYS)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Panel:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[list[Any]]
    chart: dict[str, Any] = field(default_factory=dict)  # {"type", "unit", "labels", "series": [{"name", "values"}]}

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def table(self) -> list[list[tuple[Any, str]]]:
        """Rows as (value, column kind) pairs, for the template's formatting."""
        return [[(value, column.kind) for value, column in zip(row, self.columns, strict=True)] for row in self.rows]

    def csv_rows(self) -> list[list[Any]]:
        """Header and rows; percentages as numbers with one decimal, money as whole won."""
        out: list[list[Any]] = [[column.label for column in self.columns]]
        for row in self.rows:
            out.append([_csv_value(value, column.kind) for value, column in zip(row, self.columns, strict=True)])
        return out


def _csv_value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == PERCENT:
        return f"{value * 100:.1f}"
    return value


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _segment_label(snapshot: SegmentSnapshot, scope: DashboardScope) -> str:
    if scope.team is None:
        return f"{snapshot.segment.team.name} · {snapshot.segment.name}"
    return snapshot.segment.name


def _history(scope: DashboardScope) -> tuple[list[SegmentationRun], list[SegmentSnapshot]]:
    """The last HISTORY_RUNS full runs (oldest first) and the scope's active segments' snapshots of them."""
    runs = list(
        SegmentationRun.objects.filter(kind=SegmentationRun.Kind.FULL, status=SegmentationRun.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .only("pk", "finished_at")[:HISTORY_RUNS]
    )[::-1]
    snapshots = SegmentSnapshot.objects.filter(run_id__in=[run.pk for run in runs], segment__is_active=True)
    if scope.team is not None:
        snapshots = snapshots.filter(segment__team=scope.team)
    return runs, list(snapshots.select_related("segment__team").order_by("segment__team__name", "segment__name"))


def _series_panel(scope: DashboardScope, *, key: str, title: str, description: str, unit: str, value) -> Panel:
    runs, snapshots = _history(scope)
    labels = [timezone.localtime(run.finished_at).strftime("%m.%d") for run in runs]
    index = {run.pk: i for i, run in enumerate(runs)}
    by_segment: dict[int, tuple[str, list[Any]]] = {}
    for snapshot in snapshots:
        label = _segment_label(snapshot, scope)
        values = by_segment.setdefault(snapshot.segment_id, (label, [None] * len(runs)))[1]
        values[index[snapshot.run_id]] = value(snapshot)
    biggest = sorted(by_segment.values(), key=lambda item: -(item[1][-1] or 0))[:MAX_SERIES]
    series = sorted(biggest, key=lambda item: item[0])  # by name: a segment keeps its colour in every chart
    kind = PERCENT if unit == PERCENT else INTEGER
    columns = [Column(_("계산한 때"))] + [Column(name, kind) for name, _values in series]
    rows = [
        [timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M")] + [values[i] for _name, values in series]
        for i, run in enumerate(runs)
    ]
    chart = {
        "type": "line",
        "unit": unit,
        "labels": labels,
        "series": [
            {"name": name, "values": [_percent(v) if unit == PERCENT else v for v in values]} for name, values in series
        ],
    }
    return Panel(key=key, title=title, description=description, columns=columns, rows=rows, chart=chart)


def segment_sizes_panel(scope: DashboardScope) -> Panel:
    """Customers per segment after each of the last full runs (two queries)."""
    return _series_panel(
        scope,
        key="segment_sizes",
        title=_("세그먼트 고객 수 추이"),
        description=_("최근 전체 계산마다 세그먼트에 든 고객 수예요."),
        unit=INTEGER,
        value=lambda snapshot: snapshot.size,
    )


def essentials_share_panel(scope: DashboardScope) -> Panel:
    """The segments' average essentials share after each of the last full runs (two queries)."""
    return _series_panel(
        scope,
        key="essentials_share",
        title=_("필수품 점유율 추이"),
        description=_("가구가 필요한 필수품 중 여기서 사는 비율(추정)의 세그먼트 평균이에요."),
        unit=PERCENT,
        value=lambda snapshot: snapshot.essentials_share,
    )


def _latest_snapshots(scope: DashboardScope) -> list[SegmentSnapshot]:
    run_id = current_run_id()
    snapshots = SegmentSnapshot.objects.filter(run_id=run_id, segment__is_active=True)
    if scope.team is not None:
        snapshots = snapshots.filter(segment__team=scope.team)
    return list(snapshots.select_related("segment__team").order_by("-revenue", "segment__name"))


def segment_revenue_panel(scope: DashboardScope) -> Panel:
    """Revenue, orders and repeat rate per segment in the current run (two queries)."""
    snapshots = _latest_snapshots(scope)
    columns = [
        Column(_("세그먼트")),
        Column(_("고객 수"), INTEGER),
        Column(_("누적 매출(원)"), WON),
        Column(_("주문 수"), INTEGER),
        Column(_("평균 주문 금액(원)"), WON),
        Column(_("재구매율"), PERCENT),
    ]
    rows = [
        [_segment_label(s, scope), s.size, s.revenue, s.orders, s.average_order_value, s.repeat_rate] for s in snapshots
    ]
    labels = [row[0] for row in rows]
    chart = {
        "type": "bar",
        "unit": WON,
        "labels": labels,
        "series": [{"name": _("누적 매출"), "values": [row[2] for row in rows]}],
        "secondary": {"unit": PERCENT, "name": _("재구매율"), "values": [_percent(s.repeat_rate) for s in snapshots]},
    }
    return Panel(
        key="segment_revenue",
        title=_("세그먼트별 매출과 재구매율"),
        description=_("지금 세그먼트 고객들의 누적 매출(막대)과 두 번 이상 산 고객 비율(점)이에요."),
        columns=columns,
        rows=rows,
        chart=chart,
    )


def _team_customer_ids(scope: DashboardScope) -> QuerySet | None:
    if scope.team is None:
        return None
    return (
        SegmentMembership.objects.filter(run_id=current_run_id(), segment__team=scope.team, segment__is_active=True)
        .values("user_id")
        .distinct()
    )


def nudge_results_panel(scope: DashboardScope) -> Panel:
    """Each nudge rule's order rate for those who saw it against its held-back control group, over the last 30
    days; for a team, among the team's customers (two queries)."""
    results = nudge_results(since=scope.since, user_ids=_team_customer_ids(scope))
    columns = [
        Column(_("넛지 규칙")),
        Column(_("보여 준 고객"), INTEGER),
        Column(_("그중 주문"), INTEGER),
        Column(_("주문률"), PERCENT),
        Column(_("대조군"), INTEGER),
        Column(_("대조군 주문"), INTEGER),
        Column(_("대조군 주문률"), PERCENT),
        Column(_("차이(%p)"), TEXT),
    ]
    rows = []
    for r in results:
        treated, control = r.treated_rate, r.control_rate
        uplift = f"{(treated - control) * 100:+.1f}" if treated is not None and control is not None else ""
        rows.append([r.name, r.treated, r.treated_ordered, treated, r.control, r.control_ordered, control, uplift])
    chart = {
        "type": "bar",
        "unit": PERCENT,
        "labels": [row[0] for row in rows],
        "series": [
            {"name": _("보여 준 고객"), "values": [_percent(r.treated_rate) for r in results]},
            {"name": _("대조군"), "values": [_percent(r.control_rate) for r in results]},
        ],
    }
    return Panel(
        key="nudges",
        title=_("넛지 효과 (대조군과 비교)"),
        description=_("최근 30일, 넛지를 본 고객과 일부러 보여 주지 않은 대조군의 주문률이에요."),
        columns=columns,
        rows=rows,
        chart=chart,
    )


def round_outcomes_panel(scope: DashboardScope) -> Panel:
    """오늘 챙길 단골 over the last 30 days: per action, how many customers ordered within 14 days of the touch
    (rows left untouched count from the start of their day). Two queries."""
    entries = RoundEntry.objects.filter(day__gte=timezone.localdate(scope.since))
    if scope.team is not None:
        entries = entries.filter(team=scope.team)
    listed = list(entries.values_list("customer_id", "action", "acted_at", "day"))
    orders: dict[int, list[datetime]] = {}
    if listed:
        first_day = min(row[3] for row in listed)
        start = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
        for user_id, placed_at in bought_order_times(user_ids=list({row[0] for row in listed}), since=start):
            orders.setdefault(user_id, []).append(placed_at)
    groups = [*RoundEntry.Action.values, ""]
    totals = {group: [0, 0] for group in groups}
    for customer_id, action, acted_at, day in listed:
        touched_at = acted_at or timezone.make_aware(datetime.combine(day, datetime.min.time()))
        came_back = any(
            touched_at < at <= touched_at + timedelta(days=COMEBACK_DAYS) for at in orders.get(customer_id, [])
        )
        totals[action][0] += 1
        totals[action][1] += int(came_back)
    labels = {**dict(RoundEntry.Action.choices), "": _("손대지 않음")}
    columns = [
        Column(_("한 일")),
        Column(_("고객"), INTEGER),
        Column(_("14일 안에 주문"), INTEGER),
        Column(_("돌아온 비율"), PERCENT),
    ]
    shown = totals if listed else {}
    rates = {group: back / count if count else None for group, (count, back) in shown.items()}
    rows = [[str(labels[group]), count, back, rates[group]] for group, (count, back) in shown.items()]
    chart = {
        "type": "bar",
        "unit": PERCENT,
        "labels": [row[0] for row in rows],
        "series": [{"name": _("돌아온 비율"), "values": [_percent(rate) for rate in rates.values()]}],
    }
    return Panel(
        key="morning_round",
        title=_("오늘 챙길 단골: 돌아온 고객"),
        description=_("최근 30일 목록에 오른 고객이 챙긴 뒤 14일 안에 주문했는지예요."),
        columns=columns,
        rows=rows,
        chart=chart,
    )


def campaign_results_panel(scope: DashboardScope) -> Panel:
    """Campaigns launched in the last 30 days: delivery, engagement, and the treated group's order rate against
    the held-out control group with the uplift's 95 % interval (four queries)."""
    summaries = [
        summary
        for summary in campaign_summaries(scope.team, since=scope.since)
        if summary["launched_at"] is not None and summary["status"] != Campaign.Status.CANCELLED
    ]
    columns = [
        Column(_("캠페인")),
        Column(_("세그먼트")),
        Column(_("받은 고객"), INTEGER),
        Column(_("열어 본 고객"), INTEGER),
        Column(_("쿠폰 사용"), INTEGER),
        Column(_("주문률"), PERCENT),
        Column(_("대조군 주문률"), PERCENT),
        Column(_("차이(%p, 95% 구간)"), TEXT),
        Column(_("매출(원)"), WON),
    ]
    rows = []
    for summary in summaries:
        uplift = summary["uplift"]
        title = summary["title"] if scope.team is not None else f"{summary['team']} · {summary['title']}"
        rows.append(
            [
                title,
                summary["segment"],
                summary["delivered"],
                summary["opened"],
                summary["coupon_used"],
                uplift["treated_rate"] if uplift else None,
                uplift["control_rate"] if uplift else None,
                _uplift_text(uplift),
                summary["revenue"],
            ]
        )
    chart = {
        "type": "bar",
        "unit": PERCENT,
        "labels": [row[0] for row in rows],
        "series": [
            {"name": _("받은 고객"), "values": [_percent(row[5]) for row in rows]},
            {"name": _("대조군"), "values": [_percent(row[6]) for row in rows]},
        ],
    }
    return Panel(
        key="campaigns",
        title=_("캠페인 효과 (대조군과 비교)"),
        description=_("최근 30일 보낸 캠페인마다 받은 고객과 일부러 보내지 않은 대조군의 주문률이에요."),
        columns=columns,
        rows=rows,
        chart=chart,
    )


def _uplift_text(uplift: dict[str, Any] | None) -> str:
    if uplift is None:
        return ""
    return f"{uplift['difference'] * 100:+.1f} ({uplift['low'] * 100:+.1f} ~ {uplift['high'] * 100:+.1f})"


def chat_service_panel(scope: DashboardScope) -> Panel:
    """1:1 문의 of the last 30 days by week: conversations, the median wait for the first answer, the share
    answered within the first-response target, and satisfaction (one query)."""
    conversations = Conversation.objects.filter(created_at__gte=scope.since)
    if scope.team is not None:
        conversations = conversations.filter(team=scope.team)
    rows_by_week: dict[Any, list[tuple[datetime, datetime | None, int | None]]] = {}
    for created_at, first_response_at, rating in conversations.values_list("created_at", "first_response_at", "rating"):
        day = timezone.localdate(created_at)
        week = day - timedelta(days=day.weekday())
        rows_by_week.setdefault(week, []).append((created_at, first_response_at, rating))
    target = first_response_target()
    columns = [
        Column(_("주 (월요일부터)")),
        Column(_("문의"), INTEGER),
        Column(_("첫 답변까지 중앙값(분)"), INTEGER),
        Column(_("목표 안에 답한 비율"), PERCENT),
        Column(_("평균 만족도(5점)"), TEXT),
        Column(_("평가 수"), INTEGER),
    ]
    rows = []
    for week, items in sorted(rows_by_week.items()):
        waits = sorted((answered - created) for created, answered, _rating in items if answered is not None)
        median = round(waits[len(waits) // 2].total_seconds() / 60) if waits else None
        in_target = sum(1 for wait in waits if wait <= target) / len(items)
        ratings = [rating for _created, _answered, rating in items if rating is not None]
        average = f"{sum(ratings) / len(ratings):.1f}" if ratings else ""
        rows.append([week.strftime("%m.%d"), len(items), median, in_target, average, len(ratings)])
    chart = {
        "type": "bar",
        "unit": INTEGER,
        "labels": [row[0] for row in rows],
        "series": [{"name": _("첫 답변까지 중앙값(분)"), "values": [row[2] for row in rows]}],
        "secondary": {"unit": PERCENT, "name": _("목표 안에 답한 비율"), "values": [_percent(row[3]) for row in rows]},
    }
    return Panel(
        key="chat",
        title=_("1:1 문의 응답과 만족도"),
        description=_("최근 30일 주마다 첫 답변까지 걸린 시간(막대)과 목표 시간 안에 답한 비율(점)이에요."),
        columns=columns,
        rows=rows,
        chart=chart,
    )


PanelBuilder = Callable[[DashboardScope], "Panel | None"]
PANEL_BUILDERS: dict[str, PanelBuilder] = {
    "segment_sizes": segment_sizes_panel,
    "segment_revenue": segment_revenue_panel,
    "essentials_share": essentials_share_panel,
    "nudges": nudge_results_panel,
    "morning_round": round_outcomes_panel,
    "campaigns": campaign_results_panel,
    "chat": chat_service_panel,
}


def dashboard_panels(*, team: Team | None, now: datetime) -> list[Panel]:
    scope = DashboardScope(team=team, now=now)
    return [panel for builder in PANEL_BUILDERS.values() if (panel := builder(scope)) is not None]


def dashboard_panel(*, team: Team | None, key: str, now: datetime) -> Panel | None:
    builder = PANEL_BUILDERS.get(key)
    return builder(DashboardScope(team=team, now=now)) if builder is not None else None
