"""Wiring: page-shell context, shop signals and hooks, log-in merge. Each receiver calls one service."""

import dataclasses
import logging
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from config import local_memo
from feed import messages, selectors, services

logger = logging.getLogger(__name__)
DISMISS_COOKIE = "dg_greet_off"


def _user(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def shell_context(request: HttpRequest) -> dict[str, Any]:
    """The greeting strip and the unread badge; their per-visitor cached values come in one cache round trip."""
    user, visitor_id = _user(request), getattr(request, "visitor_id", None)
    if user is None and visitor_id is not None and getattr(request, "visitor_is_new", False):
        prefetched = selectors.shell_for_new_visitor(visitor_id=visitor_id)
    else:
        prefetched = selectors.shell_cache_get(user=user, visitor_id=visitor_id)
    context: dict[str, Any] = {}
    for part in (greeting_context, unread_context):
        try:
            context.update(part(request, prefetched))
        except Exception:  # one broken part must not take the other (or the page) down
            logger.exception("page shell part %s failed", part.__name__)
    return context


def greeting_context(request: HttpRequest, prefetched: dict[str, Any]) -> dict[str, Any]:
    now = timezone.now()
    visitor_id = getattr(request, "visitor_id", None)
    user = _user(request)
    greeting = selectors.greeting_for(user=user, visitor_id=visitor_id, now=now, prefetched=prefetched)
    if greeting is not None and request.COOKIES.get(DISMISS_COOKIE) == greeting.dismiss_key:
        greeting = None
    if (
        greeting is not None
        and greeting.benefit_rule_id is not None
        and selectors.greeting_benefit_claimed_today(greeting_id=greeting.greeting_id, user=user, now=now)
    ):
        greeting = dataclasses.replace(greeting, benefit_rule_id=None, benefit_name="", benefit_label="")
    has_benefit = greeting is not None and (greeting.benefit_rule_id is not None or greeting.benefit_held_back)
    if has_benefit and visitor_id is not None:
        try:
            seen_key = f"gx:{greeting.greeting_id}:{visitor_id}:{timezone.localdate(now).isoformat()}"
            if local_memo.has(seen_key):  # this process already checked it: not even a cache round trip
                return {"greeting": greeting}
            local_memo.set(seen_key, True, seconds=3600)
            if not cache.add(seen_key, 1, 24 * 3600):
                return {"greeting": greeting}  # already recorded today: no write on every page view
            services.greeting_exposure_record(
                greeting_id=greeting.greeting_id,
                user=user,
                visitor_id=visitor_id,
                is_control=greeting.benefit_held_back,
                now=now,
            )
        except Exception:
            logger.warning("greeting exposure not recorded", exc_info=True)
    return {"greeting": greeting}


def unread_context(request: HttpRequest, prefetched: dict[str, Any]) -> dict[str, Any]:
    return {
        "feed_unread_count": selectors.feed_unread_count(
            user=_user(request),
            visitor_id=getattr(request, "visitor_id", None),
            now=timezone.now(),
            prefetched=prefetched,
        )
    }


def merge_visitor_on_login(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    visitor_id = getattr(request, "visitor_id", None) if request is not None else None
    if visitor_id is None or user is None:
        return
    try:
        services.visitor_merge(visitor_id=visitor_id, user=user)
    except Exception:
        logger.exception("could not merge visitor %s into user %s", visitor_id, user.pk)


def nudge_rules_changed(sender: Any, **kwargs: Any) -> None:
    services.rules_invalidate()


def greetings_changed(sender: Any, **kwargs: Any) -> None:
    services.greetings_invalidate()


def feed_item_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.unread_count_forget(user_id=instance.user_id, visitor_id=instance.visitor_id)


def visitor_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.visitor_previous_seen_forget(instance.pk)


def order_paid_received(sender: Any, order: Any = None, **kwargs: Any) -> None:
    if order is not None:
        services.order_paid_record(order=order)


def subscription_reminder_received(sender: Any, subscription: Any = None, **kwargs: Any) -> None:
    if subscription is None or getattr(subscription, "user_id", None) is None:
        return
    from feed.models import FeedItem

    product = getattr(subscription, "product", None)
    name = getattr(product, "name", "") if product is not None else ""
    services.feed_item_create(
        kind=FeedItem.Kind.SUBSCRIPTION_REMINDER,
        user=subscription.user,
        message_code=messages.SUBSCRIPTION_SOON if name else messages.SUBSCRIPTION_SOON_UNNAMED,
        message_params={"name": name} if name else {},
        link="/my/subscriptions/",
        toast=True,
    )


def social_proof_panel(request: HttpRequest, product: Any) -> str:
    proof = selectors.social_proof_for(product_id=product.pk, now=timezone.now())
    if not proof.viewers and proof.ordered_minutes_ago is None:
        return ""
    return render_to_string("feed/partials/_social_proof.html", {"proof": proof})  # nothing of the shell in it


def connect_shop() -> None:
    try:
        from shop import signals
    except ImportError:  # shop's signals module not there yet
        return
    signals.order_paid.connect(order_paid_received, dispatch_uid="feed.order_paid")
    # A greeting shows its benefit's name and state, so an edited coupon rule refreshes the greeting cache.
    post_save.connect(greetings_changed, sender="shop.CouponRule", dispatch_uid="feed.benefit_saved")
    reminder = getattr(signals, "subscription_reminder_due", None)
    if reminder is not None:
        reminder.connect(subscription_reminder_received, dispatch_uid="feed.subscription_reminder")
    try:
        from shop.hooks import register_product_panel
    except ImportError:
        return
    register_product_panel(social_proof_panel)


def track_context(request: HttpRequest) -> dict[str, Any]:
    """What the tracking script should report for this page: category/product/store ids and the page kind.

    The ids come from shop (cached under its catalog version), so catalog templates need no tracking markup."""
    match = getattr(request, "resolver_match", None)
    track: dict[str, Any] = {"page": "", "category": "", "product": "", "store": ""}
    if match is None or match.namespace != "shop":
        return {"feed_track": track}
    from shop.selectors.catalog import page_tracking_ids

    track["page"] = match.url_name or ""
    track.update(page_tracking_ids(url_name=match.url_name or "", kwargs=match.kwargs))
    return {"feed_track": track}
