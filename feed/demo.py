"""Demo data for the feed: nudge rules (가방 dwell, 기저귀 search, instagram 원피스, abandoned cart), a coupon
rule for the bag nudge, and a few feed items for demo customers. Idempotent (update_or_create on names)."""

import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from feed.models import FeedItem, NudgeRule, TrackedEvent, Visitor
from feed.services import rules_invalidate
from feed.services.events import events_store
from feed.services.rollups import activity_rollup

BROWSING_DAYS = 14
DEMO_VISITOR_NAMESPACE = uuid.UUID("0b5f3a57-2a41-4d6f-9c55-8e7c3b1d9a20")


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
    _browsing_history(customers=list(get_user_model().objects.filter(is_staff=False).order_by("pk")), log=log)
    return []


def _browsing_history(*, customers: list, log: Callable[[str], None]) -> None:
    """Two weeks of browsing for every demo customer (category and product views, dwell, searches) from one
    browser each, rolled up per day, so the back office's behaviour conditions and 360 pages have something to
    show. Each customer's browser id is derived from their username; a customer who already has demo browsing is
    left alone, so re-running adds nothing."""
    from shop.models import Category, Product

    categories = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("pk"))
    products_by_category: dict[int, list[int]] = {}
    for product_id, category_id in Product.objects.filter(is_active=True).values_list("pk", "category_id"):
        products_by_category.setdefault(category_id, []).append(product_id)
    if not categories:
        return
    visitors = {c.pk: uuid.uuid5(DEMO_VISITOR_NAMESPACE, c.username) for c in customers}
    already = set(
        TrackedEvent.objects.filter(visitor_id__in=visitors.values()).values_list("visitor_id", flat=True).distinct()
    )
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    rows: list[TrackedEvent] = []
    last_seen: dict[uuid.UUID, tuple[int, object]] = {}
    for customer in customers:
        visitor_id = visitors[customer.pk]
        if visitor_id in already:
            continue
        crng = random.Random(f"browsing:{customer.username}")  # noqa: S311 (demo data)
        favourites = crng.sample(categories, k=min(3, len(categories)))
        for back in sorted(crng.sample(range(BROWSING_DAYS), k=crng.randint(2, 6)), reverse=True):
            moment = today - timedelta(days=back) + timedelta(hours=crng.randint(8, 22), minutes=crng.randint(0, 59))
            for _step in range(crng.randint(2, 6)):
                category = crng.choice(favourites) if crng.random() < 0.8 else crng.choice(categories)
                moment += timedelta(seconds=crng.randint(20, 240))
                rows.append(_event(visitor_id, customer.pk, "category_view", moment, category=category.pk))
                products = products_by_category.get(category.pk)
                if products and crng.random() < 0.7:
                    product = crng.choice(products)
                    rows.append(
                        _event(visitor_id, customer.pk, "product_view", moment, category=category.pk, product=product)
                    )
                    rows.append(
                        _event(
                            visitor_id,
                            customer.pk,
                            "dwell",
                            moment,
                            category=category.pk,
                            product=product,
                            dwell=crng.randint(15, 120),
                        )
                    )
            if crng.random() < 0.4:
                rows.append(_event(visitor_id, customer.pk, "search", moment, query=crng.choice(favourites).name))
            last_seen[visitor_id] = (customer.pk, moment)
    events_store(rows=rows)
    for visitor_id, (user_id, moment) in last_seen.items():
        Visitor.objects.update_or_create(pk=visitor_id, defaults={"user_id": user_id, "last_seen": moment})
    if rows:
        for back in range(BROWSING_DAYS + 1):
            activity_rollup(day=(today - timedelta(days=back)).date())
    log(f"feed.demo: {len(rows)} browsing events for {len(last_seen)} customers, rolled up per day")


def _event(visitor_id, user_id, kind, moment, *, category=None, product=None, dwell=0, query="") -> TrackedEvent:
    return TrackedEvent(
        visitor_id=visitor_id,
        user_id=user_id,
        type=kind,
        path="/",
        category_id=category,
        product_id=product,
        query=query[:100],
        dwell_seconds=dwell,
        occurred_at=moment,
        received_at=moment,
    )
