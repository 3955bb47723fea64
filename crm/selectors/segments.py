"""Reads for the segment pages: a team's segments with their latest figures and size history, one segment for its
page or editor, and the condition catalogue the editor offers (from the engine, crm.services.conditions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from crm.models import Segment, SegmentationRun, SegmentSnapshot, Team
from crm.services.condition_fields import field_catalogue

SPARKLINE_POINTS = 20
HISTORY_POINTS = 60
SPARKLINE_WIDTH = 100
SPARKLINE_HEIGHT = 24

SORT_KEYS = {
    "name": lambda row: (row.segment.name,),
    "size": lambda row: (row.size, row.segment.name),
    "revenue": lambda row: (row.revenue, row.segment.name),
    "aov": lambda row: (row.average_order_value, row.segment.name),
    "repeat": lambda row: (row.repeat_rate, row.segment.name),
    "essentials": lambda row: (row.essentials_share if row.essentials_share is not None else -1.0, row.segment.name),
}
DEFAULT_SORT = "name"


def _points(values: list[int], *, width: float, height: float, pad: float = 2.0) -> str:
    """SVG polyline points for `values` (oldest first) scaled into a width x height box."""
    if not values:
        return ""
    if len(values) == 1:
        values = [values[0], values[0]]
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / (len(values) - 1)
    usable = height - 2 * pad
    coords = []
    for index, value in enumerate(values):
        x = index * step
        y = pad + usable - (value - low) * usable / span if high != low else height / 2
        coords.append(f"{x:.1f},{y:.1f}")
    return " ".join(coords)


@dataclass(frozen=True)
class SegmentRow:
    """One segment with its latest snapshot and its recent sizes (oldest first), ready for a table row."""

    segment: Segment
    latest: SegmentSnapshot | None
    sizes: tuple[int, ...] = ()

    @property
    def size(self) -> int:
        return self.latest.size if self.latest else 0

    @property
    def revenue(self) -> int:
        return self.latest.revenue if self.latest else 0

    @property
    def average_order_value(self) -> int:
        return self.latest.average_order_value if self.latest else 0

    @property
    def repeat_rate(self) -> float:
        return self.latest.repeat_rate if self.latest else 0.0

    @property
    def essentials_share(self) -> float | None:
        return self.latest.essentials_share if self.latest else None

    @property
    def repeat_percent(self) -> float:
        return self.repeat_rate * 100

    @property
    def essentials_percent(self) -> float | None:
        share = self.essentials_share
        return None if share is None else share * 100

    @property
    def has_figures(self) -> bool:
        return self.latest is not None

    @property
    def sparkline_points(self) -> str:
        return _points(list(self.sizes), width=SPARKLINE_WIDTH, height=SPARKLINE_HEIGHT)

    @property
    def size_change(self) -> int | None:
        """Change since the previous run (None with fewer than two runs)."""
        if len(self.sizes) < 2:
            return None
        return self.sizes[-1] - self.sizes[-2]


def _ranked_snapshots(*, segment_filter: dict[str, Any], limit: int) -> QuerySet[SegmentSnapshot]:
    """The newest `limit` snapshots of each matching segment from succeeded runs, in one query (a window function)."""
    return (
        SegmentSnapshot.objects.filter(run__status=SegmentationRun.Status.SUCCEEDED, **segment_filter)
        .annotate(
            recent_rank=Window(
                RowNumber(), partition_by=[F("segment_id")], order_by=[F("computed_at").desc(), F("pk").desc()]
            )
        )
        .filter(recent_rank__lte=limit)
        .order_by("segment_id", "computed_at", "pk")
    )


def segment_rows_for_team(*, team: Team, sort: str = DEFAULT_SORT, query: str = "") -> list[SegmentRow]:
    """The team's segments with their latest figures and a short size series for the sparkline.

    Two queries whatever the number of segments: the segments, and their newest snapshots ranked per segment.
    `sort` is one of SORT_KEYS, '-' first for descending; unknown keys fall back to the name. Active segments come
    before paused ones only when sorting by name.
    """
    segments = Segment.objects.filter(team=team).select_related("created_by").order_by("name", "pk")
    if query:
        segments = segments.filter(name__icontains=query)
    segment_list = list(segments)
    if not segment_list:
        return []
    series: dict[int, list[SegmentSnapshot]] = defaultdict(list)
    for snapshot in _ranked_snapshots(segment_filter={"segment__team": team}, limit=SPARKLINE_POINTS):
        series[snapshot.segment_id].append(snapshot)
    rows = [
        SegmentRow(
            segment=segment,
            latest=series[segment.pk][-1] if series[segment.pk] else None,
            sizes=tuple(s.size for s in series[segment.pk]),
        )
        for segment in segment_list
    ]
    key_name = sort.lstrip("-")
    key = SORT_KEYS.get(key_name, SORT_KEYS[DEFAULT_SORT])
    descending = sort.startswith("-") and key_name in SORT_KEYS
    rows.sort(key=key, reverse=descending)
    return rows


def segment_get_for_team(*, team: Team, pk: int) -> Segment | None:
    """One of the team's segments (None when it belongs to another team or does not exist: callers answer 404)."""
    return Segment.objects.select_related("team", "created_by").filter(team=team, pk=pk).first()


