"""Builders shared by the campaign tests: a segment with many customers (bulk rows, fast) and a launched campaign."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import User
from crm.models import Campaign, SegmentMembership, TeamMember
from crm.selectors.access import seat_for
from crm.services.campaigns import campaign_create
from tests.crm.factories import SegmentationRunFactory, SegmentFactory, TeamFactory, TeamMemberFactory


def audience(
    *, size: int, consent: bool = True, night: bool = False, prefix: str = "camp", team=None, run=None
) -> SimpleNamespace:
    """A team with an MD lead, a finished run and a segment whose `size` members are fresh customers (bulk rows)."""
    team = team or TeamFactory(name="생활 MD팀", slug=f"living-{prefix}")
    lead = TeamMemberFactory(team=team, role=TeamMember.Role.MD_LEAD).user
    run = run or SegmentationRunFactory()
    segment = SegmentFactory(team=team, name=f"단골 {prefix}")
    at = timezone.now() if consent else None
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{n:05d}",
                nickname=f"고객{n}",
                marketing_consented_at=at,
                night_marketing_consented_at=at if night else None,
            )
            for n in range(size)
        ]
    )
    SegmentMembership.objects.bulk_create([SegmentMembership(run=run, segment=segment, user=u) for u in users])
    return SimpleNamespace(team=team, lead=lead, run=run, segment=segment, users=users)


def campaign_for(aud: SimpleNamespace, *, now: datetime | None = None, **fields) -> Campaign:
    """A campaign by the audience's MD lead, created (and so launched, Celery being eager) at `now`."""
    seat = seat_for(user=aud.lead, team=aud.team)
    values = {"title": "이번 주 세제 할인", "body": "{nickname}님, 세제 떨어질 때 됐죠?", "control_percent": 10}
    values.update(fields)
    return campaign_create(seat=seat, segment_id=aud.segment.pk, now=now, **values)
