"""Reads for the campaign pages and for the dashboards: a team's campaigns with their figures, one campaign's
results against its control group, and `campaign_summaries` (plain dicts, for charts and CSV).

How a campaign is measured
--------------------------
- Delivered: treated recipients whose feed item was written. Held out: control recipients who passed the same rules
  (consent, night, daily cap) at the same moment, so both groups are "customers who could have received it".
- Opened / clicked: the campaign's feed items shown (feed page or live toast) or read / whose link was followed.
- Coupon used: coupons claimed from the campaign's items (issued with the campaign's source) used on an order.
- Converted: the recipient placed a bought order (paid, not cancelled or refunded) within FEED_ATTRIBUTION_DAYS
  after their batch decided (delivery for treated, hold-out for control); revenue is those orders' totals.
- Uplift: the difference of the two conversion proportions, treated minus control, p_t - p_c, with a 95 %
  confidence interval from the normal approximation (Wald, unpooled variances):
      se = sqrt(p_t (1 - p_t) / n_t + p_c (1 - p_c) / n_c),   CI = (p_t - p_c) +/- 1.96 se.
  It needs both groups non-empty; with few conversions the approximation is rough, so the page says when either
  group has fewer than 10 conversions or non-conversions.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from crm.models import Campaign, CampaignRecipient, Team
from feed.selectors.measurement import feed_source_engagement
from feed.services.proof import attribution_days
from shop.selectors.coupons import used_coupon_counts
from shop.selectors.orders import bought_orders_queryset

Z_95 = 1.96
ROUGH_BELOW = 10

SORT_FIELDS = {
    "scheduled": ("-scheduled_at", "-pk"),
    "oldest": ("scheduled_at", "pk"),
    "title": ("title", "pk"),
    "audience": ("-audience_size", "-pk"),
}
DEFAULT_SORT = "scheduled"


@dataclass(frozen=True)
class Uplift:
    treated_rate: float
    control_rate: float
    difference: float
    low: float
    high: float
    rough: bool

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0

    def points(self, value: float) -> str:
        return f"{value * 100:+.1f}"

    @property
    def labels(self) -> dict[str, str]:
        """The figures as the page shows them: rates in %, the difference and its CI in signed percentage points."""
        return {
            "treated": f"{self.treated_rate * 100:.1f}",
            "control": f"{self.control_rate * 100:.1f}",
            "difference": self.points(self.difference),
            "low": self.points(self.low),
            "high": self.points(self.high),
        }


def uplift_compute(*, treated_n: int, treated_converted: int, control_n: int, control_converted: int) -> Uplift | None:
    """Difference of conversion proportions (treated - control) with its normal-approximation 95 % CI; None when
    either group is empty."""
    if treated_n <= 0 or control_n <= 0:
        return None
    p_t = treated_converted / treated_n
    p_c = control_converted / control_n
    se = math.sqrt(p_t * (1 - p_t) / treated_n + p_c * (1 - p_c) / control_n)
    difference = p_t - p_c
    rough = min(treated_converted, treated_n - treated_converted, control_converted, control_n - control_converted)
    return Uplift(
        treated_rate=p_t,
        control_rate=p_c,
        difference=difference,
        low=difference - Z_95 * se,
        high=difference + Z_95 * se,
        rough=rough < ROUGH_BELOW,
    )


@dataclass
class CampaignResults:
    """One campaign's figures; counts are customers unless said otherwise."""

    audience: int = 0
    treated: int = 0
    control: int = 0
    decided: int = 0
    delivered: int = 0
    held_out: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    opened: int = 0
    clicked: int = 0
    coupon_used: int = 0
    treated_converted: int = 0
    control_converted: int = 0
    revenue: int = 0
    control_revenue: int = 0
    uplift: Uplift | None = None

    @property
    def progress_percent(self) -> int:
        return round(100 * self.decided / self.audience) if self.audience else 100

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def treated_rate_label(self) -> str:
        return f"{100 * self.treated_converted / self.delivered:.1f}%" if self.delivered else "—"

    @property
    def control_rate_label(self) -> str:
        return f"{100 * self.control_converted / self.held_out:.1f}%" if self.held_out else "—"

    @property
    def open_rate(self) -> float:
        return self.opened / self.delivered if self.delivered else 0.0

    @property
    def click_rate(self) -> float:
        return self.clicked / self.delivered if self.delivered else 0.0


def _window_orders() -> QuerySet:
    window = timedelta(days=attribution_days())
    until = ExpressionWrapper(OuterRef("decided_at") + window, output_field=DateTimeField())
    return bought_orders_queryset().filter(
        user_id=OuterRef("customer_id"), placed_at__gte=OuterRef("decided_at"), placed_at__lt=until
    )


