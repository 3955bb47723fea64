"""Nudge rules: match a visitor's recent behaviour and, when a rule fires, say something (maybe with a coupon).

Firing is exactly-once per visitor and cooldown: the decision is taken under the Visitor row's lock
(`visitor_lock`) and the Exposure row carries a unique (rule, visitor, cooldown bucket) key as a backstop.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from config.errors import DomainError
from feed import counters
from feed.models import Exposure, FeedItem, NudgeRule, TrackedEvent, Visitor
from feed.services.events import relaxed_commit
from feed.services.items import TRUSTED_FKS, item_push_on_commit, render_message

logger = logging.getLogger(__name__)

RULES_CACHE_KEY = "feed:nudge-rules:v1"
RULES_CACHE_SECONDS = 30
NEW_VISITOR_DAYS = 7
QUIET_START_HOUR = 21
QUIET_END_HOUR = 8
COUNTED_TYPES = {
    TrackedEvent.Type.PAGE_VIEW,
    TrackedEvent.Type.CATEGORY_VIEW,
    TrackedEvent.Type.PRODUCT_VIEW,
    TrackedEvent.Type.STORE_VIEW,
    TrackedEvent.Type.SEARCH,
    TrackedEvent.Type.CART_REMOVE,
    TrackedEvent.Type.CHECKOUT_START,
}


@dataclass(frozen=True)
class RuleSpec:
    """What the hot path needs to know about a rule (cached, so a batch costs no rule query)."""

    id: int
    priority: int
    event_type: str
    category_id: int | None
    product_id: int | None
    search_term: str
    utm_source: str
    min_count: int
    window_minutes: int
    min_dwell_seconds: int
    starts_at: datetime | None
    ends_at: datetime | None

    def matches_filter(self, event: Any) -> bool:
        if self.category_id is not None and event.category != self.category_id:
            return False
        if self.product_id is not None and event.product != self.product_id:
            return False
        return not (self.utm_source and event.utm.lower() != self.utm_source.lower())

    def counts(self, event: Any) -> bool:
        if event.type != self.event_type or not self.matches_filter(event):
            return False
        if self.search_term:
            return self.search_term.lower() in event.q.lower()
        return True

    def dwells(self, event: Any) -> bool:
        return (
            self.min_dwell_seconds > 0
            and event.type == TrackedEvent.Type.DWELL
            and (self.category_id is not None or self.product_id is not None)
            and self.matches_filter(event)
        )

    def active_at(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or now < self.ends_at)


def rules_invalidate() -> None:
    try:
        cache.delete(RULES_CACHE_KEY)
    except Exception:
        logger.warning("could not invalidate the nudge rule cache", exc_info=True)


def _load_rule_specs(cached: list[RuleSpec] | None = None) -> list[RuleSpec]:
    specs = cached if cached is not None else cache.get(RULES_CACHE_KEY)
    if specs is None:
        specs = [
            RuleSpec(
                id=r.pk,
                priority=r.priority,
                event_type=r.event_type,
                category_id=r.category_id,
                product_id=r.product_id,
                search_term=r.search_term,
                utm_source=r.utm_source,
                min_count=r.min_count,
                window_minutes=r.window_minutes,
                min_dwell_seconds=r.min_dwell_seconds,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
            )
            for r in NudgeRule.objects.filter(is_active=True).exclude(event_type=TrackedEvent.Type.CART_ADD)
        ]
        cache.set(RULES_CACHE_KEY, specs, RULES_CACHE_SECONDS)
    return specs


def nudges_check_batch(
    *, visitor_id: UUID, user: Any, events: list[Any], now: datetime, cached_specs: list[RuleSpec] | None = None
) -> Exposure | None:
    """Add the batch to each matching rule's window counters, then fire the best rule whose thresholds hold.

    `cached_specs` is the rule list when the caller already read it from the cache (one round trip saved)."""
    specs = [s for s in _load_rule_specs(cached_specs) if s.active_at(now)]
    if not specs:
        return None
    vid = str(visitor_id)
    deltas: dict[str, int] = defaultdict(int)
    touched: dict[int, RuleSpec] = {}
    for event in events:
        minute = counters.minute_of(event.occurred_at.timestamp())
        for spec in specs:
            if spec.counts(event):
                deltas[counters.rule_key(vid, spec.id, "n", minute)] += 1
                touched[spec.id] = spec
            elif spec.dwells(event):
                deltas[counters.rule_key(vid, spec.id, "d", minute)] += event.dwell
                touched[spec.id] = spec
    if not touched:
        return None
    sums = counters.add_and_sum(
        vid, dict(deltas), [(s.id, s.window_minutes) for s in touched.values()], now.timestamp()
    )
    ready = [
        spec
        for spec in touched.values()
        if sums[spec.id][0] >= spec.min_count and sums[spec.id][1] >= spec.min_dwell_seconds
    ]
    if ready:
        # Rules that fired for this recipient within their cooldown are skipped without touching the database
        # (a shortcut only: nudge_fire still decides under the visitor lock).
        who = _recipient_key(user=user, visitor_id=visitor_id)
        cooling = cache.get_many([_cooldown_key(spec.id, who) for spec in ready])
        ready = [spec for spec in ready if cooling.get(_cooldown_key(spec.id, who), 0) <= now.timestamp()]
    if not ready:
        return None
    ready.sort(key=lambda s: (-s.priority, s.id))
    rules = {r.pk: r for r in NudgeRule.objects.select_related("coupon_rule").filter(pk__in=[s.id for s in ready])}
    for spec in ready:
        rule = rules.get(spec.id)
        if rule is None or not rule.is_active:
            continue
        exposure = nudge_fire(rule=rule, visitor_id=visitor_id, user=user, now=now)
        if exposure is not None:
            return exposure
    return None


def _recipient_key(*, user: Any, visitor_id: UUID) -> str:
    return f"u{user.pk}" if user is not None else f"v{visitor_id}"


def _cooldown_key(rule_id: int, who: str) -> str:
    return f"nf:{rule_id}:{who}"


def in_quiet_hours(now: datetime) -> bool:
    hour = timezone.localtime(now).hour
    return hour >= QUIET_START_HOUR or hour < QUIET_END_HOUR


def consent_allows(*, rule: NudgeRule, user: Any, now: datetime) -> bool:
    """Promotional messages: never without marketing consent, never 21:00-08:00 without night consent.

    Anonymous visitors have given no consent, so they get promotional nudges only in the daytime.
    """
    if not rule.is_promotional:
        return True
    quiet = in_quiet_hours(now)
    if user is None:
        return not quiet
    if not user.has_marketing_consent:
        return False
    return not quiet or user.has_night_marketing_consent


def audience_allows(*, rule: NudgeRule, user: Any, visitor: Visitor | None, now: datetime) -> bool:
    if rule.audience == NudgeRule.Audience.MEMBERS and user is None:
        return False
    if rule.audience == NudgeRule.Audience.ANONYMOUS and user is not None:
        return False
    if rule.tenure != NudgeRule.Tenure.ANY:
        since = user.date_joined if user is not None else (visitor.first_seen if visitor else now)
        is_new = now - since <= timedelta(days=NEW_VISITOR_DAYS)
        if (rule.tenure == NudgeRule.Tenure.NEW) != is_new:
            return False
    return True


def in_control_group(*, key: str, percent: int) -> bool:
    """Deterministic split: the same visitor and rule always land in the same group."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def visitor_lock(qs: QuerySet[Visitor]) -> QuerySet[Visitor]:
    return qs.order_by("pk").select_for_update(of=("self",))


