from datetime import timedelta

import factory
from django.utils import timezone

from crm.models import (
    CustomerProfile,
    Lifecycle,
    RfmSegment,
    SavedReply,
    Segment,
    SegmentationRun,
    SegmentMembership,
    Team,
    TeamMember,
)
from tests.accounts.factories import StaffUserFactory, UserFactory


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"생활 MD {n}팀")
    slug = factory.Sequence(lambda n: f"team-{n}")
    introduction = "매일 쓰는 물건을 꼼꼼히 골라요."


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(StaffUserFactory)
    role = TeamMember.Role.MD_LEAD


# --- runs, profiles and segments (helper H5) ----------------------------------------------------------------------
class SegmentationRunFactory(factory.django.DjangoModelFactory):
    """A finished full run (the current one unless a newer succeeded run exists)."""

    class Meta:
        model = SegmentationRun

    kind = SegmentationRun.Kind.FULL
    status = SegmentationRun.Status.SUCCEEDED
    lock = None
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    """A customer as a run saw them; the user's consents and join date are copied like a run would."""

    class Meta:
        model = CustomerProfile

    run = factory.SubFactory(SegmentationRunFactory)
    user = factory.SubFactory(UserFactory)
    joined_at = factory.SelfAttribute("user.date_joined")
    marketing_consent = factory.LazyAttribute(lambda o: o.user.marketing_consented_at is not None)
    first_order_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=90))
    last_order_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    recency_days = 10
    frequency = 3
    monetary = 120_000
    r_score = 4
    f_score = 3
    m_score = 3
    rfm_segment = RfmSegment.LOYAL
    lifecycle = Lifecycle.REGULAR


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"단골 고객 {n}")
    team = factory.SubFactory(TeamFactory)
    definition = factory.LazyFunction(
        lambda: {"match": "all", "conditions": [{"field": "lifecycle", "op": "eq", "value": "regular"}]}
    )


class SegmentMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SegmentMembership

    run = factory.SubFactory(SegmentationRunFactory)
    segment = factory.SubFactory(SegmentFactory)
    user = factory.SubFactory(UserFactory)


def customer_in_segment(*, segment: Segment, run: SegmentationRun, user=None, **profile) -> CustomerProfile:
    """A customer profiled by `run` and a member of `segment` in that run (what a finished run leaves behind)."""
    profile_row = CustomerProfileFactory(run=run, **({"user": user} if user is not None else {}), **profile)
    SegmentMembershipFactory(run=run, segment=segment, user=profile_row.user)
    return profile_row


# --- segmentation engine (helper H1) -------------------------------------------------------------------------------
def bought_orders(*, user, days_ago: list[int], total: int, now=None, status=None, category=None) -> list:
    """Bought orders (delivered by default) of `total` won each, placed `days_ago` days before `now` (Seoul noon
    if `now` is noon). With `category`, each order gets one line of a product in it (for category conditions)."""
    from shop.models import Order
    from tests.shop.factories import PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory

    now = now or timezone.now()
    orders = []
    product = ProductFactory(category=category, price=total, list_price=None) if category is not None else None
    for days in days_ago:
        order = PlacedOrderFactory(
            user=user,
            status=status or Order.Status.DELIVERED,
            subtotal=total,
            placed_at=now - timedelta(days=days),
            paid_at=now - timedelta(days=days),
        )
        if product is not None:
            PlacedOrderLineFactory(order=order, product=product, quantity=1)
        orders.append(order)
    return orders


def segmentation_run_now(capture_on_commit, *, kind: str = SegmentationRun.Kind.FULL, **start) -> SegmentationRun:
    """Start a run through the service and let its after-commit task run (Celery is eager in tests); returns the
    run as it ended. `capture_on_commit` is pytest-django's django_capture_on_commit_callbacks fixture."""
    from crm.services.runs import segmentation_run_start

    with capture_on_commit(execute=True):
        run = segmentation_run_start(kind=kind, **start)
    run.refresh_from_db()
    return run


# --- 1:1 문의 (helper chat) --------------------------------------------------------------------------------------
class CsMemberFactory(TeamMemberFactory):
    role = TeamMember.Role.CS


class SavedReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedReply

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"배송 안내 {n}")
    body = "주문하신 상품은 내일 출발해요. 조금만 기다려 주세요."
