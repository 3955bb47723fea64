"""Demo 동네생활 for `manage.py seed_demo`: several 서울 동 with their centroids, demo customers verified in them (by
location, through the same service as the browser), local stores with residents' reviews, board posts with
comments and 공감, product questions answered by the shop's team, notices, and one 체험단 with selected testers and a
report. Everything goes through the services; idempotent on natural keys (a post is skipped when its author already
has one with that title); deterministic from `rng`.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.demo import CUSTOMER_PASSWORD
from accounts.models import User
from community.models import (
    BoardPost,
    LocalStore,
    Neighbourhood,
    Notice,
    ProductQuestion,
    TrialApplication,
    TrialGroup,
    TrialReport,
)
from community.services.boards import comment_create, post_create, post_like_toggle
from community.services.neighbourhoods import local_store_create, local_store_review_save, residency_verify
from community.services.participation import trial_apply, trial_group_create, trial_report_submit, trial_select
from community.services.qna import question_answer, question_ask
from config.errors import DomainError
from shop.models import Product, Store

# slug, 동, 구, latitude, longitude (the 행정동's rough centre)
NEIGHBOURHOODS = [
    ("mangwon", "망원동", "마포구", "37.556500", "126.904300"),
    ("hapjeong", "합정동", "마포구", "37.549600", "126.913900"),
    ("yeonnam", "연남동", "마포구", "37.562200", "126.923600"),
    ("seogyo", "서교동", "마포구", "37.553600", "126.920500"),
    ("seongsu", "성수동", "성동구", "37.544600", "127.055700"),
    ("haebangchon", "용산2가동", "용산구", "37.542600", "126.985800"),
    ("hyehwa", "혜화동", "종로구", "37.586600", "127.001600"),
    ("jamsil", "잠실본동", "송파구", "37.506500", "127.083300"),
]
FEATURED_HOMES = {"minji": "mangwon", "junho": "mangwon", "seoyeon": "yeonnam"}

# 동 slug, name, kind, address, hours, introduction, mall store slug
LOCAL_STORES = [
    (
        "mangwon",
        "망원 소금빵집",
        "bakery",
        "망원로 42, 1층",
        "매일 08:00~20:00 (화요일 휴무)",
        "소금빵이 오전 11시에 나와요",
        "",
    ),
    (
        "mangwon",
        "깨끗한 세탁소",
        "laundry",
        "포은로 18",
        "평일 08:30~21:00, 토 09:00~18:00",
        "이불·운동화 세탁도 받아요",
        "",
    ),
    (
        "mangwon",
        "엄마손 반찬",
        "side_dishes",
        "망원시장 안 B-12",
        "10:00~19:30 (월요일 휴무)",
        "매일 아침 무친 나물 반찬",
        "",
    ),
    (
        "mangwon",
        "골목 생활용품점 망원점",
        "other",
        "월드컵로 13길 7",
        "11:00~21:00",
        "동네가게 온라인에도 있어요",
        "golmok-living",
    ),
    ("hapjeong", "합정 꽃방", "florist", "독막로 5길 9", "12:00~20:00", "한 송이도 예쁘게 포장해 드려요", ""),
    ("hapjeong", "새벽 정육점", "butcher", "양화로 6길 22", "09:00~21:00", "당일 손질한 국내산 고기", ""),
    ("yeonnam", "연남 커피로스터스", "cafe", "동교로 38길 14", "10:00~22:00", "원두를 동네에서 직접 볶아요", ""),
    ("yeonnam", "초록 과일가게", "greengrocer", "성미산로 29", "09:00~21:30", "제철 과일을 한 봉지씩", ""),
    ("seongsu", "성수 구두수선", "repair", "아차산로 7길 3", "평일 10:00~19:00", "밑창 교체 30분이면 돼요", ""),
]

REVIEWS = [
    (5, "소금빵이 정말 바삭하고 버터 향이 좋아요. 11시 조금 넘어 가면 따뜻한 걸 살 수 있어요."),
    (4, "사장님이 친절하시고 맡긴 옷이 깔끔하게 와요. 주말엔 조금 기다려요."),
    (5, "나물 반찬이 집밥 같아요. 세 가지 사면 천 원 깎아 주세요."),
    (4, "가격도 괜찮고 늘 신선해요."),
    (5, "동네에 이런 가게가 있어서 든든해요."),
]

# 동 slug, topic, title, body, store name to recommend (or "")
POSTS = [
    (
        "mangwon",
        "recommend",
        "망원동 소금빵 맛집 알려 드려요",
        "망원로에 있는 소금빵집인데 오전 11시에 갓 구운 빵이 나와요. 줄이 금방 생기니 조금 일찍 가 보세요!",
        "망원 소금빵집",
    ),
    (
        "mangwon",
        "question",
        "이불 빨래 맡길 세탁소 추천해 주세요",
        "겨울 이불을 맡기려는데 망원동에 꼼꼼한 세탁소 있을까요? 가격도 궁금해요.",
        "",
    ),
    (
        "mangwon",
        "news",
        "망원시장 주말 장터가 열려요",
        "이번 주 토요일 오후 2시부터 망원시장 입구에서 동네 주민 장터가 열린대요. 안 쓰는 물건도 나눠요.",
        "",
    ),
    (
        "mangwon",
        "lost",
        "회색 고양이를 찾아요 (망원2동)",
        "어제 저녁 포은로 근처에서 회색 줄무늬 고양이가 나갔어요. 이름은 구름이고 겁이 많아요. 보시면 댓글 부탁드려요.",
        "",
    ),
    (
        "mangwon",
        "meetup",
        "한강 아침 러닝 같이 하실 분",
        "평일 아침 7시에 망원 한강공원에서 5km 가볍게 뛰어요. 초보도 환영해요!",
        "",
    ),
    (
        "hapjeong",
        "recommend",
        "합정 꽃방 꽃다발 예뻐요",
        "기념일에 급하게 갔는데 한 송이도 정성껏 포장해 주셨어요.",
        "합정 꽃방",
    ),
    (
        "hapjeong",
        "question",
        "합정역 근처 조용한 카페 있을까요?",
        "노트북 들고 두세 시간 있을 수 있는 곳이면 좋겠어요.",
        "",
    ),
    (
        "yeonnam",
        "news",
        "연트럴파크 벚꽃이 피기 시작했어요",
        "오늘 산책하다 보니 벌써 꽃망울이 터졌어요. 이번 주말이 절정일 것 같아요.",
        "",
    ),
    (
        "yeonnam",
        "recommend",
        "과일은 초록 과일가게에서",
        "딸기가 달고 한 봉지씩 살 수 있어서 1인 가구에게 딱이에요.",
        "초록 과일가게",
    ),
    (
        "seongsu",
        "meetup",
        "성수동 주말 독서 모임 멤버 모집",
        "한 달에 한 권, 일요일 오전에 만나요. 이번 달 책은 '아주 작은 습관의 힘'이에요.",
        "",
    ),
]
COMMENTS = [
    "좋은 정보 고마워요!",
    "저도 가 봤는데 정말 좋아요.",
    "이번 주말에 가 볼게요 :)",
    "혹시 주차도 되나요?",
    "이웃님 덕분에 알게 됐어요.",
]

QUESTIONS = [
    ("고농축이면 한 번에 얼마나 넣으면 되나요?", "세탁물 5kg 기준으로 뚜껑의 첫 번째 선(약 20ml)까지 넣으시면 돼요."),
    (
        "아기 옷 빨래에도 써도 괜찮을까요?",
        "네, 피부 자극 테스트를 마친 제품이에요. 그래도 처음엔 헹굼을 한 번 더 해 주세요.",
    ),
    ("정기배송 주기를 바꿀 수 있나요?", "마이 > 정기배송에서 2주·4주·6주 중에 언제든 바꿀 수 있어요."),
    ("리필 팩도 따로 파나요?", ""),
]


def _near(value: str, rng: random.Random) -> float:
    """A browser position within ~200 m of the centroid (what a resident's phone would report)."""
    return float(Decimal(value)) + rng.uniform(-0.0015, 0.0015)


def _report_photo(rng: random.Random) -> SimpleUploadedFile:
    """A soft product shot the project draws: a bottle on a pastel table."""
    image = Image.new("RGB", (640, 480), (248, 240, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 480), fill=(226, 206, 184))
    tint = rng.choice([(255, 190, 160), (190, 215, 235), (200, 230, 200)])
    draw.rounded_rectangle((270, 140, 370, 350), radius=24, fill=tint, outline=(120, 110, 100), width=3)
    draw.rectangle((300, 100, 340, 140), fill=(120, 110, 100))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile("trial.jpg", buffer.getvalue(), content_type="image/jpeg")


def _neighbourhoods() -> dict[str, Neighbourhood]:
    made = {}
    for slug, name, district, lat, lng in NEIGHBOURHOODS:
        made[slug], _ = Neighbourhood.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "district": district, "latitude": Decimal(lat), "longitude": Decimal(lng)},
        )
    return made


