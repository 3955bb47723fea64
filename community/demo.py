"""Demo 집들이 for `manage.py seed_demo`: house tours by demo customers, with room pictures the project draws
itself (Pillow: wall, floor, window, furniture) and product pins on real demo products placed on the things drawn.

Everything goes through the services (drafts, photo uploads with the same checks as people's, pins, publishing,
likes, scraps, comments, follows), then the publication time is spread over the past month so "최신" and "인기"
differ. Idempotent: a tour whose author already has one with the same title is skipped (and so are its likes and
comments). Deterministic: every choice comes from `rng`.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from accounts.demo import CUSTOMER_PASSWORD
from accounts.models import User
from community.models import Tour, TourPhoto
from community.services import social
from community.services import tours as services
from community.services.social import popularity_start
from config.errors import DomainError

Colour = tuple[int, int, int]

WALLS: tuple[Colour, ...] = ((246, 241, 232), (236, 242, 238), (242, 236, 230), (232, 238, 246), (248, 244, 238))
FLOORS: tuple[Colour, ...] = ((196, 160, 120), (170, 130, 96), (214, 196, 170), (150, 118, 90))
ACCENTS: tuple[Colour, ...] = ((232, 140, 100), (120, 150, 120), (96, 120, 160), (200, 170, 90), (170, 110, 130))
SOFAS: tuple[Colour, ...] = ((200, 196, 186), (120, 140, 150), (170, 150, 130), (90, 100, 96))


@dataclass(frozen=True)
class DemoTour:
    username: str
    title: str
    home_type: str
    size: int
    style: str
    household: str
    budget: int
    body: str
    captions: tuple[str, ...]


TOURS: tuple[DemoTour, ...] = (
    DemoTour(
        "minji",
        "햇살 가득한 24평 신혼집, 화이트와 우드로 채웠어요",
        "apartment",
        24,
        "natural",
        "newlywed",
        8_000_000,
        "결혼하고 처음 얻은 집이에요. 남향이라 오후 햇살이 거실 깊숙이 들어와서, 가구는 낮고 밝은 색으로 골랐어요.\n\n"
        "둘 다 집에 있는 시간이 길어서 소파와 조명에 가장 오래 고민했어요. 작은 소품은 동네가게에서 하나씩 모았답니다.",
        (
            "거실 창가 자리, 아침마다 여기서 커피를 마셔요.",
            "쿠션 커버는 계절마다 바꿔 주고 있어요.",
            "저녁에는 무드등 하나만 켜 둬요.",
        ),
    ),
    DemoTour(
        "seoyeon",
        "8평 원룸도 넓어 보이게, 수납이 답이었어요",
        "one_room",
        8,
        "minimal",
        "single",
        1_500_000,
        "좁은 방일수록 바닥이 보여야 넓어 보이더라고요. 자잘한 물건은 전부 바구니에 넣고, 벽에는 포스터 하나만 걸었어요.",
        ("바구니 세 개로 정리 끝!", "침대 옆 작은 테이블이 협탁 겸 책상이에요.", "포스터 하나로 분위기가 달라져요."),
    ),
    DemoTour(
        "junho",
        "고양이 두 마리와 사는 빈티지 빌라",
        "villa",
        18,
        "vintage",
        "pets",
        3_000_000,
        "고양이들이 창밖 구경을 좋아해서 창가는 비워 뒀어요. 빈티지 가구는 중고로 하나씩 모았고, 패브릭은 털이 덜 붙는 소재로 골랐어요.",
        (
            "창가는 고양이 전용석이에요.",
            "빈티지 트레이에 자주 쓰는 물건을 올려 둬요.",
            "향초는 고양이가 닿지 않는 높이에 둬요.",
        ),
    ),
    DemoTour(
        "customer0004",
        "아이 방까지 꾸민 34평 아파트 이야기",
        "apartment",
        34,
        "nordic",
        "kids",
        12_000_000,
        "아이가 둘이라 거실은 놀이 공간 겸 가족실로 쓰고 있어요. 모서리가 둥근 가구와 세탁이 쉬운 러그가 필수였어요.",
        ("장난감은 바구니에 휙휙 넣으면 정리 끝.", "아이들이 직접 고른 포스터예요.", "온 가족이 모이는 거실이에요."),
    ),
    DemoTour(
        "customer0005",
        "마당 있는 주택에서 보내는 느린 하루",
        "house",
        40,
        "natural",
        "family",
        20_000_000,
        "아파트에서 주택으로 이사 온 지 2년. 계절이 집 안으로 들어오는 게 가장 좋아요. 꽃을 꽂아 두는 화병이 늘었어요.",
        ("마당에서 꺾어 온 꽃을 꽂아 뒀어요.", "주말 아침의 거실이에요.", "원목 트레이에 차 한 잔."),
    ),
    DemoTour(
        "customer0006",
        "퇴근 후가 기다려지는 오피스텔 홈카페",
        "officetel",
        12,
        "modern",
        "single",
        2_000_000,
        "회사와 가까운 오피스텔이에요. 작은 공간이지만 커피 마시는 자리만큼은 제대로 만들고 싶었어요.",
        ("머그는 손님용까지 네 개.", "퇴근하고 켜는 무드등.", "작지만 제 취향이 꽉 찬 방이에요."),
    ),
    DemoTour(
        "customer0007",
        "부모님 댁 거실을 바꿔 드렸어요",
        "apartment",
        32,
        "classic",
        "family",
        5_000_000,
        "20년 된 거실을 부모님 생신 선물로 바꿔 드렸어요. 큰 공사 없이 패브릭과 조명만으로도 분위기가 많이 달라졌어요.",
        ("소파는 그대로, 쿠션만 바꿨어요.", "엄마가 제일 좋아하시는 화병.", "밤에는 스탠드 조명으로 은은하게."),
    ),
    DemoTour(
        "customer0008",
        "강아지와 함께 쓰는 미니멀 투룸",
        "villa",
        15,
        "minimal",
        "pets",
        1_200_000,
        "강아지가 뛰어다닐 수 있게 가구를 최소한으로 줄였어요. 물건이 적으니 청소도 훨씬 편해졌어요.",
        ("강아지 장난감 바구니.", "비워 둔 거실이 제일 좋아요.", "디퓨저는 은은한 향으로."),
    ),
    DemoTour(
        "customer0009",
        "셀프 페인팅으로 완성한 북유럽 신혼집",
        "apartment",
        21,
        "nordic",
        "newlywed",
        4_000_000,
        "벽지를 직접 칠했어요. 연한 세이지 그린이라 햇빛에 따라 색이 달라 보여요.",
        ("직접 칠한 벽, 어때요?", "포스터는 둘이 함께 골랐어요.", "작은 화병 하나로 생기가 돌아요."),
    ),
    DemoTour(
        "customer0010",
        "한옥 느낌 살린 주택 리모델링",
        "house",
        35,
        "korean",
        "family",
        30_000_000,
        "오래된 주택을 고치면서 나무 천장은 그대로 살렸어요. 낮은 가구와 창호지 느낌 조명으로 한옥 같은 분위기를 냈어요.",
        ("나무 천장을 살린 거실.", "원목 트레이와 찻잔.", "창가의 작은 화병."),
    ),
    DemoTour(
        "customer0011",
        "자취 3년 차, 드디어 찾은 나만의 스타일",
        "one_room",
        10,
        "modern",
        "single",
        800_000,
        "처음엔 이것저것 사 모았는데, 3년 지나니 정말 쓰는 것만 남았어요. 그래서 지금 방이 제일 마음에 들어요.",
        ("침대 옆 무드등.", "책상 위 머그와 트레이.", "벽에 건 포스터 한 장."),
    ),
    DemoTour(
        "customer0012",
        "쌍둥이 키우는 집의 장난감 수납법",
        "apartment",
        28,
        "natural",
        "kids",
        2_500_000,
        "쌍둥이라 장난감도 두 배예요. 라벨 붙인 바구니로 아이들이 직접 정리하게 했더니 거실이 훨씬 넓어졌어요.",
        ("바구니마다 그림 라벨을 붙였어요.", "아이들 키 높이에 맞춘 수납.", "저녁엔 조명 하나로 차분하게."),
    ),
)

COMMENTS = (
    "와, 창가 자리 너무 좋아요! 커튼은 어디 제품인가요?",
    "쿠션 색 조합 따라 하고 싶어요.",
    "정리 비법 배워 갑니다 :)",
    "조명 하나로 분위기가 이렇게 달라지네요.",
    "저도 비슷한 평수인데 참고 많이 됐어요.",
    "집이 정말 따뜻해 보여요.",
)
REPLIES = ("감사해요! 동네가게에서 샀어요.", "천천히 하나씩 바꿨어요. 응원해요!", "네, 직접 써 보니 좋더라고요.")

# What is drawn -> a word of the product pinned on it.
PIN_WORDS = {
    "cushion": ("쿠션",),
    "lamp": ("무드등", "스탠드"),
    "vase": ("화병",),
    "basket": ("바구니",),
    "poster": ("포스터",),
    "tray": ("트레이",),
    "mug": ("머그",),
    "candle": ("캔들", "디퓨저"),
}


# ----------------------------------------------------------------------------------------------- the pictures


def _shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)  # type: ignore[return-value]


def room_picture(
    *, rng: random.Random, width: int = 1200, height: int = 900
) -> tuple[bytes, dict[str, tuple[float, float]]]:
    """A simple, warm room drawn with Pillow, and where its things are (percent of the picture)."""
    wall, floor, accent, sofa = rng.choice(WALLS), rng.choice(FLOORS), rng.choice(ACCENTS), rng.choice(SOFAS)
    image = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.64, 0.72))
    spots: dict[str, tuple[float, float]] = {}

    def spot(name: str, x: float, y: float) -> None:
        spots[name] = (round(100 * x / width, 2), round(100 * y / height, 2))

    # floor with planks, baseboard
    draw.rectangle((0, horizon, width, height), fill=floor)
    for i in range(0, width, width // 9):
        draw.line((i, horizon, i - (i - width / 2) * 0.6, height), fill=_shade(floor, 0.9), width=2)
    draw.rectangle((0, horizon - 10, width, horizon), fill=_shade(wall, 0.92))
    # window with sky and a soft light patch on the floor
    wx = int(width * rng.uniform(0.05, 0.15))
    ww, wh = int(width * 0.3), int(height * 0.42)
    wy = int(height * 0.1)
    sky = (196, 222, 240)
    draw.rounded_rectangle((wx, wy, wx + ww, wy + wh), radius=8, fill=sky, outline=(255, 255, 255), width=12)
    draw.line((wx + ww // 2, wy, wx + ww // 2, wy + wh), fill=(255, 255, 255), width=8)
    light = Image.new("L", (width, height), 0)
    ImageDraw.Draw(light).polygon(
        [(wx + 20, horizon + 10), (wx + ww + 60, horizon + 10), (wx + ww + 260, height), (wx + 120, height)], fill=60
    )
    image.paste((255, 250, 236), mask=light.filter(ImageFilter.GaussianBlur(24)))
    draw = ImageDraw.Draw(image)
    # poster
    px, py, pw, ph = int(width * 0.58), int(height * 0.12), int(width * 0.14), int(height * 0.24)
    draw.rectangle((px, py, px + pw, py + ph), fill=(255, 255, 255), outline=_shade(floor, 0.6), width=6)
    draw.ellipse((px + pw * 0.2, py + ph * 0.2, px + pw * 0.8, py + ph * 0.6), fill=accent)
    draw.rectangle((px + pw * 0.2, py + ph * 0.68, px + pw * 0.8, py + ph * 0.74), fill=_shade(accent, 0.7))
    spot("poster", px + pw / 2, py + ph / 2)
    # rug and sofa with cushions
    sx, sw = int(width * 0.42), int(width * 0.46)
    sy = horizon - int(height * 0.2)
    draw.ellipse((sx - 60, horizon + 30, sx + sw + 60, horizon + int(height * 0.22)), fill=_shade(wall, 0.96))
    draw.rounded_rectangle((sx, sy, sx + sw, horizon + 30), radius=28, fill=sofa)
    draw.rounded_rectangle((sx - 18, sy + 40, sx + 36, horizon + 34), radius=18, fill=_shade(sofa, 0.9))
    draw.rounded_rectangle((sx + sw - 36, sy + 40, sx + sw + 18, horizon + 34), radius=18, fill=_shade(sofa, 0.9))
    draw.rounded_rectangle((sx + 20, sy + 70, sx + sw - 20, sy + 120), radius=14, fill=_shade(sofa, 1.08))
    cx = sx + sw * 0.3
    draw.rounded_rectangle((cx - 50, sy + 10, cx + 50, sy + 90), radius=18, fill=accent)
    draw.rounded_rectangle((cx + 70, sy + 16, cx + 160, sy + 92), radius=18, fill=_shade(accent, 1.25))
    spot("cushion", cx, sy + 50)
    # side table with a lamp, a vase, a mug or a candle
    tx = sx + sw + 70 if sx + sw + 190 < width else sx - 150
    ty = horizon - int(height * 0.12)
    draw.rectangle((tx, ty, tx + 110, ty + 12), fill=_shade(floor, 0.7))
    draw.rectangle((tx + 48, ty + 12, tx + 62, horizon + 20), fill=_shade(floor, 0.6))
    draw.polygon(
        [(tx + 20, ty - 110), (tx + 90, ty - 110), (tx + 105, ty - 50), (tx + 5, ty - 50)], fill=(252, 236, 200)
    )
    draw.rectangle((tx + 52, ty - 50, tx + 58, ty), fill=_shade(floor, 0.5))
    spot("lamp", tx + 55, ty - 80)
    # low table with small things
    lx, ly = int(width * rng.uniform(0.2, 0.3)), horizon + int(height * 0.1)
    draw.rounded_rectangle((lx, ly, lx + 220, ly + 24), radius=10, fill=_shade(floor, 0.75))
    draw.rectangle((lx + 20, ly + 24, lx + 32, ly + 80), fill=_shade(floor, 0.65))
    draw.rectangle((lx + 188, ly + 24, lx + 200, ly + 80), fill=_shade(floor, 0.65))
    draw.rounded_rectangle((lx + 20, ly - 14, lx + 110, ly + 2), radius=6, fill=(222, 196, 150))
    spot("tray", lx + 65, ly - 6)
    draw.rounded_rectangle(
        (lx + 130, ly - 50, lx + 160, ly), radius=6, fill=(250, 250, 250), outline=(200, 200, 200), width=2
    )
    spot("mug", lx + 145, ly - 25)
    draw.ellipse((lx + 60, ly - 90, lx + 100, ly - 20), fill=(180, 214, 220))
    for leaf in range(5):
        angle = -60 + leaf * 30
        draw.line((lx + 80, ly - 80, lx + 80 + angle, ly - 150 - (leaf % 2) * 20), fill=(90, 140, 90), width=6)
    spot("vase", lx + 80, ly - 60)
    draw.rounded_rectangle((lx + 178, ly - 40, lx + 204, ly), radius=4, fill=(250, 240, 226))
    draw.line((lx + 191, ly - 48, lx + 191, ly - 40), fill=(60, 60, 60), width=2)
    spot("candle", lx + 191, ly - 20)
    # basket on the floor
    bx, by = int(width * rng.uniform(0.02, 0.08)), horizon + int(height * 0.08)
    draw.rounded_rectangle((bx, by, bx + 140, by + 110), radius=16, fill=(206, 170, 110))
    for row in range(by + 14, by + 110, 18):
        draw.line((bx + 8, row, bx + 132, row), fill=(176, 140, 86), width=3)
    spot("basket", bx + 70, by + 55)
    if rng.random() < 0.5:  # half the rooms have the window on the right
        image = ImageOps.mirror(image)
        spots = {name: (round(100 - x, 2), y) for name, (x, y) in spots.items()}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue(), spots


# ------------------------------------------------------------------------------------------------- seeding


def _products_for(word: str):
    from shop.selectors.catalog import product_cards

    return list(product_cards().filter(Q(name__contains=word)).order_by("pk")[:6])


def _seed_tour(*, rng: random.Random, demo: DemoTour, author: User) -> Tour:
    facts = services.TourFacts(
        title=demo.title,
        body=demo.body,
        home_type=demo.home_type,
        size_pyeong=demo.size,
        style=demo.style,
        household=demo.household,
        budget=demo.budget,
    )
    tour = services.tour_create(author=author, facts=facts)
    pin_budget = rng.randint(2, 4)
    for index, caption in enumerate(demo.captions):
        portrait = index == 1 and rng.random() < 0.5
        data, spots = room_picture(rng=rng, width=900 if portrait else 1200, height=1200 if portrait else 900)
        photo = services.tour_photo_add(tour_id=tour.pk, user=author, upload=io.BytesIO(data), caption=caption)
        for thing in rng.sample(sorted(spots), k=min(len(spots), 2 if index else 3)):
            if pin_budget <= 0:
                break
            candidates = [p for word in PIN_WORDS.get(thing, ()) for p in _products_for(word)]
            if not candidates:
                continue
            x, y = spots[thing]
            services.tour_pin_add(
                tour_id=tour.pk, user=author, photo_id=photo.pk, product_id=rng.choice(candidates).pk, x=x, y=y
            )
            pin_budget -= 1
    services.tour_publish(tour_id=tour.pk, user=author)
    return tour


def _engage(*, rng: random.Random, tour: Tour, people: list[User]) -> None:
    others = [p for p in people if p.pk != tour.author_id]
    for person in rng.sample(others, k=min(len(others), rng.randint(3, 18))):
        social.tour_like_set(tour_id=tour.pk, user=person, liked=True)
    for person in rng.sample(others, k=min(len(others), rng.randint(1, 8))):
        social.tour_scrap_set(tour_id=tour.pk, user=person, scrapped=True)
    for person in rng.sample(others, k=min(len(others), rng.randint(0, 3))):
        comment = social.tour_comment_create(tour_id=tour.pk, author=person, body=rng.choice(COMMENTS))
        if rng.random() < 0.6:
            social.tour_comment_create(
                tour_id=tour.pk, author=tour.author, body=rng.choice(REPLIES), parent_id=comment.pk
            )
    for person in rng.sample(others, k=min(len(others), rng.randint(0, 4))):
        social.follow_set(follower=person, followee_id=tour.author_id, following=True)


def _attributed_purchase(*, tour: Tour, buyer: User) -> bool:
    """A shopper taps a pin on the tour and buys the product (through the cart and checkout services)."""
    from shop.models import PaymentMethod
    from shop.selectors.cart import cart_info
    from shop.services.cart import cart_add, cart_attribution_set, cart_get_or_create, cart_select_only
    from shop.services.checkout import ShippingAddress, checkout_complete, seen_lines_from_cart

    pin = tour.pins.order_by("pk").first()
    if pin is None:
        return False
    cart = cart_get_or_create(user=buyer)
    try:
        cart_attribution_set(cart=cart, source=tour.attribution_source)
        cart_add(cart=cart, product_id=pin.product_id, quantity=1)
        cart_select_only(cart=cart, product_id=pin.product_id)
        checkout_complete(
            user=buyer,
            cart=cart,
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-tour-{tour.pk}-{buyer.pk}"),
            address=ShippingAddress(
                recipient_name=buyer.display_name,
                phone="010-0000-0000",
                postal_code="04001",
                address1="서울특별시 마포구 동네길 12",
                address2="101호",
                memo="",
            ),
            seen_lines=seen_lines_from_cart(cart_info(cart=cart)),
            payment_method=PaymentMethod.CARD,
        )
    except DomainError:
        return False
    return True


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    usernames = sorted({demo.username for demo in TOURS})
    authors = {u.username: u for u in User.objects.filter(username__in=usernames)}
    people = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk")[: 40 * max(scale, 1)])
    if not authors or not people:
        log("community: 데모 고객이 없어서 집들이를 건너뛰어요 (accounts.demo를 먼저 실행해 주세요)")
        return []
    now = timezone.now()
    made: list[Tour] = []
    # Seeding writes as many people at once; the per-person limits are for people, not for the seeder.
    limits = {
        "COMMUNITY_TOURS_PER_HOUR": 10**6,
        "COMMUNITY_PHOTOS_PER_HOUR": 10**6,
        "COMMUNITY_COMMENTS_PER_MINUTE": 10**6,
    }
    with override_settings(**limits):
        for index, demo in enumerate(TOURS):
            author = authors.get(demo.username)
            if author is None or Tour.objects.filter(author=author, title=demo.title).exists():
                continue
            tour = _seed_tour(rng=rng, demo=demo, author=author)
            published_at = now - timedelta(days=index * 2 + rng.random() * 2, hours=rng.randint(0, 12))
            Tour.objects.filter(pk=tour.pk).update(
                published_at=published_at, popularity=popularity_start(published_at=published_at)
            )
            _engage(rng=rng, tour=tour, people=people)
            made.append(tour)
    bought = 0
    if made:
        first = made[0]
        for buyer in [p for p in people if p.pk != first.author_id][-2:]:
            bought += _attributed_purchase(tour=first, buyer=buyer)
    photos = TourPhoto.objects.filter(tour__in=made).count()
    log(f"community: 집들이 {len(made)}개 (사진 {photos}장), 핀 클릭 후 구매 {bought}건")
    return [("집들이 작가 · 민지 (이 집들이를 보고 구매한 이웃이 있어요)", "minji", CUSTOMER_PASSWORD)] if made else []
