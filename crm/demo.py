"""Demo back office: each demo MD team owns a few segments over the demo customers, and one full segmentation run
has finished, so /crm/ shows real figures right after `make run`.

Runs after shop.demo.orders (the order history the profiles are computed from) and feed.demo. Segments are made
through `crm.services.segments` (the same validation as the editor) and upserted by (team, name), so a re-run
changes nothing; the run itself goes through `segmentation_run_start`, eager on the embedded defaults. A re-run
on the same day skips the computation when a run already finished today.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from crm.models import Segment, SegmentationRun, Team
from crm.selectors.runs import current_run
from crm.services.runs import segmentation_run_start
from crm.services.segments import segment_create, segment_update
from shop.models import Category


def _purchase(category_id: int, days: int | None = 180) -> dict[str, Any]:
    return {"field": "category_purchase", "op": "bought", "value": {"category": category_id, "days": days}}


def _running_low(category_id: int) -> dict[str, Any]:
    return {
        "match": "any",
        "conditions": [
            {"field": "essential_category", "op": "due", "value": {"category": category_id}},
            {"field": "essential_category", "op": "overdue", "value": {"category": category_id}},
        ],
    }


def _segments(categories: dict[str, int]) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """(team slug) -> [(name, description, definition)] over the demo catalogue's categories."""
    return {
        "living-md": [
            (
                "세탁세제 떨어질 때 된 집",
                "평소 주기로 보면 세탁세제가 곧 떨어지거나 이미 떨어졌을 가구예요.",
                {"match": "all", "conditions": [_running_low(categories["detergent"])]},
            ),
            (
                "생활용품 단골",
                "반년 안에 세탁·청소 용품을 사고, 단골이나 충성 단계인 분들이에요.",
                {
                    "match": "all",
                    "conditions": [
                        _purchase(categories["laundry-cleaning"]),
                        {"field": "lifecycle", "op": "in", "value": ["regular", "vip"]},
                    ],
                },
            ),
        ],
        "food-md": [
            (
                "멀어지는 식품 고객",
                "식품을 사 본 적 있는데 RFM으로 보면 요즘 발길이 뜸해진 분들이에요.",
                {
                    "match": "all",
                    "conditions": [
                        _purchase(categories["food-drink"], days=None),
                        {
                            "field": "rfm_segment",
                            "op": "in",
                            "value": ["about_to_sleep", "at_risk", "cant_lose", "hibernating"],
                        },
                    ],
                },
            ),
            (
                "커피 즐기는 분",
                "반년 안에 원두나 커피를 산 분들이에요.",
                {"match": "all", "conditions": [_purchase(categories["coffee"])]},
            ),
        ],
        "lifestyle-md": [
            (
                "소품 좋아하는 충성 고객",
                "인테리어 소품을 사 봤고 RFM으로 챔피언·충성 쪽인 분들이에요.",
                {
                    "match": "all",
                    "conditions": [
                        _purchase(categories["interior"], days=None),
                        {
                            "field": "rfm_segment",
                            "op": "in",
                            "value": ["champions", "loyal", "potential_loyalist"],
                        },
                    ],
                },
            ),
            (
                "요즘 가방 구경하는 분",
                "최근 7일 동안 가방을 두 번 넘게 둘러본 분들이에요.",
                {
                    "match": "all",
                    "conditions": [
                        {
                            "field": "category_views",
                            "op": "at_least",
                            "value": {"category": categories["bags"], "count": 2, "days": 7},
                        }
                    ],
                },
            ),
            (
                "소식 받는 분",
                "마케팅 수신에 동의한 모든 분이에요.",
                {"match": "all", "conditions": [{"field": "marketing_consent", "op": "is", "value": True}]},
            ),
        ],
        "baby-md": [
            (
                "아이 있는 집",
                "가구 정보에 아이가 있다고 알려 주신 분들이에요.",
                {"match": "all", "conditions": [{"field": "has_children", "op": "is", "value": True}]},
            ),
            (
                "기저귀 챙길 때 된 집",
                "기저귀가 곧 떨어지거나 이미 떨어졌을 가구예요.",
                {"match": "all", "conditions": [_running_low(categories["diapers"])]},
            ),
        ],
    }


def _upsert_segments(log: Callable[[str], None]) -> int:
    categories = dict(Category.objects.values_list("slug", "pk"))
    teams = {team.slug: team for team in Team.objects.all()}
    made = 0
    try:
        specs_by_team = _segments(categories)
    except KeyError as missing:
        log(f"crm: 데모 카테고리 {missing}가 없어서 세그먼트를 건너뛰었어요.")
        return 0
    for team_slug, specs in specs_by_team.items():
        team = teams.get(team_slug)
        if team is None:
            continue
        leader = User.objects.filter(team_memberships__team=team, team_memberships__role="md_lead").first()
        for name, description, definition in specs:
            existing = Segment.objects.filter(team=team, name=name).first()
            if existing is None:
                segment_create(team=team, name=name, description=description, definition=definition, created_by=leader)
                made += 1
            else:
                segment_update(segment=existing, description=description, definition=definition, is_active=True)
    log(f"crm: 세그먼트 {Segment.objects.count()}개 (새로 {made}개)")
    return made


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    """Segments for the demo teams and one finished full run (skipped when one already finished today)."""
    if not Team.objects.exists() or not Category.objects.exists():
        log("crm: 팀이나 카테고리가 없어서 건너뛰었어요 (shop.demo.catalog 먼저).")
        return []
    made = _upsert_segments(log)
    latest = current_run()
    today = timezone.localdate()
    if latest is not None and not made and timezone.localtime(latest.finished_at).date() == today:
        log(f"crm: 오늘 끝난 계산 회차 #{latest.pk}가 있어서 다시 계산하지 않았어요.")
        return []
    try:
        run = segmentation_run_start(kind=SegmentationRun.Kind.FULL, trigger="demo")
    except DomainError as exc:
        log(f"crm: 계산을 시작하지 못했어요 ({exc.message})")
        return []
    run.refresh_from_db()
    # Eager on the embedded defaults, so the run has finished here; with a broker a worker computes it.
    log(f"crm: 계산 회차 #{run.pk} {run.get_status_display()} (고객 {run.customers_processed}명)")
    return []
