"""The demo products: every category's line as names x sizes at believable prices, repeated in numbered batches
for the benchmark scales, and `seed`, which builds the whole catalogue."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from shop.demo.catalog.teams import teams_and_stores
from shop.demo.catalog.tree import TREE, E, Line
from shop.models import Category, Product


def _won(amount: float) -> int:
    """Round to a price people expect: ...900원 for most, whole hundreds below 1,000."""
    value = int(amount)
    return max(900, (value // 1000) * 1000 + 900)


def _product_rows(line: Line, scale: int) -> list[tuple[str, int]]:
    """(name, price) for a category: every base name x size, repeated as numbered batches for bench scales."""
    base = [(f"{name} {size}", _won(line.base_price * mult)) for name in line.names for size, mult in line.sizes]
    rows = list(base)
    batch = 2
    while len(rows) < len(base) * scale:
        rows.extend((f"{name} · {batch}차 입고", price) for name, price in base)
        batch += 1
    return rows[: len(base) * scale]


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    scale = max(1, scale)
    stores, logins = teams_and_stores(log)
    now = timezone.now()
    created_total = 0
    for p_order, (p_slug, p_name, p_kind, children) in enumerate(TREE):
        parent, _ = Category.objects.update_or_create(
            slug=p_slug, defaults={"name": p_name, "kind": p_kind, "sort_order": p_order, "parent": None}
        )
        for c_order, (slug, name, kind, days, store_slug, line) in enumerate(children):
            category, _ = Category.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "replenishment_days": days,
                    "parent": parent,
                    "sort_order": c_order,
                },
            )
            store = stores[store_slug]
            existing = set(Product.objects.filter(store=store, category=category).values_list("name", flat=True))
            new_products = []
            for product_name, price in _product_rows(line, scale):
                if product_name in existing:
                    continue
                discounted = rng.random() < 0.7
                list_price = _won(price * rng.uniform(1.1, 1.4)) if discounted else None
                stock = 0 if rng.random() < 0.05 else rng.choice([3, 7, 25, 60, 120, 300])
                new_products.append(
                    Product(
                        store=store,
                        category=category,
                        name=product_name,
                        description=line.description,
                        price=price,
                        list_price=list_price if list_price and list_price > price else None,
                        stock=stock,
                        is_subscribable=line.subscribable and kind == E,
                        sold_count=int(rng.paretovariate(1.3) * 20),
                        created_at=now - timedelta(days=rng.randint(0, 180), minutes=rng.randint(0, 1440)),
                    )
                )
            # No photos: every card shows its category's drawing (shop.placeholders), as a new shop's products do.
            made = Product.objects.bulk_create(new_products, batch_size=1000)
            created_total += len(made)
    log(f"catalog: {Category.objects.count()} categories, {Product.objects.count()} products ({created_total} new)")
    return logins