@dataclass(frozen=True)
class SegmentHistory:
    """A segment's sizes over its recent runs, with the chart's polyline and axis labels precomputed."""

    snapshots: list[SegmentSnapshot] = field(default_factory=list)
    width: int = 600
    height: int = 120

    @property
    def latest(self) -> SegmentSnapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    @property
    def points(self) -> str:
        return _points([s.size for s in self.snapshots], width=self.width, height=self.height, pad=8)

    @property
    def high(self) -> int:
        return max((s.size for s in self.snapshots), default=0)

    @property
    def low(self) -> int:
        return min((s.size for s in self.snapshots), default=0)


def segment_history(*, segment: Segment, limit: int = HISTORY_POINTS) -> SegmentHistory:
    """The segment's newest `limit` snapshots from succeeded runs, oldest first (one query)."""
    snapshots = list(_ranked_snapshots(segment_filter={"segment": segment}, limit=limit).select_related("run"))
    return SegmentHistory(snapshots=snapshots)


def condition_catalogue() -> list[dict[str, Any]]:
    """The editor's field catalogue (key, label, group, type, ops, choices, unit, bounds), JSON-ready; one query
    (the categories). The engine owns it, so the editor and the validator never disagree."""
    return field_catalogue()


@dataclass(frozen=True)
class ConditionWords:
    """One condition in words, or a nested group (`match_label` with its own `items`)."""

    text: str = ""
    match_label: str = ""
    items: tuple[ConditionWords, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.match_label)


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _choice_text(entry: dict[str, Any], value: Any) -> str:
    labels = {str(choice["value"]): choice["label"] for choice in entry.get("choices", [])}
    values = value if isinstance(value, list) else [value]
    return ", ".join(labels.get(str(item), str(item)) for item in values)


def _condition_text(condition: dict[str, Any], fields: dict[str, dict[str, Any]]) -> str:
    entry = fields.get(condition.get("field", ""))
    if entry is None:
        return _("알 수 없는 조건")
    label, op, value, unit = entry["label"], condition.get("op", ""), condition.get("value"), entry.get("unit", "")
    kind = entry["type"]
    if kind == "number":
        if op == "between" and isinstance(value, list) and len(value) == 2:
            phrase = f"{_number_text(value[0])}{unit} ~ {_number_text(value[1])}{unit}"
        else:
            number = f"{_number_text(value)}{unit}"
            phrase = {
                "eq": number,
                "ne": _("%(value)s 아님") % {"value": number},
                "gt": _("%(value)s 초과") % {"value": number},
                "gte": _("%(value)s 이상") % {"value": number},
                "lt": _("%(value)s 미만") % {"value": number},
                "lte": _("%(value)s 이하") % {"value": number},
            }.get(op, number)
        return f"{label}: {phrase}"
    if kind == "choice":
        names = _choice_text(entry, value)
        if op == "not_in":
            return _("%(label)s: %(names)s 제외") % {"label": label, "names": names}
        return f"{label}: {names}"
    if kind == "bool":
        return f"{label}: {_('예') if value else _('아니요')}"
    value = value if isinstance(value, dict) else {}
    category = _choice_text(entry, value.get("category"))
    if kind == "category_views":
        return _("%(category)s 카테고리를 최근 %(days)s일 동안 %(count)s번 이상 봤어요") % {
            "category": category,
            "days": _number_text(value.get("days")),
            "count": _number_text(value.get("count")),
        }
    if kind == "category_purchase":
        parts = [_("%(category)s 카테고리를") % {"category": category}]
        if value.get("days"):
            parts.append(_("최근 %(days)s일 동안") % {"days": _number_text(value["days"])})
        if value.get("min_spend"):
            parts.append(_("%(amount)s원 이상") % {"amount": _number_text(value["min_spend"])})
        parts.append(_("산 적 없어요") if op == "not_bought" else _("산 적 있어요"))
        return " ".join(str(part) for part in parts)
    if kind == "essential_category":
        if op == "overdue":
            return _("필수품 %(category)s: 떨어졌을 때예요") % {"category": category}
        return _("필수품 %(category)s: 곧 떨어져요") % {"category": category}
    return str(label)


def definition_describe(definition: Any, *, catalogue: list[dict[str, Any]]) -> ConditionWords:
    """A segment's conditions in Korean words, for its page: a group with its match word and one line per condition.
    Reads nothing from the database (the catalogue comes from `condition_catalogue`)."""
    fields = {entry["key"]: entry for entry in catalogue}

    def group(node: dict[str, Any]) -> ConditionWords:
        match_label = _("모든 조건을 만족해요 (AND)") if node.get("match") != "any" else _("하나라도 만족해요 (OR)")
        items = []
        for child in node.get("conditions") or []:
            if not isinstance(child, dict):
                continue
            if "conditions" in child:
                items.append(group(child))
            else:
                items.append(ConditionWords(text=_condition_text(child, fields)))
        return ConditionWords(match_label=match_label, items=tuple(items))

    return group(definition if isinstance(definition, dict) else {})
