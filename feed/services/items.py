"""Feed items: create, push live, mark read, claim the coupon, follow the link (with measurement)."""

import logging
import re
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from config.errors import DomainError
from feed.messages import message_compose, message_text
from feed.models import Exposure, FeedItem

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"\{(\w{1,30})\}")
MALL_NAME = "동네가게"
MALL_PHONE = "1588-0000"

UNREAD_CACHE_SECONDS = 60  # bounds how long a write the signals miss can leave the header badge wrong

FEED_ITEM_NOT_FOUND = "찾을 수 없는 소식이에요."
FEED_ITEM_EXPIRED = "기간이 지난 소식이에요."
FEED_ITEM_NOTHING_TO_CLAIM = "받을 쿠폰이 없어요."
FEED_ITEM_LOGIN_TO_CLAIM = "로그인하면 쿠폰을 바로 받을 수 있어요."


def unread_cache_key(*, user_id: int | None, visitor_id: UUID | None) -> str | None:
    """The header badge's cached count: per customer when logged in, else per visitor cookie."""
    if user_id is not None:
        return f"feed:unread:u{user_id}"
    if visitor_id is not None:
        return f"feed:unread:v{visitor_id}"
    return None


def unread_count_forget(*, user_id: int | None = None, visitor_id: UUID | None = None) -> None:
    """Drop the cached badge counts of this recipient, now and again when the transaction commits."""
    keys = [
        key
        for key in (
            unread_cache_key(user_id=user_id, visitor_id=None),
            unread_cache_key(user_id=None, visitor_id=visitor_id),
        )
        if key
    ]
    if not keys:
        return

    def drop() -> None:
        try:
            cache.delete_many(keys)
        except Exception:
            logger.warning("could not drop the cached unread counts", exc_info=True)

    drop()
    transaction.on_commit(drop)


def render_placeholders(template: str, values: dict[str, Any]) -> str:
    """Fill {name} placeholders with the given values. Unknown names become empty; never raises.

    Returns plain text (callers escape it on output, or use render_placeholders_html).
    """
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)


def render_placeholders_html(template: str, values: dict[str, Any]) -> str:
    """Escape the template and each value, then fill the placeholders: safe to mark_safe."""
    return PLACEHOLDER.sub(lambda m: escape(str(values.get(m.group(1), ""))), escape(template))


def render_message(template: str, *, user: Any) -> str:
    nickname = (user.display_name if user is not None else "") or _("고객")
    return render_placeholders(template, {"nickname": nickname, "shop": MALL_NAME})


def group_for(*, user_id: int | None, visitor_id: UUID | str | None) -> str | None:
    """The one channel group a recipient listens on: the user's when logged in, else the browser's."""
    if user_id is not None:
        return f"feed.user.{user_id}"
    if visitor_id:
        return f"feed.visitor.{visitor_id}"
    return None


def item_payload(item: FeedItem) -> dict[str, Any]:
    """A JSON-safe description of a feed item for the live socket, its texts in the active language. It carries the
    message code and params too, so that each socket re-renders the texts in its own reader's language
    (payload_localize) whatever language the request that made the item spoke."""
    coupon_label = ""
    if item.coupon_id is not None and item.coupon is not None:
        coupon_label = item.coupon.rule.discount_label
    elif item.claimable_rule_id is not None and item.claimable_rule is not None:
        coupon_label = item.claimable_rule.discount_label
    payload = {
        "type": "feed.item",
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "message_code": item.message_code,
        "message_params": item.message_params,
        "link": item.link,
        "coupon": coupon_label,
        "coupon_issued": item.coupon_id is not None,
        "promotional": item.is_promotional,
        "created_at": item.created_at.isoformat(),
    }
    return payload_localize(payload)