def _residents(*, rng: random.Random, hoods: dict[str, Neighbourhood]) -> dict[str, list[User]]:
    people = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk")[:40])
    coords = {slug: (lat, lng) for slug, _n, _d, lat, lng in NEIGHBOURHOODS}
    by_hood: dict[str, list[User]] = {slug: [] for slug in hoods}
    busy = ["mangwon", "mangwon", "hapjeong", "yeonnam", "seongsu", "seogyo"]
    for index, person in enumerate(people):
        slug = FEATURED_HOMES.get(person.username) or busy[index % len(busy)]
        lat, lng = coords[slug]
        residency_verify(user=person, latitude=_near(lat, rng), longitude=_near(lng, rng), neighbourhood=hoods[slug])
        by_hood[slug].append(person)
    return by_hood


def _local_stores(*, rng: random.Random, hoods, residents) -> list[LocalStore]:
    stores = []
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    for index, (slug, name, kind, address, hours, intro, mall_slug) in enumerate(LOCAL_STORES):
        store = LocalStore.objects.filter(neighbourhood=hoods[slug], name=name, address=address).first()
        if store is None:
            adder = residents[slug][0] if residents[slug] else admin
            store = local_store_create(
                user=adder,
                neighbourhood=hoods[slug],
                name=name,
                kind=kind,
                address=address,
                hours=hours,
                introduction=intro,
                mall_store=Store.objects.filter(slug=mall_slug).first() if mall_slug else None,
            )
        for reviewer in residents[slug][: 2 + index % 3]:
            rating, body = REVIEWS[(index + reviewer.pk) % len(REVIEWS)]
            local_store_review_save(user=reviewer, store=store, rating=rating, body=body)
        stores.append(store)
    return stores


