"""The fields a segment condition can test, with their Korean labels, operators and allowed values.

The editor (crm back office) builds its form from `field_catalogue()`; `crm.services.conditions` validates and
compiles conditions against the same table, so the two never disagree.

Value shapes by field type:
- number: a number (`between`: [low, high], both included);
- choice: a list of allowed values (`in`, `not_in`), or one value (`eq`, `ne`);
- bool: true or false (`is`);
- category_purchase: {"category": id, "days": int | null, "min_spend": int} (bought / not bought there);
- category_views: {"category": id, "count": int, "days": int} (viewed at least `count` times in `days` days);
- essential_category: {"category": id} of an essential (필수품) category (due / overdue in the customer's home).
A category always includes its sub-categories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from crm.models import Lifecycle, RfmSegment

NUMBER = "number"
CHOICE = "choice"
BOOL = "bool"
CATEGORY_PURCHASE = "category_purchase"
CATEGORY_VIEWS = "category_views"
ESSENTIAL_CATEGORY = "essential_category"

NUMBER_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "between")
DAYS_SINCE_OPS = ("gte", "lte", "between")
CHOICE_OPS = ("in", "not_in", "eq", "ne")
BOOL_OPS = ("is",)

OP_LABELS: dict[str, Any] = {
    "eq": _("와 같아요"),
    "ne": _("이 아니에요"),
    "gt": _("보다 많아요"),
    "gte": _("이상이에요"),
    "lt": _("보다 적어요"),
    "lte": _("이하예요"),
    "between": _("사이예요"),
    "in": _("중 하나예요"),
    "not_in": _("중 어느 것도 아니에요"),
    "is": _("이에요"),
    "bought": _("산 적 있어요"),
    "not_bought": _("산 적 없어요"),
    "at_least": _("이상 봤어요"),
    "due": _("곧 떨어져요"),
    "overdue": _("떨어졌을 때예요"),
}

GROUP_RFM = _("RFM")
GROUP_ORDERS = _("구매")
GROUP_HOUSEHOLD = _("가구와 필수품")
GROUP_PERSON = _("고객 정보")
GROUP_BEHAVIOUR = _("행동")

AGE_BANDS = [
    (10, _("10대")),
    (20, _("20대")),
    (30, _("30대")),
    (40, _("40대")),
    (50, _("50대")),
    (60, _("60대")),
    (70, _("70대 이상")),
]


@dataclass(frozen=True)
class ConditionField:
    """One testable field. `column` is the CustomerProfile column for plain fields; `days_since` marks a
    datetime column compared as "days since" (last seen, joined); `scale` divides a number before comparing
    (the editor speaks percent, the column stores 0..1)."""

    key: str
    label: Any
    kind: str
    ops: tuple[str, ...]
    group: Any
    column: str = ""
    choices: tuple[tuple[Any, Any], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: Any = ""
    integer: bool = True
    days_since: bool = False
    scale: float = 1.0


def _number(key: str, label: Any, group: Any, **extra: Any) -> ConditionField:
    return ConditionField(key=key, label=label, kind=NUMBER, ops=NUMBER_OPS, group=group, column=key, **extra)


FIELDS: dict[str, ConditionField] = {
    field.key: field
    for field in (
        _number("r_score", _("R 점수 (최근 구매)"), GROUP_RFM, minimum=1, maximum=5),
        _number("f_score", _("F 점수 (구매 빈도)"), GROUP_RFM, minimum=1, maximum=5),
        _number("m_score", _("M 점수 (구매 금액)"), GROUP_RFM, minimum=1, maximum=5),
        ConditionField(
            key="rfm_segment",
            label=_("RFM 세그먼트"),
            kind=CHOICE,
            ops=CHOICE_OPS,
            group=GROUP_RFM,
            column="rfm_segment",
            choices=tuple(RfmSegment.choices),
        ),
        ConditionField(
            key="lifecycle",
            label=_("고객 단계"),
            kind=CHOICE,
            ops=CHOICE_OPS,
            group=GROUP_ORDERS,
            column="lifecycle",
            choices=tuple(Lifecycle.choices),
        ),
        _number("frequency", _("주문 수"), GROUP_ORDERS, minimum=0, unit=_("번")),
        _number("monetary", _("누적 결제 금액"), GROUP_ORDERS, minimum=0, unit=_("원")),
        _number("recency_days", _("마지막 주문 후 지난 날"), GROUP_ORDERS, minimum=0, unit=_("일")),
        ConditionField(
            key="category_purchase",
            label=_("카테고리 구매"),
            kind=CATEGORY_PURCHASE,
            ops=("bought", "not_bought"),
            group=GROUP_ORDERS,
        ),
        ConditionField(
            key="essentials_share",
            label=_("필수품 점유율 (추정)"),
            kind=NUMBER,
            ops=NUMBER_OPS,
            group=GROUP_HOUSEHOLD,
            column="essentials_share",
            minimum=0,
            maximum=100,
            unit=_("%"),
            integer=False,
            scale=100.0,
        ),
        _number("essentials_overdue", _("떨어졌을 필수품 수"), GROUP_HOUSEHOLD, minimum=0, unit=_("개")),
        _number("essentials_due", _("곧 떨어질 필수품 수"), GROUP_HOUSEHOLD, minimum=0, unit=_("개")),
        ConditionField(
            key="essential_category",
            label=_("필수품 보충 시기"),
            kind=ESSENTIAL_CATEGORY,
            ops=("due", "overdue"),
            group=GROUP_HOUSEHOLD,
        ),
        _number("household_size", _("가구원 수"), GROUP_HOUSEHOLD, minimum=1, unit=_("명")),
        ConditionField(
            key="has_children",
            label=_("아이 있음"),
            kind=BOOL,
            ops=BOOL_OPS,
            group=GROUP_HOUSEHOLD,
            column="has_children",
        ),
        ConditionField(
            key="age_band",
            label=_("연령대"),
            kind=CHOICE,
            ops=CHOICE_OPS,
            group=GROUP_PERSON,
            column="age_band",
            choices=tuple(AGE_BANDS),
        ),
        ConditionField(
            key="gender",
            label=_("성별"),
            kind=CHOICE,
            ops=CHOICE_OPS,
            group=GROUP_PERSON,
            column="gender",
            choices=tuple(User.Gender.choices),
        ),
        ConditionField(
            key="marketing_consent",
            label=_("마케팅 수신 동의"),
            kind=BOOL,
            ops=BOOL_OPS,
            group=GROUP_PERSON,
            column="marketing_consent",
        ),
        ConditionField(
            key="night_marketing_consent",
            label=_("야간 마케팅 수신 동의"),
            kind=BOOL,
            ops=BOOL_OPS,
            group=GROUP_PERSON,
            column="night_marketing_consent",
        ),
        ConditionField(
            key="joined_days",
            label=_("가입 후 지난 날"),
            kind=NUMBER,
            ops=DAYS_SINCE_OPS,
            group=GROUP_PERSON,
            column="joined_at",
            minimum=0,
            unit=_("일"),
            days_since=True,
        ),
        ConditionField(
            key="last_seen_days",
            label=_("마지막 방문 후 지난 날"),
            kind=NUMBER,
            ops=DAYS_SINCE_OPS,
            group=GROUP_BEHAVIOUR,
            column="last_seen_at",
            minimum=0,
            unit=_("일"),
            days_since=True,
        ),
        ConditionField(
            key="category_views",
            label=_("카테고리 구경"),
            kind=CATEGORY_VIEWS,
            ops=("at_least",),
            group=GROUP_BEHAVIOUR,
        ),
    )
}

CATEGORY_KINDS = (CATEGORY_PURCHASE, CATEGORY_VIEWS, ESSENTIAL_CATEGORY)
VALUE_SHAPES: dict[str, dict[str, str]] = {
    CATEGORY_PURCHASE: {"category": "category", "days": "int?", "min_spend": "int?"},
    CATEGORY_VIEWS: {"category": "category", "count": "int", "days": "int"},
    ESSENTIAL_CATEGORY: {"category": "essential_category"},
}
VIEW_DAYS_MAX = 90  # raw events and daily rollups are kept this long (feed retention)


def field_catalogue() -> list[dict[str, Any]]:
    """The fields for the segment editor, JSON-ready (labels translated to the active language), in display
    order. Category-valued fields carry the category list (id, name, kind), read with one query."""
    from shop.models import Category

    categories = [
        {"value": pk, "label": name, "essential": kind == Category.Kind.ESSENTIAL}
        for pk, name, kind in Category.objects.filter(is_active=True)
        .order_by("sort_order", "name", "pk")
        .values_list("pk", "name", "kind")
    ]
    catalogue = []
    for field in FIELDS.values():
        entry: dict[str, Any] = {
            "key": field.key,
            "label": str(field.label),
            "group": str(field.group),
            "type": field.kind,
            "ops": [{"key": op, "label": str(OP_LABELS[op])} for op in field.ops],
            "unit": str(field.unit),
            "min": field.minimum,
            "max": field.maximum,
            "integer": field.integer,
            "choices": [{"value": value, "label": str(label)} for value, label in field.choices],
        }
        if field.kind in CATEGORY_KINDS:
            entry["value_shape"] = VALUE_SHAPES[field.kind]
            entry["choices"] = [c for c in categories if field.kind != ESSENTIAL_CATEGORY or c["essential"]]
        catalogue.append(entry)
    return catalogue
