from datetime import timedelta

import factory
from django.utils import timezone

from crm.models import (
    CustomerProfile,
    Lifecycle,
    RfmSegment,
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
