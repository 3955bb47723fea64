"""Segment conditions: validation with Korean messages, and/or/nested groups, and every kind of field."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from config.errors import DomainError
from crm.models import HouseholdEssential, Lifecycle, RfmSegment
from crm.services.conditions import (
    conditions_clean,
    field_catalogue,
    segment_count_preview,
    segment_members_queryset,
)
from feed.models import TrackedEvent
from feed.services.rollups import activity_rollup
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.crm.factories import CustomerProfileFactory, SegmentationRunFactory, bought_orders
from tests.feed.event_factories import TrackedEventFactory
from tests.shop.factories import CategoryFactory, PreferenceCategoryFactory

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=SEOUL)


def _all(*conditions, match="all"):
    return {"match": match, "conditions": list(conditions)}


def _c(field, op, value):
    return {"field": field, "op": op, "value": value}


def _members(definition, run) -> set[str]:
    return set(
        segment_members_queryset(definition=definition, run_id=run.pk, now=NOW).values_list("user__username", flat=True)
    )


@pytest.fixture
def run():
    return SegmentationRunFactory()


@pytest.fixture
def people(run):
    """Four profiles with hand-picked values."""
    rows = {
        "ann": {"r_score": 5, "f_score": 5, "frequency": 9, "monetary": 900_000, "lifecycle": Lifecycle.VIP},
        "bo": {"r_score": 2, "f_score": 4, "frequency": 4, "monetary": 80_000, "lifecycle": Lifecycle.AT_RISK},
        "cy": {"r_score": 4, "f_score": 1, "frequency": 1, "monetary": 15_000, "lifecycle": Lifecycle.NEW},
        "di": {"r_score": None, "f_score": None, "frequency": 0, "monetary": 0, "lifecycle": Lifecycle.PROSPECT},
    }
    return {
        name: CustomerProfileFactory(run=run, user=UserFactory(username=name), rfm_segment="", **values)
        for name, values in rows.items()
    }


# --- validation ---


def test_clean_normalises_numbers_and_choices():
    cleaned = conditions_clean(
        _all(_c("r_score", "gte", "4"), _c("lifecycle", "in", ["vip", "new", "vip"]), _c("has_children", "is", True))
    )
    assert cleaned == _all(
        _c("r_score", "gte", 4), _c("lifecycle", "in", ["new", "vip"]), _c("has_children", "is", True)
    )


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"match": "all", "conditions": []}, "조건을 하나 이상 넣어 주세요."),
        (_all(_c("shoe_size", "eq", 250)), "1번째 조건: 알 수 없는 항목이에요."),
        (_all(_c("r_score", "in", [4])), "1번째 조건: 'R 점수 (최근 구매)'에는 쓸 수 없는 비교 방법이에요."),
        (
            _all(_c("r_score", "gte", 1), _c("r_score", "gte", 9)),
            "2번째 조건: 'R 점수 (최근 구매)' 값은 1~5 사이여야 해요.",
        ),
        (_all(_c("frequency", "gte", "many")), "1번째 조건: '주문 수'에는 숫자를 넣어 주세요."),
        (
            _all(_c("monetary", "between", [5, 1])),
            "1번째 조건: '누적 결제 금액'의 범위는 [작은 값, 큰 값] 두 숫자로 넣어 주세요.",
        ),
        (_all(_c("lifecycle", "in", ["royal"])), "1번째 조건: '고객 단계'에서 고를 수 없는 값이 있어요."),
        (_all(_c("marketing_consent", "is", "yes")), "1번째 조건: '마케팅 수신 동의'는 예 또는 아니요로 골라 주세요."),
        (
            _all(_c("r_score", "gte", 1), _all(_c("f_score", "gte", 1), _all())),
            "2-2번째 조건: 빈 조건 묶음이에요. 조건을 넣거나 묶음을 지워 주세요.",
        ),
        (_all(_c("category_purchase", "bought", {})), "1번째 조건: '카테고리 구매'의 카테고리를 골라 주세요."),
        (
            _all(_c("category_purchase", "bought", {"category": 999_999})),
            "1번째 조건: 없는 카테고리예요. 다른 카테고리를 골라 주세요.",
        ),
        (
            {"match": "some", "conditions": [_c("r_score", "gte", 1)]},
            "'모두 만족' 또는 '하나라도 만족' 중에서 골라 주세요.",
        ),
        ("r_score >= 4", "조건 형식이 올바르지 않아요. 처음부터 다시 만들어 주세요."),
    ],
)
def test_clean_rejects_bad_conditions_with_a_korean_message(definition, message):
    with pytest.raises(DomainError) as caught:
        conditions_clean(definition)
    assert message in caught.value.message


def test_clean_rejects_a_preference_category_for_essential_timing():
    bags = PreferenceCategoryFactory()
    with pytest.raises(DomainError, match="필수품 카테고리만 고를 수 있어요"):
        conditions_clean(_all(_c("essential_category", "overdue", {"category": bags.pk})))


def test_clean_limits_nesting_depth():
    deep = _all(_all(_all(_all(_c("r_score", "gte", 1)))))
    with pytest.raises(DomainError, match="3단계까지만"):
        conditions_clean(deep)


def test_catalogue_lists_every_field_with_korean_labels_and_ops():
    essential, bags = CategoryFactory(name="세제"), PreferenceCategoryFactory(name="가방")
    catalogue = {entry["key"]: entry for entry in field_catalogue()}

    assert catalogue["lifecycle"]["label"] == "고객 단계"
    assert {"value": "vip", "label": "충성/VIP"} in catalogue["lifecycle"]["choices"]
    assert [op["key"] for op in catalogue["r_score"]["ops"]] == ["eq", "ne", "gt", "gte", "lt", "lte", "between"]
    assert {c["value"] for c in catalogue["category_views"]["choices"]} >= {essential.pk, bags.pk}
    assert {c["value"] for c in catalogue["essential_category"]["choices"]} == {essential.pk}


# --- combining ---


def test_all_requires_every_condition(run, people):
    definition = _all(_c("r_score", "gte", 4), _c("frequency", "gte", 2))
    assert _members(definition, run) == {"ann"}


def test_any_accepts_one_condition(run, people):
    definition = _all(_c("r_score", "lte", 2), _c("lifecycle", "eq", "new"), match="any")
    assert _members(definition, run) == {"bo", "cy"}


def test_nested_groups_combine_all_and_any(run, people):
    # frequency >= 1 AND (VIP OR (R <= 2 AND monetary >= 50,000))
    definition = _all(
        _c("frequency", "gte", 1),
        _all(
            _c("lifecycle", "in", ["vip"]),
            _all(_c("r_score", "lte", 2), _c("monetary", "gte", 50_000)),
            match="any",
        ),
    )
    assert _members(definition, run) == {"ann", "bo"}


def test_not_in_and_ne_exclude_values(run, people):
    assert _members(_all(_c("lifecycle", "not_in", ["vip", "prospect"])), run) == {"bo", "cy"}
    assert _members(_all(_c("f_score", "ne", 5)), run) == {"bo", "cy"}  # no score: not "not 5"


def test_between_includes_both_ends(run, people):
    assert _members(_all(_c("monetary", "between", [15_000, 80_000])), run) == {"bo", "cy"}


def test_members_come_only_from_the_given_run(run, people):
    other = SegmentationRunFactory()
    CustomerProfileFactory(run=other, user=UserFactory(username="elsewhere"), r_score=5)
    assert "elsewhere" not in _members(_all(_c("r_score", "gte", 1)), run)


def test_count_preview_counts_the_current_run(people):
    assert segment_count_preview(definition=_all(_c("frequency", "gte", 1))) == 3


def test_count_preview_before_any_run_is_zero():
    assert segment_count_preview(definition=_all(_c("frequency", "gte", 1))) == 0


# --- every kind of field ---


def test_profile_fields_household_age_gender_consents_and_share(run):
    CustomerProfileFactory(
        run=run,
        user=UserFactory(username="family"),
        household_size=4,
        has_children=True,
        age_band=30,
        gender="F",
        marketing_consent=True,
        night_marketing_consent=True,
        essentials_share=0.62,
        essentials_overdue=2,
        rfm_segment=RfmSegment.CHAMPIONS,
    )
    CustomerProfileFactory(run=run, user=UserFactory(username="senior"), age_band=80, essentials_share=0.1)
    family = _all(
        _c("household_size", "gte", 3),
        _c("has_children", "is", True),
        _c("gender", "eq", "F"),
        _c("marketing_consent", "is", True),
        _c("night_marketing_consent", "is", True),
        _c("essentials_share", "gte", 60),  # percent in the editor
        _c("essentials_overdue", "gte", 1),
        _c("rfm_segment", "in", ["champions"]),
        _c("age_band", "in", [30]),
    )
    assert _members(family, run) == {"family"}
    assert _members(_all(_c("age_band", "in", [70])), run) == {"senior"}  # 70대 이상
    assert _members(_all(_c("essentials_share", "lt", 50)), run) == {"senior"}


def test_days_since_fields_count_whole_days(run):
    CustomerProfileFactory(run=run, user=UserFactory(username="recent"), last_seen_at=NOW - timedelta(days=2, hours=3))
    CustomerProfileFactory(run=run, user=UserFactory(username="away"), last_seen_at=NOW - timedelta(days=40))
    CustomerProfileFactory(run=run, user=UserFactory(username="never"), last_seen_at=None)
    assert _members(_all(_c("last_seen_days", "lte", 2)), run) == {"recent"}
    assert _members(_all(_c("last_seen_days", "gte", 30)), run) == {"away"}
    assert _members(_all(_c("last_seen_days", "between", [1, 3])), run) == {"recent"}


def test_category_purchase_includes_subcategories_days_and_spend(run):
    kitchen = CategoryFactory(name="주방")
    detergent = CategoryFactory(name="주방세제", parent=kitchen)
    towels = CategoryFactory(name="수건")
    buyer, old_buyer, other = (UserFactory(username=n) for n in ("buyer", "old_buyer", "other"))
    for user in (buyer, old_buyer, other):
        CustomerProfileFactory(run=run, user=user)
    bought_orders(user=buyer, days_ago=[3], total=30_000, now=NOW, category=detergent)
    bought_orders(user=old_buyer, days_ago=[100], total=5_000, now=NOW, category=detergent)
    bought_orders(user=other, days_ago=[3], total=30_000, now=NOW, category=towels)

    def cat(**value):
        return _all(_c("category_purchase", "bought", {"category": kitchen.pk, **value}))

    assert _members(cat(), run) == {"buyer", "old_buyer"}
    assert _members(cat(days=30), run) == {"buyer"}
    assert _members(cat(min_spend=10_000), run) == {"buyer"}
    never = _all(_c("category_purchase", "not_bought", {"category": kitchen.pk}))
    assert _members(never, run) == {"other"}


def test_category_views_read_the_daily_rollups(run):
    bags = PreferenceCategoryFactory(name="가방")
    browser, glancer, long_ago = (UserFactory(username=n) for n in ("browser", "glancer", "long_ago"))
    for user in (browser, glancer, long_ago):
        CustomerProfileFactory(run=run, user=user)
    for user, days_ago, times in ((browser, 1, 3), (glancer, 1, 1), (long_ago, 20, 5)):
        for _ in range(times):
            TrackedEventFactory(
                user=user,
                type=TrackedEvent.Type.CATEGORY_VIEW,
                category_id=bags.pk,
                occurred_at=NOW - timedelta(days=days_ago),
            )
    with time_machine.travel(NOW, tick=False):
        for days_ago in (1, 20):
            activity_rollup(day=(NOW - timedelta(days=days_ago)).date())

    viewed = _all(_c("category_views", "at_least", {"category": bags.pk, "count": 3, "days": 7}))
    assert _members(viewed, run) == {"browser"}


def test_essential_timing_matches_the_household_row_of_the_run(run):
    detergent = CategoryFactory(name="세제")
    home = HouseholdFactory()
    mom, dad, solo, other = (
        UserFactory(username="mom", household=home),
        UserFactory(username="dad", household=home),
        UserFactory(username="solo"),
        UserFactory(username="other"),
    )
    for user in (mom, dad, solo, other):
        CustomerProfileFactory(run=run, user=user, household_id=user.household_id)
    day = date(2026, 10, 1)
    HouseholdEssential.objects.create(
        run=run,
        household_id=home.pk,
        category=detergent,
        first_bought_on=day,
        last_bought_on=day,
        status=HouseholdEssential.Status.OVERDUE,
    )
    HouseholdEssential.objects.create(
        run=run,
        user_id=solo.pk,
        category=detergent,
        first_bought_on=day,
        last_bought_on=day,
        status=HouseholdEssential.Status.DUE,
    )
    HouseholdEssential.objects.create(
        run=SegmentationRunFactory(),
        user_id=other.pk,
        category=detergent,
        first_bought_on=day,
        last_bought_on=day,
        status=HouseholdEssential.Status.OVERDUE,
    )

    overdue = _all(_c("essential_category", "overdue", {"category": detergent.pk}))
    due = _all(_c("essential_category", "due", {"category": detergent.pk}))
    assert _members(overdue, run) == {"mom", "dad"}
    assert _members(due, run) == {"solo"}
