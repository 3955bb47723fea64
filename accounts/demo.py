"""Demo shoppers for `manage.py seed_demo`: an admin and 60 x scale customers living in households of 1-4.

Idempotent: users are upserted on their username, households are only made for customers without one (so
a re-run changes nothing), passwords are set only when a user is first made. Deterministic: every choice
comes from the `rng` the command passes in, including the Faker (ko_KR) seed.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from faker import Faker

from accounts import services
from accounts.models import User

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "dongne-admin-2026"  # noqa: S105 (a demo login, printed by seed_demo on purpose)
CUSTOMER_PASSWORD = "dongne-demo-2026"  # noqa: S105
CUSTOMERS_PER_SCALE = 60
HOUSEHOLD_SIZES = (1, 2, 2, 3, 3, 4)  # weighted: couples and small families are the common case

# Hand-written first customers, so the demo has people to log in as whose story is known.
FEATURED_PEOPLE = [
    ("minji", "김", "민지", User.Gender.FEMALE),
    ("junho", "박", "준호", User.Gender.MALE),
    ("seoyeon", "이", "서연", User.Gender.FEMALE),
]
# household name, members, size, children, pets
FEATURED_HOUSEHOLDS = [
    ("망원동 민지네", ["minji", "junho"], 3, True, True),
    ("연남동 서연이네", ["seoyeon"], 1, False, True),
]


@dataclass
class Customer:
    username: str
    last_name: str
    first_name: str
    gender: str
    birth_date: dt.date
    phone: str
    date_joined: dt.datetime
    marketing: bool
    night: bool
    tracking_opted_out: bool


def _admin(log: Callable[[str], None]) -> None:
    admin, created = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={
            "nickname": "운영자",
            "email": "admin@donggeu.example",
            "is_staff": True,
            "is_superuser": True,
            "password": make_password(ADMIN_PASSWORD),
        },
    )
    if not created and not (admin.is_staff and admin.is_superuser):
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    log(f"accounts: 관리자 {'만듦' if created else '있음'} ({ADMIN_USERNAME})")


def _customers(*, rng: random.Random, count: int, today: dt.date, now: dt.datetime) -> list[Customer]:
    fake = Faker("ko_KR")
    fake.seed_instance(rng.randrange(2**32))
    rows: list[Customer] = []
    for index in range(count):
        if index < len(FEATURED_PEOPLE):
            username, last, first, gender = FEATURED_PEOPLE[index]
        else:
            gender = rng.choice([User.Gender.FEMALE, User.Gender.FEMALE, User.Gender.MALE])
            last = fake.last_name()
            first = fake.first_name_female() if gender == User.Gender.FEMALE else fake.first_name_male()
            username = f"customer{index + 1:04d}"
        age = rng.randint(22, 68)
        birth_date = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        if username == "minji":  # her birthday is always today, so the birthday greeting can be seen
            birth_date = today.replace(year=1992)  # a leap year, so 2월 29일 works too
        days_ago = rng.choice([0, 1, 2, 6, 99, 100]) if index % 10 == 5 else rng.randint(3, 720)
        joined = now - dt.timedelta(days=days_ago, minutes=rng.randint(0, 600))
        marketing = rng.random() < 0.62 or username == "minji"
        rows.append(
            Customer(
                username=username,
                last_name=last,
                first_name=first,
                gender=gender,
                birth_date=birth_date,
                phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}",
                date_joined=joined,
                marketing=marketing,
                night=marketing and rng.random() < 0.3,
                tracking_opted_out=rng.random() < 0.05,
            )
        )
    return rows


def _upsert(customers: list[Customer]) -> int:
    existing = set(User.objects.filter(username__in=[c.username for c in customers]).values_list("username", flat=True))
    password = make_password(CUSTOMER_PASSWORD)  # hashed once: hashing 60 x scale times would take minutes
    new = [
        User(
            username=c.username,
            email=f"{c.username}@donggeu.example",
            password=password,
            last_name=c.last_name,
            first_name=c.first_name,
            nickname=c.first_name,
            gender=c.gender,
            birth_date=c.birth_date,
            phone=c.phone,
            date_joined=c.date_joined,
            marketing_consented_at=c.date_joined if c.marketing else None,
            night_marketing_consented_at=c.date_joined if c.night else None,
            tracking_opted_out=c.tracking_opted_out,
        )
        for c in customers
        if c.username not in existing
    ]
    User.objects.bulk_create(new, batch_size=500)
    # "Today" moves, so her birthday is refreshed on every run (the only field a re-run changes).
    minji = next(c for c in customers if c.username == "minji")
    User.objects.filter(username="minji").update(birth_date=minji.birth_date)
    return len(new)


def _households(*, rng: random.Random, customers: list[Customer]) -> int:
    """Group customers into households; the first member creates it through the service, the rest join."""
    users = {u.username: u for u in User.objects.filter(username__in=[c.username for c in customers])}
    made = 0
    groups = list(FEATURED_HOUSEHOLDS)
    rest = [c.username for c in customers[len(FEATURED_PEOPLE) :]]
    position = 0
    while position < len(rest):
        size = rng.choice(HOUSEHOLD_SIZES)
        members_here = min(size, rng.choice([1, 1, 2, 2, 3]))  # often only some of the family shops here
        members = rest[position : position + members_here]
        position += members_here
        owner = users[members[0]]
        name = f"{owner.last_name}{owner.first_name}네"
        children = size >= 3 and rng.random() < 0.6
        pets = rng.random() < 0.3
        groups.append((name, members, max(size, len(members)), children, pets))
    for name, members, size, children, pets in groups:
        owner = users[members[0]]
        if owner.household_id is not None:
            continue
        household = services.household_create(user=owner, name=name, size=size, has_children=children, has_pets=pets)
        made += 1
        for username in members[1:]:
            member = users[username]
            if member.household_id is None:
                services.household_join_by_invite_code(user=member, invite_code=household.invite_code)
    return made


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    _admin(log)
    now = timezone.now()
    customers = _customers(rng=rng, count=CUSTOMERS_PER_SCALE * max(scale, 1), today=timezone.localdate(), now=now)
    created = _upsert(customers)
    log(f"accounts: 고객 {len(customers)}명 (새로 {created}명)")
    households = _households(rng=rng, customers=customers)
    log(f"accounts: 가구 새로 {households}곳")
    return [
        ("관리자 (/admin/)", ADMIN_USERNAME, ADMIN_PASSWORD),
        ("고객 · 민지 (3인 가구, 오늘 생일)", "minji", CUSTOMER_PASSWORD),
        ("고객 · 준호 (민지와 같은 가구)", "junho", CUSTOMER_PASSWORD),
        ("고객 · 서연 (1인 가구)", "seoyeon", CUSTOMER_PASSWORD),
        (f"고객 customer0004 ~ customer{len(customers):04d}", "customer0004", CUSTOMER_PASSWORD),
    ]
