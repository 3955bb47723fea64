"""Segment conditions: a JSON condition tree, validated, then compiled to one Django Q over CustomerProfile.

    {"match": "all" | "any", "conditions": [
        {"field": "r_score", "op": "gte", "value": 4},
        {"match": "any", "conditions": [{"field": "lifecycle", "op": "in", "value": ["vip", "regular"]}, ...]},
    ]}

The fields, operators and value shapes are listed in crm.services.condition_fields (the editor's catalogue).
Profile columns compile to plain lookups; category purchases, category views and household essentials compile to
`user_id IN (subquery)` tests (uncorrelated: computed once, then a hash lookup per customer), so a whole segment is
one SELECT that a run wraps in INSERT ... SELECT and the editor counts for its live preview. Every query works on PostgreSQL and SQLite.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.errors import DomainError
from crm.models import CustomerProfile, HouseholdEssential
from crm.selectors.runs import current_run_id
from crm.services.condition_fields import (
    BOOL,
    CATEGORY_KINDS,
    CATEGORY_PURCHASE,
    CATEGORY_VIEWS,
    CHOICE,
    ESSENTIAL_CATEGORY,
    FIELDS,
    NUMBER,
    VIEW_DAYS_MAX,
    ConditionField,
    field_catalogue,
)

__all__ = [
    "FIELDS",
    "conditions_clean",
    "field_catalogue",
    "segment_count_preview",
    "segment_members_queryset",
    "segment_q",
]

MATCH_ALL = "all"
MATCH_ANY = "any"
MAX_DEPTH = 3
MAX_CONDITIONS = 30

CONDITIONS_NOT_A_TREE = gettext_noop("조건 형식이 올바르지 않아요. 처음부터 다시 만들어 주세요.")
CONDITIONS_EMPTY = gettext_noop("조건을 하나 이상 넣어 주세요.")
CONDITIONS_TOO_MANY = gettext_noop("조건은 {limit}개까지 넣을 수 있어요.")
CONDITIONS_TOO_DEEP = gettext_noop("조건 묶음은 {limit}단계까지만 넣을 수 있어요.")
CONDITION_BAD_MATCH = gettext_noop("{position}: '모두 만족' 또는 '하나라도 만족' 중에서 골라 주세요.")
CONDITION_EMPTY_GROUP = gettext_noop("{position}: 빈 조건 묶음이에요. 조건을 넣거나 묶음을 지워 주세요.")
CONDITION_UNKNOWN_FIELD = gettext_noop("{position}: 알 수 없는 항목이에요.")
CONDITION_BAD_OP = gettext_noop("{position}: '{field}'에는 쓸 수 없는 비교 방법이에요.")
CONDITION_NOT_A_NUMBER = gettext_noop("{position}: '{field}'에는 숫자를 넣어 주세요.")
CONDITION_OUT_OF_RANGE = gettext_noop("{position}: '{field}' 값은 {low}~{high} 사이여야 해요.")
CONDITION_TOO_SMALL = gettext_noop("{position}: '{field}' 값은 {low} 이상이어야 해요.")
CONDITION_BAD_RANGE = gettext_noop("{position}: '{field}'의 범위는 [작은 값, 큰 값] 두 숫자로 넣어 주세요.")
CONDITION_BAD_CHOICE = gettext_noop("{position}: '{field}'에서 고를 수 없는 값이 있어요.")
CONDITION_NO_CHOICE = gettext_noop("{position}: '{field}'에서 하나 이상 골라 주세요.")
CONDITION_NOT_A_BOOL = gettext_noop("{position}: '{field}'는 예 또는 아니요로 골라 주세요.")
CONDITION_NO_CATEGORY = gettext_noop("{position}: '{field}'의 카테고리를 골라 주세요.")
CONDITION_UNKNOWN_CATEGORY = gettext_noop("{position}: 없는 카테고리예요. 다른 카테고리를 골라 주세요.")
CONDITION_NOT_ESSENTIAL = gettext_noop("{position}: 필수품 카테고리만 고를 수 있어요.")
POSITION = gettext_noop("{path}번째 조건")


def _fail(message: str, position: str = "", **values: Any) -> DomainError:
    return DomainError(_(message).format(position=position, **values), code="segment_conditions")


def _position(path: tuple[int, ...]) -> str:
    return _(POSITION).format(path="-".join(str(i) for i in path))


def _as_number(value: Any, *, field: ConditionField, position: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(CONDITION_NOT_A_NUMBER, position, field=field.label)
    try:
        number = float(value)
    except ValueError:
        raise _fail(CONDITION_NOT_A_NUMBER, position, field=field.label) from None
    if number != number or number in (float("inf"), float("-inf")):  # NaN / infinity
        raise _fail(CONDITION_NOT_A_NUMBER, position, field=field.label)
    if field.integer:
        if number != int(number):
            raise _fail(CONDITION_NOT_A_NUMBER, position, field=field.label)
        number = int(number)
    low, high = field.minimum, field.maximum
    if low is not None and high is not None and not low <= number <= high:
        raise _fail(CONDITION_OUT_OF_RANGE, position, field=field.label, low=_fmt(low), high=_fmt(high))
    if low is not None and number < low:
        raise _fail(CONDITION_TOO_SMALL, position, field=field.label, low=_fmt(low))
    return number


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _as_int(value: Any, *, field: ConditionField, position: str, low: int, high: int | None = None) -> int:
    bounded = ConditionField(key=field.key, label=field.label, kind=NUMBER, ops=(), group="", minimum=low, maximum=high)
    return int(_as_number(value, field=bounded, position=position))


def _clean_value(field: ConditionField, op: str, value: Any, position: str) -> Any:
    if field.kind == NUMBER:
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise _fail(CONDITION_BAD_RANGE, position, field=field.label)
            low, high = (_as_number(v, field=field, position=position) for v in value)
            if low > high:
                raise _fail(CONDITION_BAD_RANGE, position, field=field.label)
            return [low, high]
        return _as_number(value, field=field, position=position)
    if field.kind == CHOICE:
        values = value if isinstance(value, list | tuple) else [value]
        allowed = {str(choice): choice for choice, _label in field.choices}
        if not values or (op in ("eq", "ne") and len(values) != 1):
            raise _fail(CONDITION_NO_CHOICE, position, field=field.label)
        if any(isinstance(v, bool) or v is None or str(v) not in allowed for v in values):
            raise _fail(CONDITION_BAD_CHOICE, position, field=field.label)
        cleaned_values = sorted({allowed[str(v)] for v in values}, key=str)
        return cleaned_values[0] if op in ("eq", "ne") else cleaned_values
    if field.kind == BOOL:
        if not isinstance(value, bool):
            raise _fail(CONDITION_NOT_A_BOOL, position, field=field.label)
        return value
    if not isinstance(value, dict) or value.get("category") in (None, ""):
        raise _fail(CONDITION_NO_CATEGORY, position, field=field.label)
    cleaned: dict[str, Any] = {"category": _as_int(value["category"], field=field, position=position, low=1)}
    if field.kind == CATEGORY_PURCHASE:
        days = value.get("days")
        cleaned["days"] = (
            None if days in (None, "") else _as_int(days, field=field, position=position, low=1, high=3650)
        )
        spend = value.get("min_spend")
        cleaned["min_spend"] = 0 if spend in (None, "") else _as_int(spend, field=field, position=position, low=0)
    elif field.kind == CATEGORY_VIEWS:
        cleaned["count"] = _as_int(value.get("count", 1), field=field, position=position, low=1, high=10_000)
        cleaned["days"] = _as_int(value.get("days", 7), field=field, position=position, low=1, high=VIEW_DAYS_MAX)
    return cleaned


def _clean_node(node: Any, path: tuple[int, ...], counter: list[int], categories: list[tuple[str, int, str]]) -> dict:
    position = _position(path) if path else ""
    if not isinstance(node, dict):
        raise _fail(CONDITIONS_NOT_A_TREE)
    if "conditions" in node or "match" in node:
        if len(path) >= MAX_DEPTH:
            raise _fail(CONDITIONS_TOO_DEEP, limit=MAX_DEPTH)
        match = node.get("match", MATCH_ALL)
        if match not in (MATCH_ALL, MATCH_ANY):
            raise _fail(CONDITION_BAD_MATCH, position or _("조건"))
        children = node.get("conditions")
        if not isinstance(children, list):
            raise _fail(CONDITIONS_NOT_A_TREE)
        if not children:
            raise _fail(CONDITION_EMPTY_GROUP, position) if path else _fail(CONDITIONS_EMPTY)
        cleaned = [_clean_node(child, (*path, i), counter, categories) for i, child in enumerate(children, 1)]
        return {"match": match, "conditions": cleaned}
    counter[0] += 1
    if counter[0] > MAX_CONDITIONS:
        raise _fail(CONDITIONS_TOO_MANY, limit=MAX_CONDITIONS)
    field = FIELDS.get(node.get("field"))  # type: ignore[arg-type]
    if field is None:
        raise _fail(CONDITION_UNKNOWN_FIELD, position)
    op = node.get("op")
    if op not in field.ops:
        raise _fail(CONDITION_BAD_OP, position, field=field.label)
    value = _clean_value(field, op, node.get("value"), position)
    if field.kind in CATEGORY_KINDS:
        categories.append((position, value["category"], field.kind))
    return {"field": field.key, "op": op, "value": value}


def conditions_clean(definition: Any) -> dict:
    """Validate a condition tree and return it normalised (numbers typed, choices sorted, category values
    completed with their defaults). Raises DomainError with a Korean message naming the first bad condition
    ("2-1번째 조건: ..."). Reads the referenced categories in one query."""
    from shop.models import Category

    if not isinstance(definition, dict):
        raise _fail(CONDITIONS_NOT_A_TREE)
    categories: list[tuple[str, int, str]] = []
    cleaned = _clean_node({"match": definition.get("match", MATCH_ALL), **definition}, (), [0], categories)
    if categories:
        kinds = dict(Category.objects.filter(pk__in={pk for _p, pk, _k in categories}).values_list("pk", "kind"))
        for position, pk, field_kind in categories:
            if pk not in kinds:
                raise _fail(CONDITION_UNKNOWN_CATEGORY, position)
            if field_kind == ESSENTIAL_CATEGORY and kinds[pk] != Category.Kind.ESSENTIAL:
                raise _fail(CONDITION_NOT_ESSENTIAL, position)
    return cleaned


# --- compiling ------------------------------------------------------------------------------------------------------


def _category_tree_ids(category_id: int, tree: dict[int | None, list[int]]) -> list[int]:
    ids, todo = [], [category_id]
    while todo:
        current = todo.pop()
        ids.append(current)
        todo.extend(tree.get(current, []))
    return sorted(ids)


def _number_q(field: ConditionField, op: str, value: Any, now: datetime) -> Q:
    if field.days_since:
        return _days_since_q(field.column, op, value, now)
    column = field.column
    scaled = [v / field.scale for v in value] if op == "between" else value / field.scale
    if op == "between":
        return Q(**{f"{column}__gte": scaled[0], f"{column}__lte": scaled[1]})
    if op == "ne":
        return Q(**{f"{column}__isnull": False}) & ~Q(**{column: scaled})
    return Q(**{column if op == "eq" else f"{column}__{op}": scaled})


def _days_since_q(column: str, op: str, value: Any, now: datetime) -> Q:
    """ "At least N days since" means the moment is N whole days ago or more; "at most N" means less than N+1."""
    low, high = {"gte": (value, None), "lte": (None, value)}.get(op) or (value[0], value[1])
    q = Q(**{f"{column}__isnull": False})
    if low is not None:
        q &= Q(**{f"{column}__lte": now - timedelta(days=low)})
    if high is not None:
        q &= Q(**{f"{column}__gt": now - timedelta(days=high + 1)})
    return q


def _choice_q(field: ConditionField, op: str, value: Any) -> Q:
    values = value if isinstance(value, list) else [value]
    q = Q(**{f"{field.column}__in": values})
    if field.key == "age_band" and 70 in values:  # "70대 이상"
        q |= Q(age_band__gte=70)
    return ~q if op in ("not_in", "ne") else q


def _category_purchase_q(op: str, value: dict, ids: list[int], now: datetime) -> Q:
    from shop.selectors.household import bought_lines

    lines = bought_lines().filter(product__category_id__in=ids)
    if value["days"]:
        lines = lines.filter(order__placed_at__gte=now - timedelta(days=value["days"]))
    if value["min_spend"]:
        lines = lines.values("order__user_id").annotate(spend=Sum("line_total")).filter(spend__gte=value["min_spend"])  # type: ignore[assignment]
    buyers = Q(user_id__in=lines.values("order__user_id"))
    return buyers if op == "bought" else ~buyers


def _category_views_q(value: dict, ids: list[int], now: datetime) -> Q:
    """Viewed the category (its page or its products' pages) at least `count` times in the last `days` Seoul days
    (today included), read from feed's daily behaviour rollups."""
    from feed.selectors import activity_by_user_queryset

    since = timezone.localdate(now) - timedelta(days=value["days"] - 1)
    viewers = activity_by_user_queryset(since=since, category_ids=ids).filter(views__gte=value["count"])
    return Q(user_id__in=viewers.values("user_id"))


def _essential_q(op: str, value: dict, ids: list[int], run_id: int | None) -> Q:
    statuses = [HouseholdEssential.Status.OVERDUE] if op == "overdue" else [HouseholdEssential.Status.DUE]
    rows = HouseholdEssential.objects.filter(category_id__in=ids, status__in=statuses)
    rows = rows.filter(run_id=run_id) if run_id is not None else rows.filter(run_id=OuterRef("run_id"))
    return Q(household_id__in=rows.filter(household_id__isnull=False).values("household_id")) | Q(
        user_id__in=rows.filter(user_id__isnull=False).values("user_id")
    )


def _compile(node: dict, now: datetime, tree: dict[int | None, list[int]], run_id: int | None) -> Q:
    if "conditions" in node:
        parts = [_compile(child, now, tree, run_id) for child in node["conditions"]]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if node["match"] == MATCH_ALL else (combined | part)
        return combined
    field, op, value = FIELDS[node["field"]], node["op"], node["value"]
    if field.kind == NUMBER:
        return _number_q(field, op, value, now)
    if field.kind == CHOICE:
        return _choice_q(field, op, value)
    if field.kind == BOOL:
        return Q(**{field.column: value})
    ids = _category_tree_ids(value["category"], tree)
    if field.kind == CATEGORY_PURCHASE:
        return _category_purchase_q(op, value, ids, now)
    if field.kind == CATEGORY_VIEWS:
        return _category_views_q(value, ids, now)
    return _essential_q(op, value, ids, run_id)


def _needs_category_tree(node: dict) -> bool:
    if "conditions" in node:
        return any(_needs_category_tree(child) for child in node["conditions"])
    return FIELDS[node["field"]].kind in CATEGORY_KINDS


def segment_q(*, definition: Any, now: datetime | None = None, run_id: int | None = None) -> Q:
    """The condition tree as one Q over CustomerProfile (validated first; raises DomainError when invalid).
    One query reads the category tree when a condition names a category; the Q itself runs as one SELECT. Category,
    behaviour and essentials conditions are uncorrelated `user_id IN (subquery)` tests, which the database runs
    once per statement, not once per customer; pass `run_id` when the profiles are all of one run (essentials
    rows are then read for that run only, else for each profile's own run)."""
    from shop.models import Category

    cleaned = conditions_clean(definition)
    tree: dict[int | None, list[int]] = {}
    if _needs_category_tree(cleaned):
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            tree.setdefault(parent_id, []).append(pk)
    return _compile(cleaned, now or timezone.now(), tree, run_id)


def segment_members_queryset(*, definition: Any, run_id: int | None, now: datetime | None = None) -> QuerySet:
    """The profiles of `run_id` that meet the conditions (no rows when there is no run yet). Raises DomainError
    for an invalid definition. The queryset selects nothing else: callers add select_related/ordering."""
    if run_id is None:
        return CustomerProfile.objects.none()
    return CustomerProfile.objects.filter(run_id=run_id).filter(
        segment_q(definition=definition, now=now, run_id=run_id)
    )


def segment_count_preview(*, definition: Any) -> int:
    """How many customers of the current run meet the conditions: the editor's live count. One COUNT over the
    run's profiles (indexed on run) plus at most one small category query; 0 before the first run."""
    return segment_members_queryset(definition=definition, run_id=current_run_id()).count()