def _recipient_figures(campaign_ids: list[int]) -> dict[int, dict[tuple[str, str], dict[str, int]]]:
    """Per campaign, per (group, outcome): recipients, converted, revenue. One grouped query; outcome is
    "pending", "ok" (delivered / held out) or a skip reason."""
    orders = _window_orders()
    revenue = Subquery(
        orders.values("user_id").annotate(total=Sum("total")).values("total"), output_field=IntegerField()
    )
    rows = (
        CampaignRecipient.objects.filter(campaign_id__in=campaign_ids)
        .alias(ordered_in_window=Exists(orders), spent=Coalesce(revenue, 0))
        .annotate(pending=ExpressionWrapper(Q(decided_at__isnull=True), output_field=BooleanField()))
        .values("campaign_id", "group", "skipped_reason", "pending")
        .annotate(
            n=Count("pk"),
            converted=Count("pk", filter=Q(ordered_in_window=True, decided_at__isnull=False)),
            revenue=Sum(F("spent"), filter=Q(decided_at__isnull=False)),
        )
        .order_by()
    )
    figures: dict[int, dict[tuple[str, str], dict[str, int]]] = {}
    for row in rows:
        outcome = "pending" if row["pending"] else (row["skipped_reason"] or "ok")
        bucket = figures.setdefault(row["campaign_id"], {}).setdefault(
            (row["group"], outcome), {"n": 0, "converted": 0, "revenue": 0}
        )
        bucket["n"] += row["n"]
        bucket["converted"] += row["converted"] or 0
        bucket["revenue"] += row["revenue"] or 0
    return figures


def campaign_results_for(campaigns: list[Campaign]) -> dict[int, CampaignResults]:
    """Results of several campaigns in three queries whatever their number (recipients with their orders, feed
    engagement, coupons used)."""
    if not campaigns:
        return {}
    ids = [c.pk for c in campaigns]
    figures = _recipient_figures(ids)
    engagement = feed_source_engagement(sources=[c.source for c in campaigns])
    coupons = used_coupon_counts(source_refs=[c.source for c in campaigns if c.coupon_rule_id])
    results: dict[int, CampaignResults] = {}
    treated = CampaignRecipient.Group.TREATED
    for campaign in campaigns:
        result = CampaignResults(audience=campaign.audience_size)
        for (group, outcome), bucket in figures.get(campaign.pk, {}).items():
            if group == treated:
                result.treated += bucket["n"]
            else:
                result.control += bucket["n"]
            if outcome == "pending":
                continue
            result.decided += bucket["n"]
            if outcome != "ok":
                result.skipped[outcome] = result.skipped.get(outcome, 0) + bucket["n"]
            elif group == treated:
                result.delivered += bucket["n"]
                result.treated_converted += bucket["converted"]
                result.revenue += bucket["revenue"]
            else:
                result.held_out += bucket["n"]
                result.control_converted += bucket["converted"]
                result.control_revenue += bucket["revenue"]
        seen = engagement.get(campaign.source, {})
        result.opened = seen.get("opened", 0)
        result.clicked = seen.get("clicked", 0)
        result.coupon_used = coupons.get(campaign.source, 0)
        result.uplift = uplift_compute(
            treated_n=result.delivered,
            treated_converted=result.treated_converted,
            control_n=result.held_out,
            control_converted=result.control_converted,
        )
        results[campaign.pk] = result
    return results


def campaign_results(campaign: Campaign) -> CampaignResults:
    return campaign_results_for([campaign])[campaign.pk]


def campaigns_for_team(*, team: Team, sort: str = DEFAULT_SORT, status: str = "", query: str = "") -> QuerySet:
    """The team's campaigns for the list page, with segment and author in the same query."""
    campaigns = Campaign.objects.filter(team=team).select_related("segment", "created_by", "coupon_rule")
    if status in Campaign.Status.values:
        campaigns = campaigns.filter(status=status)
    if query:
        campaigns = campaigns.filter(title__icontains=query)
    return campaigns.order_by(*SORT_FIELDS.get(sort, SORT_FIELDS[DEFAULT_SORT]))


def campaign_get_for_team(*, team: Team, pk: int) -> Campaign | None:
    return (
        Campaign.objects.filter(team=team, pk=pk).select_related("segment", "created_by", "coupon_rule", "team").first()
    )


def campaign_summaries(team: Team | None, since: datetime | None = None) -> list[dict[str, Any]]:
    """Every campaign of `team` (of every team when None; scheduled since `since`, if given), oldest first, as
    plain JSON-safe dicts for charts and CSV: identity, status, timing, audience and every result figure, with the
    uplift and its CI as proportions (None when a group is empty). Four queries whatever the number of campaigns."""
    chosen = Campaign.objects.all()
    if team is not None:
        chosen = chosen.filter(team=team)
    if since is not None:
        chosen = chosen.filter(scheduled_at__gte=since)
    campaigns = list(chosen.select_related("segment", "team").order_by("scheduled_at", "pk"))
    results = campaign_results_for(campaigns)
    summaries = []
    for campaign in campaigns:
        result = results[campaign.pk]
        uplift = asdict(result.uplift) if result.uplift is not None else None
        summaries.append(
            {
                "id": campaign.pk,
                "title": campaign.title,
                "team": campaign.team.name,
                "segment_id": campaign.segment_id,
                "segment": campaign.segment.name,
                "status": campaign.status,
                "is_promotional": campaign.is_promotional,
                "control_percent": campaign.control_percent,
                "scheduled_at": campaign.scheduled_at.isoformat(),
                "launched_at": campaign.launched_at.isoformat() if campaign.launched_at else None,
                "audience": result.audience,
                "delivered": result.delivered,
                "held_out": result.held_out,
                "skipped": dict(result.skipped),
                "opened": result.opened,
                "clicked": result.clicked,
                "coupon_used": result.coupon_used,
                "ordered": result.treated_converted,
                "control_ordered": result.control_converted,
                "revenue": result.revenue,
                "control_revenue": result.control_revenue,
                "uplift": uplift,
            }
        )
    return summaries