def daily_cap() -> int:
    return int(getattr(settings, "FEED_NUDGE_DAILY_CAP", 3))


def nudge_fire(*, rule: NudgeRule, visitor_id: UUID, user: Any, now: datetime) -> Exposure | None:
    """Fire `rule` for one visitor if audience, dates, consent, cooldown and the daily cap allow it.

    One transaction: locks the Visitor row (creating it if needed), so concurrent batches of the same visitor
    decide one after the other; the Exposure's unique (rule, visitor, cooldown bucket) key backs that up.
    Control-group fires are recorded (Exposure.is_control) and not shown. For a member the coupon is issued
    on the spot (coupon_issue, source "nudge", which locks the coupon rule after the visitor); an anonymous
    visitor gets it as claimable after signing up or logging in. Without a coupon the commit does not wait
    for the WAL flush (relaxed_commit). Pushes the feed item after commit.
    Returns the Exposure, or None when the rule did not fire.
    """
    if not rule.is_active or (rule.starts_at and now < rule.starts_at) or (rule.ends_at and now >= rule.ends_at):
        return None
    if not consent_allows(rule=rule, user=user, now=now):
        return None
    cooldown = timedelta(minutes=rule.cooldown_minutes)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    recipient = Q(user=user) if user is not None else Q(visitor_id=visitor_id)
    try:
        with transaction.atomic(durable=True):
            visitor = visitor_lock(Visitor.objects.filter(pk=visitor_id)).first()
            if visitor is None:
                Visitor.objects.get_or_create(
                    pk=visitor_id, defaults={"user": user, "first_seen": now, "last_seen": now}
                )
                visitor = visitor_lock(Visitor.objects.filter(pk=visitor_id)).get()
            if not audience_allows(rule=rule, user=user, visitor=visitor, now=now):
                return None
            if Exposure.objects.filter(recipient, rule=rule, fired_at__gt=now - cooldown).exists():
                return None
            shown_today = Exposure.objects.filter(
                recipient, rule__isnull=False, is_control=False, fired_at__gte=day_start
            ).count()
            if shown_today >= daily_cap():
                return None
            exposure = Exposure.objects.create(
                rule=rule,
                visitor_id=visitor_id,
                user=user,
                bucket=int(now.timestamp() // cooldown.total_seconds()),
                is_control=in_control_group(
                    key=f"{rule.pk}:{user.pk if user else visitor_id}", percent=rule.control_percent
                ),
                fired_at=now,
            )
            if not exposure.is_control:
                issued = _deliver(rule=rule, exposure=exposure, visitor_id=visitor_id, user=user, now=now)
            if exposure.is_control or issued is None:
                relaxed_commit()
    except IntegrityError:
        return None
    try:
        until = int(now.timestamp()) + rule.cooldown_minutes * 60  # compared with django's clock, not the TTL
        cache.set(
            _cooldown_key(rule.pk, _recipient_key(user=user, visitor_id=visitor_id)), until, rule.cooldown_minutes * 60
        )
    except Exception:
        logger.warning("cooldown shortcut not cached", exc_info=True)
    return exposure


def _deliver(*, rule: NudgeRule, exposure: Exposure, visitor_id: UUID, user: Any, now: datetime):
    """Inside nudge_fire's transaction: issue or offer the coupon, write the feed item, queue the push.
    Returns the issued coupon (or None)."""
    from shop.models import IssuedCoupon
    from shop.services.coupons import coupon_issue

    issued = None
    claimable = None
    if rule.coupon_rule_id is not None:
        if user is not None:
            try:
                with transaction.atomic():
                    issued = coupon_issue(
                        rule=rule.coupon_rule,  # type: ignore[arg-type]
                        user=user,
                        source=IssuedCoupon.Source.NUDGE,
                        source_ref=f"nudge:{exposure.pk}",
                    )
            except DomainError as exc:
                logger.info("nudge %s: coupon not issued (%s)", rule.pk, exc)
        else:
            claimable = rule.coupon_rule
    item = FeedItem(
        user=user,
        visitor_id=visitor_id,
        kind=FeedItem.Kind.NUDGE,
        title=rule.title,
        body=render_message(rule.message, user=user),
        link=rule.link,
        coupon=issued,
        claimable_rule=claimable,
        is_promotional=rule.is_promotional,
        exposure=exposure,
        expires_at=now + timedelta(days=3),
        created_at=now,
    )
    item.full_clean(exclude=TRUSTED_FKS)
    item.save()
    if issued is not None:
        Exposure.objects.filter(pk=exposure.pk).update(claimed_at=now)
    item_push_on_commit(item, toast=True)
    return issued


def abandoned_carts_check(*, now: datetime) -> int:
    """Fire the cart rules (event type cart_add) for visitors whose cart has sat untouched for the window.

    "Untouched" = their latest cart event in the last day is a cart_add older than the rule's window
    (no removal and no checkout after it). Returns how many fired.
    """
    fired = 0
    cart_types = [TrackedEvent.Type.CART_ADD, TrackedEvent.Type.CART_REMOVE, TrackedEvent.Type.CHECKOUT_START]
    rules = list(
        NudgeRule.objects.select_related("coupon_rule").filter(is_active=True, event_type=TrackedEvent.Type.CART_ADD)
    )
    for rule in rules:
        idle_since = now - timedelta(minutes=rule.window_minutes)
        rows = (
            TrackedEvent.objects.filter(type__in=cart_types, occurred_at__gte=now - timedelta(days=1))  # type: ignore[no-redef]
            .values("visitor_id")
            .annotate(
                last=Max("occurred_at"),
                last_add=Max("occurred_at", filter=Q(type=TrackedEvent.Type.CART_ADD)),
                user_id=Max("user_id"),
            )
            .filter(last_add__isnull=False, last_add__lte=idle_since)
        )
        candidates = [row for row in rows if row["last"] == row["last_add"]][:500]
        users = _users_by_id({row["user_id"] for row in candidates if row["user_id"]})  # type: ignore[misc]
        for row in candidates:
            user = users.get(row["user_id"])  # type: ignore[misc]
            if nudge_fire(rule=rule, visitor_id=row["visitor_id"], user=user, now=now) is not None:
                fired += 1
    return fired


def _users_by_id(ids: set[int]) -> dict[int, Any]:
    from django.contrib.auth import get_user_model

    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
