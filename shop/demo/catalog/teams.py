"""The demo corner shops and the MD team behind each, with one staff login per role (printed by seed_demo)."""

from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model

from shop.models import Store

STAFF_PASSWORD = "dongne-md-2026"  # noqa: S105 (demo logins are printed by seed_demo on purpose)

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


def teams_and_stores(log: Callable[[str], None]) -> tuple[dict[str, Store], list[tuple[str, str, str]]]:
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