def _posts(*, rng: random.Random, hoods, residents, stores) -> int:
    now = timezone.now()
    by_name = {s.name: s for s in stores}
    nearby_people = [p for people in residents.values() for p in people]
    made = 0
    for index, (slug, topic, title, body, store_name) in enumerate(POSTS):
        people = residents[slug]
        if not people:
            continue
        author = people[index % len(people)]
        if BoardPost.objects.filter(author=author, title=title).exists():
            continue
        post = post_create(
            author=author,
            neighbourhood=hoods[slug],
            topic=topic,
            title=title,
            body=body,
            local_store=by_name.get(store_name),
        )
        made += 1
        commenters = [p for p in people if p.pk != author.pk][: rng.randint(1, 3)]
        for c_index, commenter in enumerate(commenters):
            comment_create(post=post, author=commenter, body=COMMENTS[(index + c_index) % len(COMMENTS)])
        for liker in rng.sample(nearby_people, k=min(len(nearby_people), rng.randint(2, 9))):
            if liker.pk != author.pk:
                post_like_toggle(post=post, user=liker)
        written = now - timedelta(days=index * 0.7 + rng.random(), hours=rng.randint(0, 8))
        BoardPost.objects.filter(pk=post.pk).update(created_at=written, updated_at=written)
    return made


def _questions(*, rng: random.Random) -> int:
    products = list(
        Product.objects.filter(is_active=True).select_related("store__team").order_by("-sold_count", "pk")[:4]
    )
    askers = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk")[3:20])
    if not products or not askers:
        return 0
    made = 0
    for index, (question_text, answer_text) in enumerate(QUESTIONS):
        product = products[index % len(products)]
        asker = askers[index % len(askers)]
        if ProductQuestion.objects.filter(product=product, asker=asker, body=question_text).exists():
            continue
        question = question_ask(product=product, asker=asker, body=question_text, is_private=index == 2)
        made += 1
        member = product.store.team.members.select_related("user").order_by("sort_order").first()
        if answer_text and member is not None:
            question_answer(question=question, user=member.user, body=answer_text)
    return made


def _notices() -> None:
    now = timezone.now()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    rows = [
        (
            "동네생활 이용 안내",
            Notice.Kind.NOTICE,
            True,
            None,
            None,
            "동네생활은 인증한 우리 동네 이웃과 이야기하는 곳이에요.\n\n서로 존중하는 말로 이야기해 주세요. 광고·욕설·개인정보가 담긴 글은 신고해 주시면 운영팀이 확인해요.",
        ),
        (
            "봄맞이 동네 나눔 장터",
            Notice.Kind.EVENT,
            False,
            now - timedelta(days=1),
            now + timedelta(days=13),
            "안 쓰는 물건을 이웃과 나눠요. 동네생활 '모임' 주제로 장터 소식을 올려 주시면 추첨해서 동네가게 쿠폰을 드려요.",
        ),
        (
            "체험단 후기 작성 가이드",
            Notice.Kind.NOTICE,
            False,
            None,
            None,
            "항목별 별점과 함께 사용 기간, 좋았던 점과 아쉬운 점을 솔직하게 적어 주세요. 사진 속 위치 정보는 자동으로 지워져요.",
        ),
    ]
    for title, kind, pinned, starts, ends, body in rows:
        Notice.objects.update_or_create(
            title=title,
            defaults={
                "kind": kind,
                "is_pinned": pinned,
                "starts_at": starts,
                "ends_at": ends,
                "body": body,
                "author": admin,
            },
        )


