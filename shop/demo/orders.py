"""Demo order history: six months of orders for the demo customers, with believable replenishment rhythms.

Each customer buys a few essentials on their own cycle (생수 about every two weeks, 세제 about monthly, from the
category's replenishment days with a personal factor), sometimes adds a treat from a preference category, and
orders end in realistic states by age (long-delivered, a few cancelled or refunded, recent ones on their way,
today's waiting for a bank transfer). Household purchase facts and CRM segmentation read this history.

Written through `shop.services.orders.orders_import_historical` (same invariants as checkout) and the address
service. Deterministic (a per-customer RNG seeded from `rng` and the username) and idempotent: each order's
natural key is a UUID derived from the customer and the order's index, so a re-run imports nothing new.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.models import Address, Category, OrderStatus, PaymentMethod, Product
from shop.services.checkout import ShippingAddress, address_save
from shop.services.orders import HistoricalOrder, orders_import_historical

HISTORY_DAYS = 182
DEMO_NAMESPACE = uuid.UUID("6f1c1e0a-7d1b-4c35-9a57-0d0e9a3c2b11")
DEFAULT_CYCLE_DAYS = 30

ADDRESSES = (
    ("04524", "서울특별시 중구 세종대로 110", "1203호"),
    ("06236", "서울특별시 강남구 테헤란로 152", "강남파이낸스 8층"),
    ("03925", "서울특별시 마포구 월드컵북로 396", "101동 1502호"),
    ("13494", "경기도 성남시 분당구 판교역로 166", "B동 501호"),
    ("48058", "부산광역시 해운대구 센텀중앙로 79", "302호"),
    ("35208", "대전광역시 서구 둔산로 100", "2층"),
    ("61475", "광주광역시 동구 금남로 245", "7층 702호"),
    ("41911", "대구광역시 중구 동덕로 115", "1101호"),
    ("16455", "경기도 수원시 팔달구 효원로 241", "305동 903호"),
    ("21554", "인천광역시 남동구 정각로 29", "204호"),
)
MEMOS = ("문 앞에 놓아 주세요", "경비실에 맡겨 주세요", "부재 시 연락 주세요", "", "배송 전에 문자 주세요", "")


def _address_for(user, crng: random.Random) -> ShippingAddress:
    saved = Address.objects.filter(user=user, is_default=True).first()
    if saved is not None:
        return ShippingAddress(
            recipient_name=saved.recipient_name,
            phone=saved.phone,
            postal_code=saved.postal_code,
            address1=saved.address1,
            address2=saved.address2,
            memo=saved.memo,
        )
    postal, line1, line2 = crng.choice(ADDRESSES)
    phone = user.phone or f"010-{crng.randint(2000, 9999)}-{crng.randint(1000, 9999)}"
    address = ShippingAddress(
        recipient_name=(user.get_full_name() or user.nickname or user.username)[:30],
        phone=phone,
        postal_code=postal,
        address1=line1,
        address2=line2,
        memo=crng.choice(MEMOS),
    )
    address_save(user=user, address=address, make_default=True, label="집")
    return address


def _final_status(age_days: float, crng: random.Random, method: str) -> str:
    roll = crng.random()
    if age_days > 14:
        if roll < 0.05:
            return OrderStatus.CANCELLED
        if roll < 0.07:
            return OrderStatus.REFUNDED
        return OrderStatus.DELIVERED
    if age_days > 5:
        return OrderStatus.CANCELLED if roll < 0.04 else OrderStatus.DELIVERED
    if age_days > 2:
        return OrderStatus.SHIPPED if roll < 0.6 else OrderStatus.DELIVERED
    if age_days > 1:
        return OrderStatus.PREPARING if roll < 0.6 else OrderStatus.SHIPPED
    if method == PaymentMethod.BANK_TRANSFER:
        return OrderStatus.PENDING_PAYMENT
    return OrderStatus.PAID


def _customer_history(
    *,
    user,
    crng: random.Random,
    essentials: dict[int, list[Product]],
    cycles: dict[int, int],
    treats: list[Product],
    now,
) -> list[HistoricalOrder]:
    start = now - timedelta(days=HISTORY_DAYS)
    habits = crng.sample(sorted(essentials), k=min(len(essentials), crng.randint(2, 4)))
    purchases: list[tuple[float, Product, int]] = []  # (days after start, product, quantity)
    for category_id in habits:
        cycle = cycles.get(category_id) or DEFAULT_CYCLE_DAYS
        personal = cycle * crng.uniform(0.85, 1.2)
        favourite = crng.choice(essentials[category_id])
        day = crng.uniform(0, personal)
        while day < HISTORY_DAYS - 0.2:
            product = favourite if crng.random() < 0.8 else crng.choice(essentials[category_id])
            quantity = crng.choice((1, 1, 1, 2)) if cycle >= 20 else crng.choice((1, 2, 2, 3))
            purchases.append((day, product, quantity))
            day += personal * crng.uniform(0.8, 1.2)
    purchases.sort(key=lambda row: row[0])

    # Things bought within two days of each other go into one order.
    baskets: list[list[tuple[float, Product, int]]] = []
    for row in purchases:
        if baskets and row[0] - baskets[-1][0][0] <= 2:
            baskets[-1].append(row)
        else:
            baskets.append([row])

    address = _address_for(user, crng)
    history = []
    for index, basket in enumerate(baskets):
        items: dict[int, tuple[Product, int]] = {}
        for _day, product, quantity in basket:
            held = items.get(product.pk)
            items[product.pk] = (product, quantity + (held[1] if held else 0))
        if treats and crng.random() < 0.25:
            treat = crng.choice(treats)
            items.setdefault(treat.pk, (treat, 1))
        placed_at = start + timedelta(days=basket[0][0], hours=crng.uniform(8, 22) - 12)
        placed_at = min(placed_at, now - timedelta(minutes=30))
        method = PaymentMethod.BANK_TRANSFER if crng.random() < 0.15 else PaymentMethod.CARD
        age_days = (now - placed_at).total_seconds() / 86400
        history.append(
            HistoricalOrder(
                user=user,
                items=list(items.values()),
                placed_at=placed_at,
                final_status=_final_status(age_days, crng, method),
                idempotency_key=uuid.uuid5(DEMO_NAMESPACE, f"{user.username}:{index}"),
                payment_method=method,
                **address.__dict__,
            )
        )
    return history


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    """Six months of orders for every demo customer (non-staff users). Returns no new logins."""
    user_model = get_user_model()
    customers = list(user_model.objects.filter(is_staff=False, is_superuser=False, is_active=True).order_by("pk"))
    products = list(
        Product.objects.filter(is_active=True, store__is_active=True).select_related("store", "category").order_by("pk")
    )
    if not customers or not products:
        log("orders: 고객이나 상품이 없어서 주문 내역을 건너뛰었어요 (accounts.demo, shop.demo.catalog 먼저).")
        return []
    essentials: dict[int, list[Product]] = {}
    treats: list[Product] = []
    cycles: dict[int, int] = {}
    for product in products:
        if product.category.kind == Category.Kind.ESSENTIAL:
            essentials.setdefault(product.category_id, []).append(product)
            cycles[product.category_id] = product.category.replenishment_days or DEFAULT_CYCLE_DAYS
        else:
            treats.append(product)
    if not essentials:
        log("orders: 필수품 카테고리가 없어서 주문 내역을 건너뛰었어요.")
        return []
    # Anchored to today's midnight and seeded by username (not by the shared rng's position), so re-running
    # the seeder on the same day rebuilds exactly the same history and imports nothing new.
    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    total_new = 0
    batch: list[HistoricalOrder] = []
    for user in customers:
        crng = random.Random(f"orders:{user.username}")  # noqa: S311 (demo data)
        batch.extend(
            _customer_history(user=user, crng=crng, essentials=essentials, cycles=cycles, treats=treats, now=now)
        )
        if len(batch) >= 2000:
            total_new += orders_import_historical(orders=batch)
            batch = []
    total_new += orders_import_historical(orders=batch)
    log(f"orders: 고객 {len(customers)}명의 6개월 주문 내역, 새로 {total_new}건")
    return []
