"""Reads for feed pages and the page shell: the greeting, the feed list, the unread badge, social proof."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config import local_memo
from feed import audiences, counters
from feed.models import DailyActivity, Exposure, FeedItem, Greeting, Visitor
from feed.services.greetings import GREETINGS_VERSION_KEY, GREETINGS_VERSION_SECONDS
from feed.services.items import MALL_NAME, UNREAD_CACHE_SECONDS, render_placeholders_html, unread_cache_key
from feed.services.nudges import in_control_group
from feed.services.visitors import PREVIOUS_SEEN_CACHE_SECONDS, previous_seen_cache_key

logger = logging.getLogger(__name__)
_greetings_memo: dict[str, list[Greeting]] = {}


@dataclass(frozen=True)
class GreetingView:
    """A rendered greeting, ready for templates/feed/partials/_greeting.html."""

    greeting_id: int
    text: SafeString
    photo_url: str
    benefit_rule_id: int | None
    benefit_name: str
    benefit_label: str
    dismiss_key: str
    benefit_held_back: bool = False  # the greeting has a benefit, but this visitor is in its control group


def _days_together(user: Any, today) -> int | None:
    if user is None:
        return None
    return (today - timezone.localdate(user.date_joined)).days + 1


def _greetings_version() -> str:
    version = cache.get(GREETINGS_VERSION_KEY)
    if version is None:
        cache.add(GREETINGS_VERSION_KEY, uuid4().hex, GREETINGS_VERSION_SECONDS)
        version = cache.get(GREETINGS_VERSION_KEY)
    return version


def greetings_active(*, today: date) -> list[Greeting]:
    """Switched-on greetings valid today, highest priority first, with their benefit and time slots loaded.

    Every page shows a greeting, so the rows are kept in process memory under a version token that lives in the
    shared cache (read through config.local_memo): feed.services.greetings_invalidate() (wired to admin edits)
    drops the token and every process reloads within a few seconds. With the cache down they are read each time.
    """
    try:
        version = local_memo.get(GREETINGS_VERSION_KEY, _greetings_version)
    except Exception:
        logger.warning("greeting cache unavailable; reading greetings from the database", exc_info=True)
        version = None
    greetings = _greetings_memo.get(version) if version else None
    if greetings is None:
        greetings = list(
            Greeting.objects.filter(is_active=True)
            .select_related("benefit")
            .prefetch_related(Prefetch("time_slots", to_attr="slot_list"))  # a list: no manager made per page
            .order_by("-priority", "pk")
        )
        if version:
            _greetings_memo.clear()
            _greetings_memo[version] = greetings
    return [
        g
        for g in greetings
        if (g.starts_on is None or g.starts_on <= today) and (g.ends_on is None or g.ends_on >= today)
    ]


def shell_cache_get(*, user: Any, visitor_id: UUID | None) -> dict[str, Any]:
    """The cached per-visitor values every page needs (previous visit, unread count) in one cache round trip."""
    is_user = user is not None and getattr(user, "is_authenticated", False)
    keys = [key for key in (unread_cache_key(user_id=user.pk if is_user else None, visitor_id=visitor_id),) if key]
    if visitor_id is not None:
        keys.append(previous_seen_cache_key(visitor_id))
    try:
        return cache.get_many(keys) if keys else {}
    except Exception:
        logger.warning("shell cache unavailable", exc_info=True)
        return {}


def shell_for_new_visitor(*, visitor_id: UUID) -> dict[str, Any]:
    """What shell_cache_get would find for an id minted in this request, without asking: no feed items and no
    earlier visit can exist for it yet. A first-time visitor costs no query and one cache write, which saves the
    same visitor's second page those two queries (the badge's shorter lifetime bounds both entries)."""
    values: dict[str, Any] = {previous_seen_cache_key(visitor_id): (None,)}
    unread_key = unread_cache_key(user_id=None, visitor_id=visitor_id)
    if unread_key is not None:
        values[unread_key] = 0
    try:
        cache.set_many(values, UNREAD_CACHE_SECONDS)
    except Exception:
        logger.warning("could not cache a new visitor's shell", exc_info=True)
    return values


def _previous_seen(visitor_id: UUID, prefetched: dict[str, Any] | None = None) -> datetime | None:
    """The visitor's last visit before today; it changes at most once a day, so it is cached (see visitors)."""
    key = previous_seen_cache_key(visitor_id)
    try:
        cached = prefetched[key] if prefetched and key in prefetched else cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return cached[0]
    value = Visitor.objects.filter(pk=visitor_id).values_list("previous_seen", flat=True).first()
    try:
        cache.set(key, (value,), PREVIOUS_SEEN_CACHE_SECONDS)
    except Exception:
        logger.warning("could not cache the previous visit of %s", visitor_id, exc_info=True)
    return value


