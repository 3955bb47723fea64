"""Demo data for the feed: nudge rules (가방 dwell, 기저귀 search, instagram 원피스, abandoned cart), a coupon
rule for the bag nudge, and a few feed items for demo customers. Idempotent (update_or_create on names)."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from feed.models import FeedItem, NudgeRule
from feed.services import rules_invalidate


def _category(name: str):
    from shop.models import Category

    return Category.objects.filter(name__contains=name).order_by("pk").first()


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    from shop.models import CouponRule

    now = timezone.now()
    bag_coupon, _ = CouponRule.objects.update_or_create(
        name="가방 고민 응원 3천원",
        defaults={
            "discount_kind": CouponRule.DiscountKind.FIXED,
            "discount_value": 3000,
            "min_order_amount": 30000,
            "scope": CouponRule.Scope.ALL,
            "valid_from": now - timedelta(days=1),
            "valid_days": 7,
            "per_customer_limit": 3,
        },
    )
    rules = [
        {
            "name": "가방 4번 보고 1분 넘게 고민",
            "event_type": "category_view",
            "category": _category("가방"),
            "min_count": 4,
            "window_minutes": 30,
            "min_dwell_seconds": 60,
            "title": "가방 고르시느라 고민 중이세요?",
            "message": "{nickname}님, 마음에 드는 가방 찾는 데 보탬이 되도록 3천원 쿠폰을 드릴게요.",
            "coupon_rule": bag_coupon,
            "is_promotional": True,
            "priority": 30,
            "control_percent": 10,
        },
        {
            "name": "기저귀 두 번 검색",
            "event_type": "search",
            "search_term": "기저귀",
            "min_count": 2,
            "title": "기저귀 찾고 계세요?",
            "message": "자주 쓰는 기저귀는 정기배송으로 받으면 떨어질 걱정이 없어요.",
            "link": "/search/?q=기저귀",
            "is_promotional": False,
            "priority": 20,
        },
        {
            "name": "인스타그램에서 와서 원피스 구경",
            "event_type": "category_view",
            "category": _category("원피스"),
            "utm_source": "instagram",
            "min_count": 1,
            "title": "인스타그램에서 보고 오셨군요!",
            "message": "요즘 많이 찾는 원피스를 모아 뒀어요. 천천히 구경하세요.",
            "is_promotional": True,
            "priority": 10,
        },
        {
            "name": "장바구니 20분 그대로",
            "event_type": "cart_add",
            "window_minutes": 20,
            "title": "장바구니에 담아 두신 물건이 기다려요",
            "message": "{nickname}님, 필요한 물건이 맞는지 천천히 확인해 보세요.",
            "link": "/cart/",
            "is_promotional": False,
            "priority": 5,
        },
    ]
    for spec in rules:
        if spec.get("event_type") == "category_view" and spec.get("category") is None:
            log(f"feed.demo: '{spec['name']}' skipped (no matching category)")
            continue
        NudgeRule.objects.update_or_create(name=spec.pop("name"), defaults=spec)
    rules_invalidate()
    customers = list(get_user_model().objects.filter(is_staff=False).order_by("pk")[: 10 * max(scale, 1)])
    messages = [
        (
            FeedItem.Kind.MD_MESSAGE,
            "골목 생활용품점 MD예요",
            "이번 주에 새로 들어온 수건이 정말 부드러워요. 한번 만져 보세요.",
        ),
        (FeedItem.Kind.CAMPAIGN, "주말 장보기 응원", "주말에 필요한 생필품을 한곳에 모아 뒀어요."),
        (FeedItem.Kind.BENEFIT, "이번 달 혜택이 도착했어요", "쿠폰함에서 확인해 보세요."),
    ]
    made = 0
    for customer in customers:
        for kind, title, body in rng.sample(messages, k=2):
            _item, created = FeedItem.objects.update_or_create(
                user=customer,
                title=title,
                defaults={
                    "kind": kind,
                    "body": body,
                    "link": "/",
                    "is_promotional": kind == FeedItem.Kind.CAMPAIGN,
                    "created_at": now - timedelta(minutes=rng.randint(5, 600)),
                },
            )
            made += created
    log(f"feed.demo: {NudgeRule.objects.count()} nudge rules, {made} new feed items")
    return []
