"""Bench data, generated inside PostgreSQL: a few ORM rows for the catalogue, then INSERT ... SELECT over
generate_series for households, customers, visits, orders and order lines (no Python loop per row).

Shape: about 70% of customers belong to a household (2.5 people on average); orders go to the first 80% of
customers with a skew (some order often, many once, the last 20% never: 잠재), placed over the last two years,
mostly delivered with some cancelled, refunded and unpaid; each order has 2-3 lines of catalogue products (a third
of them essentials with a replenishment cycle). Order totals add up exactly as the constraints require.
"""

from __future__ import annotations

import time

from django.db import connection

ORDER_STATUS_CASE = """CASE
    WHEN r < 0.80 THEN 'delivered' WHEN r < 0.84 THEN 'shipped' WHEN r < 0.87 THEN 'paid'
    WHEN r < 0.92 THEN 'cancelled' WHEN r < 0.95 THEN 'refunded' ELSE 'pending_payment' END"""


def _log(message: str) -> None:
    print(f"[bench.segmentation] {message}", flush=True)


def _sql(statement: str, params: list | None = None) -> int:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        rows = cursor.rowcount
    _log(
        f"  {statement.split()[0].lower()} {statement.split()[2] if len(statement.split()) > 2 else ''}: "
        f"{rows:,} rows in {time.perf_counter() - started:.1f} s"
    )
    return rows