def greeting_for(
    *,
    user: Any = None,
    visitor_id: UUID | None = None,
    now: datetime | None = None,
    prefetched: dict[str, Any] | None = None,
) -> GreetingView | None:
    """The highest-priority active greeting whose time slot, weekday and audience hold (Seoul time).

    `user` is None for an anonymous visitor. Placeholders are filled with escaped values; unknown ones
    become empty. No query once the greetings and the visitor's previous visit are cached (`prefetched` carries
    values already read in the page's one cache round trip); cold, two for the greetings and their time slots and
    one for the visitor when a "back after N days" greeting is a candidate.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    is_weekend = today.weekday() >= 5
    previous_seen = None
    loaded_visitor = False
    context = None
    for greeting in greetings_active(today=today):
        if greeting.day_kind == Greeting.DayKind.WEEKDAY and is_weekend:
            continue
        if greeting.day_kind == Greeting.DayKind.WEEKEND and not is_weekend:
            continue
        slots = greeting.slot_list  # type: ignore[attr-defined]
        if slots and not any(slot.contains(local.hour) for slot in slots):
            continue
        if greeting.audience == "back_after" and not loaded_visitor and visitor_id is not None:
            loaded_visitor = True
            previous_seen = _previous_seen(visitor_id, prefetched)
            context = None
        if context is None:
            context = audiences.AudienceContext(
                user=user,
                today=today,
                now_local=local,
                days_together=_days_together(user, today),
                previous_seen=timezone.localtime(previous_seen) if previous_seen else None,
            )
        if not audiences.matches(greeting.audience, context, greeting.audience_days):
            continue
        return _render(greeting, user=user, visitor_id=visitor_id, days_together=context.days_together, today=today)
    return None


def _render(
    greeting: Greeting, *, user: Any, visitor_id: UUID | None, days_together: int | None, today
) -> GreetingView:
    nickname = user.display_name if user is not None else _("고객")
    text = render_placeholders_html(
        greeting.template,
        {"nickname": nickname, "days_together": days_together or "", "shop": MALL_NAME},
    )
    rule = greeting.benefit
    has_benefit = rule is not None and rule.is_active
    held_back = False
    if has_benefit:
        who = user.pk if user is not None else visitor_id
        held_back = in_control_group(key=f"g{greeting.pk}:{who}", percent=greeting.benefit_control_percent)
    show_benefit = has_benefit and not held_back
    return GreetingView(
        greeting_id=greeting.pk,
        text=mark_safe(text),  # noqa: S308 (template and values escaped above)
        photo_url=greeting.photo.url if greeting.photo else "",
        benefit_rule_id=rule.pk if show_benefit else None,  # type: ignore[union-attr]
        benefit_name=rule.name if show_benefit else "",  # type: ignore[union-attr]
        benefit_label=rule.discount_label if show_benefit else "",  # type: ignore[union-attr]
        dismiss_key=f"{today.isoformat()}-g{greeting.pk}",
        benefit_held_back=held_back,
    )


def _recipient_filter(*, user: Any, visitor_id: UUID | None) -> Q | None:
    if user is not None and getattr(user, "is_authenticated", False):
        return Q(user=user)
    if visitor_id is not None:
        return Q(user__isnull=True, visitor_id=visitor_id)
    return None


def feed_items_for(*, user: Any, visitor_id: UUID | None, now: datetime, limit: int = 50) -> list[FeedItem]:
    """Newest first, expired ones left out; coupon and rule loaded in the same query."""
    recipient = _recipient_filter(user=user, visitor_id=visitor_id)
    if recipient is None:
        return []
    return list(
        FeedItem.objects.filter(recipient)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("coupon__rule", "claimable_rule")
        .order_by("-created_at", "-pk")[:limit]
    )


def feed_unread_count(
    *, user: Any, visitor_id: UUID | None, now: datetime, prefetched: dict[str, Any] | None = None
) -> int:
    """The header badge on every page: cached per recipient, dropped by every write that changes it."""
    recipient = _recipient_filter(user=user, visitor_id=visitor_id)
    if recipient is None:
        return 0
    is_user = user is not None and getattr(user, "is_authenticated", False)
    key = unread_cache_key(user_id=user.pk if is_user else None, visitor_id=visitor_id)
    try:
        cached = prefetched[key] if prefetched and key in prefetched else cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return cached
    count = (
        FeedItem.objects.filter(recipient, read_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )
    try:
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    except Exception:
        logger.warning("could not cache the unread count", exc_info=True)
    return count


def greeting_benefit_claimed_today(*, greeting_id: int, user: Any, now: datetime) -> bool:
    """Has this customer already taken today's benefit of this greeting (so the button can go away)?"""
    if user is None:
        return False

    return Exposure.objects.filter(
        greeting_id=greeting_id, user=user, bucket=timezone.localdate(now).toordinal(), claimed_at__isnull=False
    ).exists()