def payload_localize(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy of an item payload with its texts (title, body, coupon line, ad lines) in the active language. The
    title and body of a payload without a known message code stay as they are (people's words). No query."""
    code, params = payload.get("message_code", ""), payload.get("message_params") or {}
    localized = dict(payload)
    localized["title"] = message_text(code=code, params=params, part="title", fallback=payload["title"])
    localized["body"] = message_text(code=code, params=params, part="body", fallback=payload["body"])
    coupon_text = ""
    if payload["coupon"]:
        coupon_text = (
            _("%(label)s 쿠폰을 쿠폰함에 넣어 드렸어요")
            if payload["coupon_issued"]
            else _("%(label)s 쿠폰을 받을 수 있어요")
        ) % {"label": payload["coupon"]}
    localized["coupon_text"] = coupon_text
    promotional = payload["promotional"]
    localized["ad_label"] = _("(광고)") if promotional else ""
    # 정보통신망법 제50조: who sends it and how to reach them; the one-tap opt-out is on the feed the toast opens.
    localized["ad_sender"] = (
        _("%(mall)s · 고객센터 %(phone)s") % {"mall": MALL_NAME, "phone": MALL_PHONE} if promotional else ""
    )
    return localized


def channel_send(*, group: str, payload: dict[str, Any]) -> None:
    """Send one payload to one group. Call only from transaction.on_commit; a dropped message is fine
    (the page re-fetches the partial on reconnect), so errors are logged, never raised."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "feed.push", "payload": payload})
    except Exception:
        logger.warning("live push to %s failed", group, exc_info=True)


def item_push_on_commit(item: FeedItem, *, toast: bool) -> None:
    """Queue the live push of a freshly created item for after the commit. The payload is built now, from
    the objects in hand (bound at call time, so no re-read and no late binding)."""
    group = group_for(user_id=item.user_id, visitor_id=item.visitor_id)
    if group is None:
        return
    payload = item_payload(item)
    payload["toast"] = toast
    transaction.on_commit(partial(channel_send, group=group, payload=payload))


# The FK targets of a new item come from objects the service already holds; validating them again would cost
# one query each on the hot path, so full_clean skips exactly those.
TRUSTED_FKS = ["user", "coupon", "claimable_rule", "exposure"]


def feed_push_item(*, item_id: int, toast: bool = False) -> None:
    item = FeedItem.objects.select_related("coupon__rule", "claimable_rule").filter(pk=item_id).first()
    if item is None:
        return
    group = group_for(user_id=item.user_id, visitor_id=item.visitor_id)
    if group is None:
        return
    payload = item_payload(item)
    payload["toast"] = toast
    channel_send(group=group, payload=payload)


def feed_item_create(
    *,
    kind: str,
    title: str = "",
    body: str = "",
    message_code: str = "",
    message_params: dict[str, Any] | None = None,
    link: str = "",
    user: Any = None,
    visitor_id: UUID | None = None,
    coupon: Any = None,
    claimable_rule: Any = None,
    is_promotional: bool = False,
    expires_at: datetime | None = None,
    toast: bool = False,
) -> FeedItem:
    """Create one feed item for one recipient and push it after commit (crm campaigns, reminders, MD notes).

    Text the system composes comes as `message_code` + `message_params` (feed.messages), rendered in each reader's
    language; `title`/`body` are people's words (shown as written), or the parts a coded message leaves to them.
    Raises ValueError for an unregistered code and KeyError for a param its texts need.
    """
    params = dict(message_params or {})
    if message_code:
        title, body = message_compose(code=message_code, params=params, title=title, body=body)
    with transaction.atomic():
        item = FeedItem(
            user=user,
            visitor_id=visitor_id,
            kind=kind,
            title=title[:80],
            body=body[:400],
            message_code=message_code,
            message_params=params,
            link=link,
            coupon=coupon,
            claimable_rule=claimable_rule,
            is_promotional=is_promotional,
            expires_at=expires_at,
            created_at=timezone.now(),
        )
        item.full_clean(exclude=TRUSTED_FKS)
        item.save()
        item_push_on_commit(item, toast=toast)
    return item


def _owned(*, item_id: int, user: Any, visitor_id: UUID | None):
    qs = FeedItem.objects.filter(pk=item_id)
    if user is not None:
        return qs.filter(user=user)
    if visitor_id is None:
        return qs.none()
    return qs.filter(user__isnull=True, visitor_id=visitor_id)


def feed_item_mark_read(*, item_id: int, user: Any, visitor_id: UUID | None, now: datetime) -> int:
    """Mark one item (or, with item_id=0, all of the recipient's items) read. Returns rows changed."""
    if item_id:
        qs = _owned(item_id=item_id, user=user, visitor_id=visitor_id)
    elif user is not None:
        qs = FeedItem.objects.filter(user=user)
    else:
        qs = FeedItem.objects.filter(user__isnull=True, visitor_id=visitor_id)
    changed = qs.filter(read_at__isnull=True).update(read_at=now)
    unread_count_forget(user_id=user.pk if user is not None else None, visitor_id=visitor_id)
    return changed


def feed_item_seen(*, item_id: int, user: Any, visitor_id: UUID | None, now: datetime) -> int:
    """Measurement: the live toast for one of the recipient's own items was on screen."""
    owned = _owned(item_id=item_id, user=user, visitor_id=visitor_id).values_list("pk", flat=True)
    return feed_items_mark_shown(item_ids=list(owned), now=now)


def feed_items_mark_shown(*, item_ids: list[int], now: datetime) -> int:
    """Measurement: the recipient saw these items (feed page or toast). Only the first time counts, on the item
    (items sent in bulk are measured there) and on its nudge exposure. Returns exposures changed."""
    if not item_ids:
        return 0
    FeedItem.objects.filter(pk__in=item_ids, shown_at__isnull=True).update(shown_at=now)
    exposure_ids = FeedItem.objects.filter(pk__in=item_ids, exposure__isnull=False).values("exposure_id")
    return Exposure.objects.filter(pk__in=exposure_ids, shown_at__isnull=True).update(shown_at=now)


def feed_item_click(*, item_id: int, user: Any, visitor_id: UUID | None, now: datetime) -> FeedItem:
    item = _owned(item_id=item_id, user=user, visitor_id=visitor_id).first()
    if item is None:
        raise DomainError(_(FEED_ITEM_NOT_FOUND), code="not_found", http_status=404)
    FeedItem.objects.filter(pk=item.pk).update(read_at=Coalesce("read_at", now), clicked_at=Coalesce("clicked_at", now))
    unread_count_forget(user_id=item.user_id, visitor_id=item.visitor_id)
    if item.exposure_id:
        Exposure.objects.filter(pk=item.exposure_id, clicked_at__isnull=True).update(clicked_at=now)
    return item


def feed_item_claim(*, item_id: int, user: Any, visitor_id: UUID | None, now: datetime) -> FeedItem:
    """Issue the item's claimable coupon to the (logged-in) user, once. Locks the item row.

    Raises DomainError when there is nothing to claim, the item expired, or the coupon rule says no.
    """
    from shop.models import IssuedCoupon
    from shop.services.coupons import coupon_issue

    if user is None:
        raise DomainError(_(FEED_ITEM_LOGIN_TO_CLAIM), code="login_required", http_status=403)
    with transaction.atomic(durable=True):
        item = (
            _owned(item_id=item_id, user=user, visitor_id=visitor_id)
            .select_for_update(of=("self",))
            .select_related("claimable_rule")
            .first()
        )
        if item is None:
            raise DomainError(_(FEED_ITEM_NOT_FOUND), code="not_found", http_status=404)
        if item.expires_at is not None and item.expires_at <= now:
            raise DomainError(_(FEED_ITEM_EXPIRED), code="expired", http_status=409)
        if item.coupon_id is not None or item.claimable_rule is None:
            raise DomainError(_(FEED_ITEM_NOTHING_TO_CLAIM), code="nothing_to_claim", http_status=409)
        source = IssuedCoupon.Source.NUDGE if item.kind == FeedItem.Kind.NUDGE else IssuedCoupon.Source.CAMPAIGN
        if item.kind == FeedItem.Kind.GREETING:
            source = IssuedCoupon.Source.GREETING
        issued = coupon_issue(
            rule=item.claimable_rule, user=user, source=source, source_ref=item.source or f"feed:{item.pk}"
        )
        FeedItem.objects.filter(pk=item.pk).update(coupon=issued, read_at=item.read_at or now)
        unread_count_forget(user_id=item.user_id, visitor_id=item.visitor_id)
        if item.exposure_id:
            Exposure.objects.filter(pk=item.exposure_id, claimed_at__isnull=True).update(claimed_at=now, user=user)
        item.coupon = issued
    return item


def feed_item_default_expiry(now: datetime) -> datetime:
    return now + timedelta(days=7)