def _trial(*, rng: random.Random) -> TrialGroup | None:
    title = "향기 좋은 세탁세제 체험단 1기"
    group = TrialGroup.objects.filter(title=title).first()
    if group is None:
        product = (
            Product.objects.filter(is_active=True, store__slug="golmok-living").order_by("-sold_count", "pk").first()
        )
        if product is None:
            return None
        lead = product.store.team.members.select_related("user").order_by("sort_order").first()
        if lead is None:
            return None
        now = timezone.now()
        group = trial_group_create(
            product=product,
            staff=lead.user,
            title=title,
            description="새로 들어온 세탁세제를 2주 동안 먼저 써 보고 솔직한 후기를 들려주세요. 선정되면 본품 1개를 보내 드려요.",
            slots=5,
            apply_starts_at=now - timedelta(days=5),
            apply_ends_at=now + timedelta(days=9),
            report_due_at=now + timedelta(days=30),
            questions=["빨래는 주로 어떻게 하세요? (세탁기 종류, 횟수)", "피부가 예민한 가족이 있나요?"],
            aspects=["세척력", "향", "헹굼 후 잔여감"],
        )
    staff = group.product.store.team.members.select_related("user").order_by("sort_order").first()
    applicants = list(User.objects.filter(is_staff=False, is_active=True).order_by("pk")[3:12])
    for person in applicants:
        if not TrialApplication.objects.filter(group=group, user=person).exists():
            trial_apply(
                group=group,
                user=person,
                answers={
                    q: rng.choice(["드럼 세탁기, 일주일에 3번", "통돌이, 매일", "아기가 있어요", "없어요"])
                    for q in group.questions
                },
                motivation="평소 쓰던 세제가 향이 강해서 순한 제품을 찾고 있었어요.",
            )
    chosen = TrialApplication.objects.filter(group=group).order_by("pk")[:3]
    for application in chosen:
        if application.status != TrialApplication.Status.SELECTED and group.selected_count < 3 and staff:
            try:
                trial_select(application=application, staff=staff.user)
            except DomainError:
                break
            group.refresh_from_db()
    first = TrialApplication.objects.filter(group=group, status=TrialApplication.Status.SELECTED).order_by("pk").first()
    if first is not None and not TrialReport.objects.filter(application=first).exists():
        trial_report_submit(
            application=first,
            user=first.user,
            ratings={"세척력": 5, "향": 4, "헹굼 후 잔여감": 5},
            overall=5,
            body="2주 동안 수건이랑 아이 옷을 빨아 봤어요. 향이 은은하게 남고 헹군 뒤 미끈거림이 없어서 좋았어요. "
            "찬물에서도 잘 녹아요.",
            photos=[_report_photo(rng)],
        )
    return group


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    hoods = _neighbourhoods()
    # Seeding writes as many people at once; the per-person limits are for people, not for the seeder.
    limits = dict.fromkeys(("post", "comment", "report", "verify"), (10**6, 60))
    with override_settings(COMMUNITY_RATE_LIMITS=limits):
        residents = _residents(rng=rng, hoods=hoods)
        if not any(residents.values()):
            log("community boards: 데모 고객이 없어서 동네생활을 건너뛰어요 (accounts.demo를 먼저 실행해 주세요)")
            return []
        stores = _local_stores(rng=rng, hoods=hoods, residents=residents)
        posts = _posts(rng=rng, hoods=hoods, residents=residents, stores=stores)
        questions = _questions(rng=rng)
        _notices()
        group = _trial(rng=rng)
    log(
        f"community boards: {len(hoods)}개 동, 가게 {len(stores)}곳, 새 글 {posts}개, 새 문의 {questions}개, "
        f"체험단 {'1' if group else '0'}개"
    )
    return [("동네생활 · 망원동 주민 (민지)", "minji", CUSTOMER_PASSWORD)]