@dataclass(frozen=True)
class SocialProof:
    viewers: int
    ordered_minutes_ago: int | None


def social_proof_for(*, product_id: int, now: datetime) -> SocialProof:
    """Distinct viewers in the last hour (hidden below FEED_SOCIAL_PROOF_MIN_VIEWERS) and the last order time."""
    minimum = int(getattr(settings, "FEED_SOCIAL_PROOF_MIN_VIEWERS", 3))
    viewers, last = counters.viewers_and_last_order(product_id, now.timestamp())
    minutes = None
    if last is not None and 0 <= now.timestamp() - last < 24 * 3600:
        minutes = max(1, int((now.timestamp() - last) // 60))
    return SocialProof(viewers=viewers if viewers >= minimum else 0, ordered_minutes_ago=minutes)


# --- Behaviour for crm ------------------------------------------------------------------------------------------------
# crm reads customers' behaviour only through the functions below. They read the daily rollups (DailyActivity, kept for
# the life of the account and refreshed every 15 minutes by feed.activity_rollup_today) or the visitor rows, never
# the raw events, which expire after FEED_EVENT_RETENTION_DAYS.


def activity_by_user_queryset(*, since: date, category_ids: list[int] | None = None) -> QuerySet:
    """Each customer's behaviour summed over the Seoul days from `since` (inclusive) to today, one row per customer
    (an unevaluated values queryset, meant for a subquery):
    `user_id`, `views` (page + category + product views), `page_view_count`, `category_view_count`,
    `product_view_count`, `search_count`, `cart_add_count`, `dwell_seconds_total`, `last_active_at` (their latest
    event in the rows summed) and `active_days`.

    Without `category_ids` the whole-day totals are summed. With them, only the rows of those categories: `views`
    then counts those categories' pages and the product pages in them, `dwell_seconds_total` the time spent there
    (searches, cart adds and other pages carry no category, so they are 0). Pass a category's children yourself if
    they count. Customers with no rows in the range are absent (so "viewed at most N times" must use NOT IN / an
    outer join). Up to 15 minutes behind the raw events. Example, "viewed 가방 at least 3 times in the last 7 days":
    `User.objects.filter(pk__in=activity_by_user_queryset(since=today - timedelta(days=6),
    category_ids=bag_ids).filter(views__gte=3).values("user_id"))`.
    """
    rows = DailyActivity.objects.filter(day__gte=since)
    if category_ids is None:
        rows = rows.filter(category_id=DailyActivity.ALL_CATEGORIES)
    else:
        rows = rows.filter(category_id__in=[c for c in category_ids if c != DailyActivity.ALL_CATEGORIES])
    return (
        rows.order_by()
        .values("user_id")
        .annotate(
            views=Sum(F("page_views") + F("category_views") + F("product_views")),
            page_view_count=Sum("page_views"),
            category_view_count=Sum("category_views"),
            product_view_count=Sum("product_views"),
            search_count=Sum("searches"),
            cart_add_count=Sum("cart_adds"),
            dwell_seconds_total=Sum("dwell_seconds"),
            last_active_at=Max("last_seen_at"),
            active_days=Count("day", distinct=True),
        )
    )


def last_seen_by_user_queryset() -> QuerySet:
    """When each customer was last here, one row per customer: `user_id`, `last_seen_at`.

    Read from the visitor rows (one per browser, stamped at most every 5 minutes while a customer browses, and at
    log-in), so it is fresher than the rollups and survives the raw events' retention. Customers who turned tracking
    off (or send Do Not Track) are not stamped, so they are absent or show their last visit before that.
    """
    return (
        Visitor.objects.filter(user__isnull=False).order_by().values("user_id").annotate(last_seen_at=Max("last_seen"))
    )


def activity_changed_since_queryset(*, since: datetime) -> QuerySet:
    """Ids of the customers whose rolled-up behaviour changed at or after `since` (for crm's incremental run):
    `values_list("user_id", flat=True)`, distinct. A rollup that finds nothing new leaves `updated_at` alone."""
    return (
        DailyActivity.objects.filter(updated_at__gte=since, category_id=DailyActivity.ALL_CATEGORIES)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class DayActivity:
    """One day of a customer's behaviour, ready for crm's customer 360 page."""

    day: date
    views: int
    searches: int
    cart_adds: int
    dwell_seconds: int
    last_seen_at: datetime
    categories: list[str]  # names of the categories they looked at, most viewed first


def recent_activity_for_user(*, user: Any, days: int = 30, today: date | None = None) -> list[DayActivity]:
    """The customer's behaviour on each of the last `days` Seoul days they were active, newest first.

    Two queries whatever the number of days and categories: the user's rollup rows, then the categories' names.
    A category since deleted shows as its number."""
    from shop.models import Category

    today = today or timezone.localdate()
    rows = list(
        DailyActivity.objects.filter(user=user, day__gt=today - timedelta(days=days), day__lte=today).order_by(
            "-day", "category_id"
        )
    )
    category_ids = {r.category_id for r in rows if r.category_id != DailyActivity.ALL_CATEGORIES}
    names = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name")) if category_ids else {}
    per_day: dict[date, list[DailyActivity]] = {}
    for row in rows:
        per_day.setdefault(row.day, []).append(row)
    result = []
    for day, day_rows in per_day.items():
        totals = next((r for r in day_rows if r.category_id == DailyActivity.ALL_CATEGORIES), None)
        viewed = sorted(
            (r for r in day_rows if r.category_id != DailyActivity.ALL_CATEGORIES),
            key=lambda r: (-(r.category_views + r.product_views), r.category_id),
        )
        if totals is None:  # a totals row always comes with its category rows; be safe anyway
            continue
        result.append(
            DayActivity(
                day=day,
                views=totals.page_views + totals.category_views + totals.product_views,
                searches=totals.searches,
                cart_adds=totals.cart_adds,
                dwell_seconds=totals.dwell_seconds,
                last_seen_at=totals.last_seen_at,
                categories=[names.get(r.category_id, f"#{r.category_id}") for r in viewed],
            )
        )
    return result


def feed_items_received(*, user: Any, limit: int) -> list[FeedItem]:
    """The newest feed items a customer received (any kind), with the exposure that tells whether they clicked:
    for the back office's customer 360. One query."""
    return list(FeedItem.objects.filter(user=user).select_related("exposure").order_by("-created_at", "-pk")[:limit])