def seeded_size() -> tuple[int, int]:
    """(bench customers, order lines) already in the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user WHERE username LIKE 'bench%%'")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM shop_orderline")
        lines = cursor.fetchone()[0]
    return customers, lines


def _catalogue() -> tuple[list[int], list[int]]:
    """A team, five shops, 40 categories (16 essentials with a cycle) and 2,000 products. Returns (product ids,
    essential category ids)."""
    from crm.models import Team
    from shop.models import Category, Product, Store

    team, _ = Team.objects.get_or_create(slug="bench-team", defaults={"name": "벤치 MD팀"})
    stores = [
        Store.objects.get_or_create(slug=f"bench-store-{i}", defaults={"name": f"벤치 가게 {i}", "team": team})[0]
        for i in range(5)
    ]
    categories = []
    for i in range(40):
        essential = i < 16
        categories.append(
            Category.objects.get_or_create(
                slug=f"bench-cat-{i}",
                defaults={
                    "name": f"{'필수품' if essential else '기호품'} {i}",
                    "kind": Category.Kind.ESSENTIAL if essential else Category.Kind.PREFERENCE,
                    "replenishment_days": (14, 30, 45, 60)[i % 4] if essential else None,
                    "sort_order": i,
                },
            )[0]
        )
    if not Product.objects.filter(name__startswith="벤치 상품").exists():
        Product.objects.bulk_create(
            [
                Product(
                    store=stores[i % len(stores)],
                    category=categories[i % len(categories)],
                    name=f"벤치 상품 {i}",
                    description="",
                    price=1000 + (i % 60) * 500,
                    stock=1000,
                )
                for i in range(2000)
            ],
            batch_size=1000,
        )
    products = list(Product.objects.filter(name__startswith="벤치 상품").values_list("pk", flat=True))
    return products, [c.pk for c in categories if c.kind == Category.Kind.ESSENTIAL]


def seed(*, customers: int, lines: int) -> None:
    """Generate the data set (the database is expected empty of bench rows)."""
    started = time.perf_counter()
    _log(f"generating {customers:,} customers and {lines:,} order lines")
    products, _essentials = _catalogue()
    households = int(customers * 0.7 / 2.5)
    orders = lines * 2 // 5  # 2-3 lines per order (line i belongs to order i % orders)
    # Rows are consistent by construction: skip the per-row foreign-key triggers while loading (superuser only).
    _sql("SET session_replication_role = replica")
    _sql("SELECT setseed(0.42)")
    _sql(
        """
        INSERT INTO accounts_household (name, size, has_children, has_pets, invite_code, created_at)
        SELECT '벤치네 ' || g, 1 + (random() * 4)::int, random() < 0.35, random() < 0.3, 'B' || g, now()
        FROM generate_series(1, %s) g
        """,
        [households],
    )
    _sql(
        """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
            is_active, date_joined, nickname, birth_date, gender, phone, marketing_consented_at,
            night_marketing_consented_at, tracking_opted_out, notify_by_alimtalk, notify_by_email, household_id)
        SELECT '!', FALSE, 'bench' || g, '', '', '', FALSE, TRUE,
            now() - (random() * 900) * interval '1 day', '고객' || g,
            CASE WHEN random() < 0.7 THEN DATE '1950-01-01' + (random() * 20000)::int END,
            (ARRAY['F', 'M', '', 'F'])[1 + (g %% 4)], '',
            c.consent, CASE WHEN c.consent IS NOT NULL AND random() < 0.3 THEN c.consent END, FALSE, TRUE, TRUE,
            CASE WHEN random() < 0.7 THEN h.first_id + (random() * (%s - 1))::int END
        FROM generate_series(1, %s) g
        CROSS JOIN (SELECT MIN(id) AS first_id FROM accounts_household WHERE name LIKE '벤치네 %%') h
        CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.6 THEN now() - interval '100 days' END AS consent
                            WHERE g > 0) c
        """,
        [households, customers],
    )
    _sql(
        """
        INSERT INTO feed_visitor (id, user_id, first_seen, last_seen, previous_seen)
        SELECT gen_random_uuid(), u.id, u.date_joined, now() - (random() * 120) * interval '1 day', NULL
        FROM accounts_user u WHERE u.username LIKE 'bench%%' AND random() < 0.6
        """
    )
    _sql("DROP TABLE IF EXISTS bench_lines")
    _sql(
        """
        CREATE UNLOGGED TABLE bench_lines AS
        SELECT g AS n, g %% %s AS order_idx, p.ids[1 + (random() * (array_length(p.ids, 1) - 1))::int] AS product_id,
            1 + (random() * 2)::int AS quantity
        FROM generate_series(0, %s - 1) g
        CROSS JOIN (SELECT %s::bigint[] AS ids) p
        """,
        [orders, lines, products],
    )
    _sql(
        """
        CREATE UNLOGGED TABLE bench_orders AS
        SELECT o.order_idx, SUM(p.price * o.quantity) AS subtotal
        FROM bench_lines o JOIN shop_product p ON p.id = o.product_id GROUP BY o.order_idx
        """
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM shop_order")
        order_base = cursor.fetchone()[0]
        cursor.execute("SELECT MIN(id), MAX(id) FROM accounts_user WHERE username LIKE 'bench%%'")
        first_user, last_user = cursor.fetchone()
    buyers = int((last_user - first_user + 1) * 0.8)
    _sql(
        f"""
        INSERT INTO shop_order (id, number, user_id, status, idempotency_key, recipient_name, phone, postal_code,
            address1, address2, memo, subtotal, shipping_fee, coupon_discount, points_used, total, stock_released,
            attribution_source, placed_at, paid_at, cancelled_at, carrier, tracking_number)
        SELECT %s + b.order_idx, 'B' || lpad((%s + b.order_idx)::text, 11, '0'),
            %s + floor(%s * power(random(), 1.7))::int, s.status, gen_random_uuid(), '벤치', '010-0000-0000',
            '04524', '서울특별시 중구 세종대로 110', '', '', b.subtotal, 3000, 0, 0, b.subtotal + 3000,
            s.status = 'cancelled', '', s.placed_at,
            CASE WHEN s.status <> 'pending_payment' THEN s.placed_at + interval '2 minutes' END,
            CASE WHEN s.status = 'cancelled' THEN s.placed_at + interval '1 day' END, '', ''
        FROM bench_orders b
        CROSS JOIN LATERAL (
            SELECT {ORDER_STATUS_CASE} AS status, now() - (x * 730) * interval '1 day' AS placed_at
            FROM (SELECT random() AS r, random() AS x WHERE b.order_idx >= 0) rr
        ) s
        """,  # noqa: S608 (a constant CASE, values bound)
        [order_base, order_base, first_user, buyers],
    )
    _sql(f"SELECT setval(pg_get_serial_sequence('shop_order', 'id'), {order_base} + {orders})")
    _sql(
        """
        INSERT INTO shop_orderline (order_id, product_id, store_id, product_name, store_name, unit_price, list_price,
            quantity, line_total)
        SELECT %s + l.order_idx, l.product_id, p.store_id, p.name, '벤치 가게', p.price, NULL, l.quantity,
            p.price * l.quantity
        FROM bench_lines l JOIN shop_product p ON p.id = l.product_id
        ORDER BY l.order_idx
        """,
        [order_base],
    )
    _sql("DROP TABLE bench_lines")
    _sql("DROP TABLE bench_orders")
    _sql("SET session_replication_role = origin")
    # The catalogue too: 40 categories and 2,000 products stay below autovacuum's analyze threshold, and without
    # statistics the planner takes "kind = essential" for one row and nested-loops over the order lines.
    tables = ("shop_category", "shop_product", "accounts_user", "accounts_household", "shop_order", "shop_orderline")
    for table in (*tables, "feed_visitor"):
        _sql(f"ANALYZE {table}")
    _log(f"generated in {time.perf_counter() - started:.0f} s")


def segments_create() -> int:
    """Eight segments over the kinds of condition the back office offers (RFM, lifecycle, spend, households,
    consents, category purchases, due essentials, recent views)."""
    from crm.models import Segment, Team
    from shop.models import Category

    team = Team.objects.get(slug="bench-team")
    essential = Category.objects.filter(slug="bench-cat-1").values_list("pk", flat=True).first()
    preference = Category.objects.filter(slug="bench-cat-20").values_list("pk", flat=True).first()

    def c(field, op, value):
        return {"field": field, "op": op, "value": value}

    definitions = {
        "챔피언과 충성 고객": [c("rfm_segment", "in", ["champions", "loyal"])],
        "이탈 위험 단골": [c("lifecycle", "in", ["at_risk"]), c("monetary", "gte", 100_000)],
        "신규 고객": [c("lifecycle", "eq", "new")],
        "아이 있는 3인 이상 가구": [c("household_size", "gte", 3), c("has_children", "is", True)],
        "마케팅 동의 30대": [c("marketing_consent", "is", True), c("age_band", "in", [30])],
        "필수품 1 구매 고객": [c("category_purchase", "bought", {"category": essential, "days": 180})],
        "필수품 떨어진 가구": [c("essential_category", "overdue", {"category": essential})],
        "기호품 관심": [
            {
                "match": "any",
                "conditions": [
                    c("category_views", "at_least", {"category": preference, "count": 3, "days": 7}),
                    c("category_purchase", "bought", {"category": preference, "min_spend": 30_000}),
                ],
            }
        ],
    }
    for name, conditions in definitions.items():
        Segment.objects.update_or_create(
            team=team, name=name, defaults={"definition": {"match": "all", "conditions": conditions}}
        )
    return len(definitions)
