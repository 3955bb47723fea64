"""Demo campaigns: one sent campaign per demo team, so the back office's campaign pages show figures after
`make run`. Made through crm.services.campaigns (consent, night and cap rules apply as always); re-running
makes no second one."""

from __future__ import annotations

import random
from collections.abc import Callable

from accounts.models import User
from crm.models import Campaign, Segment, Team, TeamMember
from crm.selectors.access import seat_for
from crm.services.campaigns import campaign_create

DEMO_TITLE = "이번 주 우리 동네 생활용품 소식"
DEMO_BODY = "{nickname}님, 자주 쓰시는 생활용품을 이번 주에 챙겨 두었어요. 필요한 게 있는지 둘러보세요."


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    made = 0
    for team in Team.objects.order_by("pk"):
        if Campaign.objects.filter(team=team, title=DEMO_TITLE).exists():
            continue
        segment = Segment.objects.filter(team=team, is_active=True).order_by("name", "pk").first()
        lead = User.objects.filter(team_memberships__team=team, team_memberships__role=TeamMember.Role.MD_LEAD).first()
        seat = seat_for(user=lead, team=team) if lead is not None else None
        if segment is None or seat is None:
            continue
        campaign_create(seat=seat, segment_id=segment.pk, title=DEMO_TITLE, body=DEMO_BODY, control_percent=10)
        made += 1
    log(f"crm: 캠페인 {Campaign.objects.count()}개 (새로 {made}개)")
    return []
