"""How feed items and nudges perform: opens and clicks per opaque source, nudge rules treated against control."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from feed.models import Exposure, FeedItem


def feed_source_engagement(*, sources: list[str]) -> dict[str, dict[str, int]]:
    """Per source: items made, opened (shown on the feed page or as a toast, or marked read) and clicked (their
    link followed).
    One grouped query through the source index; sources without items are absent."""
    if not sources:
        return {}
    rows = (
        FeedItem.objects.filter(source__in=sources)
        .values("source")
        .annotate(
            items=Count("pk"),
            opened=Count("pk", filter=Q(shown_at__isnull=False) | Q(read_at__isnull=False)),
            clicked=Count("clicked_at"),
        )
        .order_by()
    )
    return {row["source"]: {"items": row["items"], "opened": row["opened"], "clicked": row["clicked"]} for row in rows}


@dataclass(frozen=True)
class NudgeResult:
    """One nudge rule's exposures split into treated (shown) and control (held back), and how many of each
    ordered within the attribution window (Exposure.ordered_at)."""

    rule_id: int
    name: str
    treated: int
    treated_ordered: int
    control: int
    control_ordered: int

    @property
    def treated_rate(self) -> float | None:
        return self.treated_ordered / self.treated if self.treated else None

    @property
    def control_rate(self) -> float | None:
        return self.control_ordered / self.control if self.control else None


def nudge_results(*, since: datetime | None = None, user_ids: QuerySet | None = None) -> list[NudgeResult]:
    """Treated against control per nudge rule (fired since `since`; only these customers' exposures when
    `user_ids` is given, e.g. a crm team's customers as a subquery). One query."""
    exposures = Exposure.objects.filter(rule__isnull=False)
    if since is not None:
        exposures = exposures.filter(fired_at__gte=since)
    if user_ids is not None:
        exposures = exposures.filter(user_id__in=user_ids)
    ordered = Q(ordered_at__isnull=False)
    rows = (
        exposures.values("rule_id", "rule__name")
        .annotate(
            treated=Count("pk", filter=Q(is_control=False)),
            treated_ordered=Count("pk", filter=Q(is_control=False) & ordered),
            control=Count("pk", filter=Q(is_control=True)),
            control_ordered=Count("pk", filter=Q(is_control=True) & ordered),
        )
        .order_by("rule__name", "rule_id")
    )
    return [
        NudgeResult(
            rule_id=row["rule_id"],
            name=row["rule__name"],
            treated=row["treated"],
            treated_ordered=row["treated_ordered"],
            control=row["control"],
            control_ordered=row["control_ordered"],
        )
        for row in rows
    ]
