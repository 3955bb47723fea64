"""Demo catalog: category tree, MD teams with a staff login per role, corner shops and products with pictures.

Idempotent (natural keys: category/store/team slugs, usernames, product name within a shop) and deterministic
(every random choice comes from `rng`). `scale` multiplies the product count: 1 gives ~220 hand-written products,
the page benchmark uses 50 (~11,000). Product pictures are the project's generated category pictures, drawn once
per category and variant and shared by products, so a large scale costs no extra drawing.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.models import Category, Product, Store

STAFF_PASSWORD = "dongne-md-2026"  # noqa: S105 (demo logins are printed by seed_demo on purpose)
E, P = Category.Kind.ESSENTIAL, Category.Kind.PREFERENCE


@dataclass(frozen=True)
class Line:
    """A product line of a category: base names, sizes and the price of the first size."""

    names: tuple[str, ...]
    sizes: tuple[tuple[str, float], ...]  # (label, price multiplier)
    base_price: int
    description: str
    subscribable: bool = False


# (parent slug, parent name, parent kind, [(slug, name, kind, replenishment days, store slug, line)])
TREE: list[tuple[str, str, str, list[tuple[str, str, str, int | None, str, Line]]]] = [
    (
        "laundry-cleaning",
        "세탁·청소",
        E,
        [
            (
                "detergent",
                "세탁세제",
                E,
                30,
                "golmok-living",
                Line(
                    (
                        "라벤더 고농축 액체 세탁세제",
                        "무향 저자극 아기 세탁세제",
                        "실내건조 전용 액체세제",
                        "드럼·일반 겸용 세탁세제",
                        "울·섬세 의류 전용 세제",
                        "얼룩 제거 산소계 표백제",
                    ),
                    (("2.5L", 1.0), ("리필 1.8L 2개입", 1.35), ("3L 대용량", 1.2)),
                    12900,
                    "빨래 냄새 걱정 없는 고농축 세제예요. 찬물에도 잘 풀리고 헹굼이 깔끔해서 아이 옷도 안심하고 빨 수 있어요.",
                    True,
                ),
            ),
            (
                "fabric-softener",
                "섬유유연제",
                E,
                45,
                "golmok-living",
                Line(
                    ("코튼블루 섬유유연제", "베이비파우더향 섬유유연제", "무향 섬유유연제", "드라이시트 섬유유연제"),
                    (("2.1L", 1.0), ("리필 1.6L 3개입", 1.6)),
                    8900,
                    "은은한 향이 오래 남고 정전기를 줄여 줘요. 수건이 뽀송하게 말라요.",
                    True,
                ),
            ),
            (
                "dish-soap",
                "주방세제",
                E,
                30,
                "golmok-living",
                Line(
                    (
                        "1종 베이킹소다 주방세제",
                        "자몽향 주방세제",
                        "무향 젖병 세정제",
                        "식기세척기 전용 세제",
                        "설거지 워터 주방세제",
                    ),
                    (("750ml", 1.0), ("리필 1.2L", 1.3), ("750ml 3개입", 2.5)),
                    4900,
                    "과일·채소와 젖병까지 씻을 수 있는 1종 주방세제예요. 거품이 부드럽고 손이 덜 당겨요.",
                    True,
                ),
            ),
        ],
    ),
    (
        "paper-hygiene",
        "화장지·위생",
        E,
        [
            (
                "toilet-paper",
                "휴지",
                E,
                21,
                "golmok-living",
                Line(
                    (
                        "3겹 천연펄프 두루마리 휴지",
                        "대나무 펄프 두루마리 휴지",
                        "무형광 키친타월",
                        "미용티슈",
                        "여행용 휴대 티슈",
                    ),
                    (("30m 30롤", 1.0), ("30m 24롤", 0.85)),
                    18900,
                    "먼지가 적은 천연펄프로 도톰하게 만들었어요. 한 번 살 때 넉넉히 쟁여 두기 좋아요.",
                    True,
                ),
            ),
            (
                "wet-wipes",
                "물티슈",
                E,
                21,
                "agom-baby",
                Line(
                    ("순한 아기 물티슈 캡형", "엠보싱 도톰 물티슈", "손소독 물티슈", "대용량 청소용 물티슈"),
                    (("80매 10팩", 1.0), ("80매 5팩", 0.55)),
                    15900,
                    "정제수 99%로 만든 순한 물티슈예요. 캡이 있어 마지막 장까지 촉촉해요.",
                    True,
                ),
            ),
            (
                "diapers",
                "기저귀",
                E,
                21,
                "agom-baby",
                Line(
                    (
                        "밤에도 뽀송한 밴드형 기저귀",
                        "여름용 통기성 팬티형 기저귀",
                        "신생아 배꼽 기저귀",
                        "수영장 방수 기저귀",
                    ),
                    (("중형 60매", 1.0), ("대형 48매", 1.05), ("특대형 40매", 1.1)),
                    27900,
                    "흡수층이 얇고 빠르게 스며들어 밤새 뽀송해요. 허리 밴드가 부드러워 자국이 덜 남아요.",
                    True,
                ),
            ),
        ],
    ),
    (
        "bath",
        "욕실",
        E,
        [
            (
                "shampoo",
                "샴푸",
                E,
                45,
                "golmok-living",
                Line(
                    (
                        "약산성 두피 샴푸",
                        "탈모 증상 완화 샴푸",
                        "어린이 순한 샴푸",
                        "단백질 손상모 샴푸",
                        "쿨링 두피 스케일링 샴푸",
                    ),
                    (("500ml", 1.0), ("1L 대용량", 1.6)),
                    13900,
                    "두피에 순한 약산성 샴푸예요. 거품이 풍성하고 헹군 뒤에도 당기지 않아요.",
                    True,
                ),
            ),
            (
                "toothpaste",
                "치약·칫솔",
                E,
                30,
                "golmok-living",
                Line(
                    (
                        "잇몸 케어 치약",
                        "미세모 칫솔",
                        "어린이 딸기향 치약",
                        "시린이 완화 치약",
                        "대나무 칫솔 가족 세트",
                    ),
                    (("4개입", 1.0), ("8개입", 1.8)),
                    9900,
                    "매일 쓰는 것이라 꼼꼼히 골랐어요. 잇몸이 약한 가족도 편하게 써요.",
                    True,
                ),
            ),
            (
                "body-wash",
                "바디워시",
                E,
                45,
                "golmok-living",
                Line(
                    ("보습 오트밀 바디워시", "상큼한 시트러스 바디워시", "무향 민감 피부 바디워시", "아기 탑투토 워시"),
                    (("900g", 1.0), ("리필 500g 2개입", 1.1)),
                    11900,
                    "씻고 나서도 피부가 촉촉하게 남아요. 향은 은은해서 온 가족이 함께 쓰기 좋아요.",
                    True,
                ),
            ),
        ],
    ),
    (
        "food-drink",
        "식품·음료",
        E,
        [
            (
                "water",
                "생수",
                E,
                14,
                "haessal-grocery",
                Line(
                    ("제주 화산암반수 생수", "무라벨 지리산 생수", "탄산수 플레인", "알칼리 이온 생수", "탄산수 레몬"),
                    (("2L 12병", 1.0), ("500ml 40병", 1.3)),
                    9900,
                    "무겁게 들고 오지 마세요. 현관 앞까지 가져다드려요. 무라벨이라 분리수거도 편해요.",
                    True,
                ),
            ),
            (
                "rice",
                "쌀",
                E,
                30,
                "haessal-grocery",
                Line(
                    ("경기미 추청 백미", "철원 오대쌀", "유기농 현미", "찹쌀 잡곡 혼합", "백미 신동진"),
                    (("4kg", 1.0), ("10kg", 2.2)),
                    21900,
                    "올해 수확한 햅쌀을 매주 도정해서 보내 드려요. 밥맛이 고슬고슬해요.",
                    True,
                ),
            ),
            (
                "coffee",
                "커피",
                P,
                None,
                "haessal-grocery",
                Line(
                    (
                        "에티오피아 예가체프 원두",
                        "고소한 브라질 블렌드 원두",
                        "디카페인 콜롬비아 원두",
                        "콜드브루 원액",
                        "과테말라 안티구아 원두",
                    ),
                    (("200g", 1.0), ("500g", 2.1), ("1kg", 3.8)),
                    14900,
                    "동네 로스터리에서 주문받고 볶아요. 꽃향과 산뜻한 산미가 좋아요.",
                ),
            ),
            (
                "dessert",
                "디저트",
                P,
                None,
                "haessal-grocery",
                Line(
                    (
                        "버터 듬뿍 휘낭시에",
                        "쫀득한 약과 쿠키",
                        "수제 그래놀라",
                        "말차 티라미수",
                        "무화과 파운드케이크",
                        "흑임자 인절미 쿠키",
                    ),
                    (("6개입", 1.0), ("12개입", 1.8)),
                    12900,
                    "오후 세 시, 커피와 함께 먹기 좋은 디저트예요. 매일 아침 구워 당일 보내요.",
                ),
            ),
        ],
    ),
    (
        "interior",
        "인테리어",
        P,
        [
            (
                "interior-goods",
                "인테리어 소품",
                P,
                None,
                "dajeong-things",
                Line(
                    (
                        "라탄 수납 바구니",
                        "린넨 쿠션 커버",
                        "세라믹 머그",
                        "원목 트레이",
                        "패브릭 포스터",
                        "무드등 스탠드",
                        "유리 화병",
                    ),
                    (("S", 1.0), ("M", 1.35)),
                    15900,
                    "방 한쪽을 따뜻하게 바꿔 주는 작은 소품이에요. 손으로 하나하나 만들어 모양이 조금씩 달라요.",
                ),
            ),
            (
                "candles",
                "향초·디퓨저",
                P,
                None,
                "dajeong-things",
                Line(
                    ("소이 캔들 우디향", "무화과 디퓨저", "라벤더 룸스프레이", "차량용 디퓨저", "인센스 스틱 세트"),
                    (("200ml", 1.0), ("400ml", 1.7)),
                    18900,
                    "천연 소이왁스와 에센셜 오일로 만들었어요. 퇴근 후 거실에 켜 두면 마음이 편해져요.",
                ),
            ),
        ],
    ),
    (
        "fashion",
        "패션",
        P,
        [
            (
                "accessories",
                "패션잡화",
                P,
                None,
                "dajeong-things",
                Line(
                    ("울 혼방 머플러", "가죽 카드지갑", "니트 비니", "실버 귀걸이", "체크 손수건", "코튼 양말 세트"),
                    (("베이지", 1.0), ("차콜", 1.0)),
                    24900,
                    "오래 써도 질리지 않는 기본 디자인이에요. 선물 포장을 무료로 해 드려요.",
                ),
            ),
            (
                "bags",
                "가방",
                P,
                None,
                "dajeong-things",
                Line(
                    ("캔버스 토트백", "나일론 크로스백", "데일리 백팩", "에코백 숄더", "미니 파우치"),
                    (("아이보리", 1.0), ("블랙", 1.0)),
                    39900,
                    "노트북과 텀블러가 쏙 들어가는 넉넉한 가방이에요. 가벼워서 매일 들기 좋아요.",
                ),
            ),
            (
                "dresses",
                "원피스",
                P,
                None,
                "dajeong-things",
                Line(
                    ("린넨 셔츠 원피스", "플라워 롱 원피스", "니트 원피스", "데님 점프 원피스"),
                    (("S", 1.0), ("M", 1.0), ("L", 1.0)),
                    49900,
                    "편안한 핏에 허리 끈으로 실루엣을 잡을 수 있어요. 물세탁해도 괜찮아요.",
                ),
            ),
        ],
    ),
]

# (store slug, store name, tagline, team slug, team name, team intro, greeting, [(role, last, first, intro)])
STORES = [
    (
        "golmok-living",
        "골목 생활용품점",
        "매일 쓰는 물건을 떨어지기 전에 챙겨 드려요",
        "living-md",
        "생활 MD팀",
        "세제부터 휴지까지, 집에서 매일 쓰는 물건을 직접 써 보고 골라요.",
        "안녕하세요, 골목 생활용품점이에요. 저희 팀은 매일 쓰는 물건일수록 꼼꼼히 골라야 한다고 믿어요. "
        "우리 집에서 먼저 써 보고 괜찮은 것만 올려요. 떨어질 때쯤 살짝 알려 드릴게요.",
        [
            ("md_lead", "김", "하늘", "세제 성분표 읽는 게 취미예요"),
            ("cs", "박", "서연", "주문부터 반품까지 도와드려요"),
            ("marketer", "이", "도윤", "좋은 물건을 좋은 때에 알려 드려요"),
            ("analyst", "최", "지호", "어떤 물건이 언제 떨어지는지 살펴봐요"),
            ("planner", "정", "유나", "다음 달 들여올 물건을 찾고 있어요"),
        ],
    ),
    (
        "haessal-grocery",
        "햇살 식료품점",
        "동네 로스터리와 농가에서 바로 와요",
        "food-md",
        "식품 MD팀",
        "농가와 로스터리를 직접 찾아가 맛보고 들여와요.",
        "햇살 식료품점이에요. 쌀은 매주 도정하고, 원두는 주문받고 볶아요. 무거운 생수는 현관 앞까지 가져다드릴게요.",
        [
            ("md_lead", "오", "세린", "매주 농가에 다녀와요"),
            ("cs", "한", "지민", "배송이 늦으면 먼저 연락드려요"),
            ("marketer", "윤", "태오", "제철 소식을 전해 드려요"),
            ("analyst", "강", "민준", "재구매 주기를 살펴봐요"),
            ("planner", "조", "하린", "새로운 로스터리를 찾고 있어요"),
        ],
    ),
    (
        "dajeong-things",
        "다정한 소품가게",
        "작은 물건으로 하루를 다정하게",
        "lifestyle-md",
        "라이프스타일 MD팀",
        "공방 작가님들과 함께 오래 쓸 물건을 골라요.",
        "다정한 소품가게예요. 유행보다 오래 곁에 둘 물건을 좋아해요. 선물 고민이 있으면 편하게 물어봐 주세요.",
        [
            ("md_lead", "서", "다은", "공방 작가님들과 자주 만나요"),
            ("cs", "문", "예은", "선물 포장 문의도 반겨요"),
            ("marketer", "신", "우진", "새로 온 소품을 소개해요"),
            ("analyst", "임", "수아", "어떤 소품이 사랑받는지 봐요"),
            ("planner", "홍", "준서", "계절마다 새 컬렉션을 준비해요"),
        ],
    ),
    (
        "agom-baby",
        "아기곰 육아용품점",
        "엄마 아빠가 먼저 써 본 육아용품",
        "baby-md",
        "육아 MD팀",
        "아이 키우는 팀원들이 직접 써 보고 골라요.",
        "아기곰 육아용품점이에요. 기저귀와 물티슈는 새벽에 떨어지면 정말 난감하죠. 미리 챙겨 드릴게요.",
        [
            ("md_lead", "배", "소윤", "두 아이를 키우고 있어요"),
            ("cs", "노", "하은", "밤늦은 문의도 아침에 꼭 답해요"),
            ("marketer", "송", "시우", "육아 꿀팁을 모아요"),
            ("analyst", "안", "지우", "아이 월령별 구매를 살펴봐요"),
            ("planner", "유", "채원", "순한 성분의 새 제품을 찾아요"),
        ],
    ),
]
ROLE_LABELS = {
    "md_lead": "MD 리더",
    "cs": "CS 상담",
    "marketer": "마케터",
    "analyst": "데이터 분석가",
    "planner": "상품 기획",
}


def _won(amount: float) -> int:
    """Round to a price people expect: ...900원 for most, whole hundreds below 1,000."""
    value = int(amount)
    return max(900, (value // 1000) * 1000 + 900)


def _teams_and_stores(log: Callable[[str], None]) -> tuple[dict[str, Store], list[tuple[str, str, str]]]:
    team_model = apps.get_model("crm", "Team")
    member_model = apps.get_model("crm", "TeamMember")
    user_model = get_user_model()
    stores: dict[str, Store] = {}
    logins: list[tuple[str, str, str]] = []
    for slug, name, tagline, team_slug, team_name, team_intro, greeting, members in STORES:
        team, _ = team_model.objects.update_or_create(
            slug=team_slug, defaults={"name": team_name, "introduction": team_intro}
        )
        for order, (role, last, first, intro) in enumerate(members):
            username = f"{team_slug.replace('-', '_')}_{role}"
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "nickname": f"{last}{first}",
                    "is_staff": True,
                    "email": f"{username}@donggeu.example",
                },
            )
            if created:  # re-runs keep a password someone changed on purpose
                user.set_password(STAFF_PASSWORD)
                user.save(update_fields=["password"])
            member_model.objects.update_or_create(
                team=team, user=user, defaults={"role": role, "introduction": intro, "sort_order": order}
            )
            logins.append((f"{team_name} {ROLE_LABELS[role]}", username, STAFF_PASSWORD))
        store, _ = Store.objects.update_or_create(
            slug=slug, defaults={"name": name, "tagline": tagline, "team": team, "greeting": greeting}
        )
        stores[slug] = store
    log(f"catalog: {len(stores)} shops, {len(logins)} MD team logins")
    return stores, logins


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
    stores, logins = _teams_and_stores(log)
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
