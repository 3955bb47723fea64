"""Demo loyalty data: coupon rules with wallets, points from delivered orders, a few 정기배송, and reviews.

Runs after shop.demo.orders. Everything goes through the services (limits, ledger, verified-buyer rules), so the
demo obeys the same invariants as real use. Idempotent: rules are upserted on their name, coupons are issued
only while the per-customer limit allows (a re-run issues nothing new), points use the (order, earn) key,
subscriptions are made once per customer and product, and a line that already has a review is skipped.
Deterministic: every choice comes from `rng` (or a per-customer RNG derived from it).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from config.errors import DomainError
from shop.models import (
    Address,
    Category,
    CouponRule,
    IssuedCoupon,
    Order,
    OrderLine,
    PointEntry,
    Product,
    Review,
    Store,
    Subscription,
)
from shop.services.coupons import coupon_issue
from shop.services.points import point_adjust, point_earn_for_order
from shop.services.reviews import review_create
from shop.services.subscriptions import subscription_create

FEATURED = ("minji", "junho", "seoyeon")
REVIEW_SHARE = 0.35
REVIEW_TEXTS = {
    5: (
        "향이 은은하고 세척력이 좋아요. 벌써 세 번째 주문이에요.",
        "포장이 꼼꼼하고 배송도 빨랐어요. 다음에도 여기서 살게요.",
        "가격 대비 정말 만족스러워요. 가족들도 좋아해요.",
        "동네 가게에서 사는 느낌이라 좋아요. 믿고 사요.",
    ),
    4: (
        "무난하게 잘 쓰고 있어요. 용량이 넉넉해서 좋아요.",
        "품질은 좋은데 조금 더 저렴하면 좋겠어요.",
        "생각했던 것과 비슷해요. 재구매 의사 있어요.",
    ),
    3: ("보통이에요. 나쁘지 않아요.", "기대보다는 평범했지만 쓸 만해요."),
    2: ("향이 생각보다 강해서 아쉬워요.",),
    1: ("배송 중에 포장이 조금 찢어져서 왔어요. 아쉬워요.",),
}
RATING_WEIGHTS = ((5, 55), (4, 28), (3, 10), (2, 5), (1, 2))


def _rules(*, now, log: Callable[[str], None]) -> dict[str, CouponRule]:
    laundry = Category.objects.filter(slug="laundry-cleaning").first()
    store = Store.objects.filter(slug="golmok-living").first()
    specs = [
        (
            "첫 주문 환영 쿠폰",
            {
                "code": "WELCOME2026",
                "discount_kind": CouponRule.DiscountKind.FIXED,
                "discount_value": 3000,
                "min_order_amount": 15000,
                "valid_days": 30,
            },
        ),
        (
            "30,000원 이상 3,000원 할인",
            {
                "code": "DONGNE3000",
                "discount_kind": CouponRule.DiscountKind.FIXED,
                "discount_value": 3000,
                "min_order_amount": 30000,
                "valid_days": 14,
                "is_stackable": True,
            },
        ),
        (
            "필수품 10% 할인",
            {
                "discount_kind": CouponRule.DiscountKind.PERCENT,
                "discount_value": 10,
                "max_discount": 5000,
                "min_order_amount": 20000,
                "scope": CouponRule.Scope.CATEGORY if laundry else CouponRule.Scope.ALL,
                "category": laundry,
                "valid_days": 7,
            },
        ),
        (
            "골목 생활용품점 단골 5% 쿠폰",
            {
                "discount_kind": CouponRule.DiscountKind.PERCENT,
                "discount_value": 5,
                "max_discount": 3000,
                "scope": CouponRule.Scope.STORE if store else CouponRule.Scope.ALL,
                "store": store,
                "valid_days": 30,
                "is_stackable": True,
            },
        ),
        (
            "다시 찾아 주셔서 고마워요 쿠폰",
            {
                "discount_kind": CouponRule.DiscountKind.FIXED,
                "discount_value": 5000,
                "min_order_amount": 40000,
                "valid_days": 10,
                "total_issue_limit": 500,
            },
        ),
    ]
    rules = {}
    for name, fields in specs:
        fields = {"valid_from": now - timedelta(days=200), "per_customer_limit": 1, **fields}
        rule, _created = CouponRule.objects.update_or_create(name=name, defaults=fields)
        rule.full_clean()
        rules[name] = rule
    log(f"쿠폰 규칙 {len(rules)}개")
    return rules


def _issue(rule: CouponRule, user, source: str, ref: str) -> IssuedCoupon | None:
    try:
        return coupon_issue(rule=rule, user=user, source=source, source_ref=ref)
    except DomainError:
        return None  # already holds it (re-run) or the rule's limit is reached


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    now = timezone.now()
    rules = _rules(now=now, log=log)
    customers = list(get_user_model().objects.filter(is_staff=False, is_superuser=False).order_by("pk")[: 60 * scale])
    issued = 0
    for index, user in enumerate(customers):
        crng = random.Random(f"{rng.random()}:{user.username}")  # noqa: S311 (demo data)
        if _issue(rules["첫 주문 환영 쿠폰"], user, IssuedCoupon.Source.CODE, "WELCOME2026"):
            issued += 1
        if (user.username in FEATURED or crng.random() < 0.5) and _issue(
            rules["30,000원 이상 3,000원 할인"], user, IssuedCoupon.Source.CAMPAIGN, "demo:monthly"
        ):
            issued += 1
        if (user.username in FEATURED or crng.random() < 0.4) and _issue(
            rules["필수품 10% 할인"], user, IssuedCoupon.Source.NUDGE, "demo:replenish"
        ):
            issued += 1
        if index % 3 == 0 and _issue(rules["골목 생활용품점 단골 5% 쿠폰"], user, IssuedCoupon.Source.ADMIN, "demo"):
            issued += 1
        expired = _issue(
            rules["다시 찾아 주셔서 고마워요 쿠폰"], user, IssuedCoupon.Source.GREETING, "demo:welcome-back"
        )
        if expired is not None:
            issued += 1
            if crng.random() < 0.5:
                # A wallet also shows past coupons: back-date this one (only its dates; no invariant involved).
                IssuedCoupon.objects.filter(pk=expired.pk).update(
                    issued_at=now - timedelta(days=40), expires_at=now - timedelta(days=30)
                )
    log(f"쿠폰 {issued}장 발급")

    earned = 0
    delivered = Order.objects.filter(user__in=customers, status=Order.Status.DELIVERED).exclude(
        point_entries__kind=PointEntry.Kind.EARN
    )
    for order in delivered.select_related("user").order_by("pk").iterator(chunk_size=200):
        if point_earn_for_order(order=order) is not None:
            earned += 1
    for username in FEATURED:
        user = next((customer for customer in customers if customer.username == username), None)
        if user is not None and not PointEntry.objects.filter(user=user, kind=PointEntry.Kind.ADJUST).exists():
            point_adjust(user=user, amount=3000, note="welcome")
    log(f"배송 완료 주문 {earned}건 적립")

    subscribable = list(
        Product.objects.filter(is_subscribable=True, is_active=True, category__kind=Category.Kind.ESSENTIAL).order_by(
            "pk"
        )[:30]
    )
    subscribed = 0
    if subscribable:
        for user in customers[: 12 * scale]:
            address = Address.objects.filter(user=user, is_default=True).first()
            if address is None or Subscription.objects.filter(user=user).exists():
                continue
            crng = random.Random(f"subscription:{user.username}")  # noqa: S311 (demo data)
            for product in crng.sample(subscribable, k=min(len(subscribable), crng.choice((1, 1, 2)))):
                try:
                    subscription_create(
                        user=user,
                        product=product,
                        interval_weeks=crng.choice((2, 4, 4, 8)),
                        address=address,
                        quantity=crng.choice((1, 1, 2)),
                        first_date=timezone.localdate() + timedelta(days=crng.randint(1, 20)),
                    )
                    subscribed += 1
                except DomainError:
                    continue
    log(f"정기배송 {subscribed}건")

    reviewed = 0
    lines = (
        OrderLine.objects.filter(order__user__in=customers, order__status=Order.Status.DELIVERED, review__isnull=True)
        .select_related("order__user")
        .order_by("pk")
    )
    ratings, weights = zip(*RATING_WEIGHTS, strict=True)
    for line in lines.iterator(chunk_size=200):
        crng = random.Random(f"review:{line.order.number}:{line.pk}")  # noqa: S311 (demo data)
        if crng.random() >= REVIEW_SHARE:
            continue
        rating = crng.choices(ratings, weights=weights)[0]
        try:
            review_create(user=line.order.user, order_line=line, rating=rating, body=crng.choice(REVIEW_TEXTS[rating]))
            reviewed += 1
        except DomainError:
            continue
    log(f"리뷰 {reviewed}개 (총 {Review.objects.count()}개)")
    return []
