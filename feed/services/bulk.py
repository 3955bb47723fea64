"""Feed items for many customers at once (crm campaigns, service notices), under the same delivery rules as nudges.

The rules for a promotional message (정보통신망법 제50조 and our own frequency cap), checked set-based for a batch:
- no marketing consent: not sent ("no_consent");
- 21:00-08:00 Seoul time without night-time consent: not sent ("night");
- the customer already got FEED_NUDGE_DAILY_CAP promotional items today (Seoul day): not sent ("daily_cap").
Non-promotional items (notices) follow none of them.

`feed_items_create_bulk` writes one INSERT ... SELECT per batch (no per-customer save), re-checking consent and the
night rule inside the statement so that a consent withdrawn a moment earlier still wins. The cap is checked from
the same day's rows just before; a nudge fired concurrently for the same customer may take them one over the cap
for that day (nudge_fire serializes on the visitor row, which a batch does not lock).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from feed.messages import message_compose
from feed.models import FeedItem
from feed.services.items import MALL_NAME, render_placeholders, unread_cache_key
from feed.services.nudges import daily_cap, in_quiet_hours

logger = logging.getLogger(__name__)

NO_CONSENT = "no_consent"
NIGHT = "night"
DAILY_CAP = "daily_cap"
BLOCK_REASONS = (NO_CONSENT, NIGHT, DAILY_CAP)


@dataclass(frozen=True)
class BulkMessage:
    """What every recipient of one bulk send gets. People's words (a campaign's copy) come as `title`/`body`, with
    `{nickname}` and `{shop}` filled per customer; a message the system composes comes as `message_code` +
    `message_params` (feed.messages), and each item's params get the customer's `nickname` too."""

    kind: str
    title: str = ""
    body: str = ""
    message_code: str = ""
    message_params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    claimable_rule_id: int | None = None
    is_promotional: bool = False
    source: str = ""
    expires_at: datetime | None = None


def _day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def promotional_blocks(*, user_ids: Iterable[int] | QuerySet, now: datetime) -> dict[int, str]:
    """Why each of these customers may not get a promotional item now (customers who may are absent).

    One query whatever the number of customers: the consents and today's promotional items per customer (counted
    through the (user, created_at) index). `user_ids` may be a values_list queryset (then it runs as a subquery).
    """
    quiet = in_quiet_hours(now)
    cap = daily_cap()
    today = (
        FeedItem.objects.filter(user=OuterRef("pk"), is_promotional=True, created_at__gte=_day_start(now))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .annotate(promos_today=Coalesce(Subquery(today, output_field=IntegerField()), Value(0)))
        .values_list("pk", "marketing_consented_at", "night_marketing_consented_at", "promos_today")
    )
    blocks: dict[int, str] = {}
    for pk, consented_at, night_at, promos_today in rows:
        if consented_at is None:
            blocks[pk] = NO_CONSENT
        elif quiet and night_at is None:
            blocks[pk] = NIGHT
        elif promos_today >= cap:
            blocks[pk] = DAILY_CAP
    return blocks


def feed_items_create_bulk(*, user_ids: list[int], message: BulkMessage, now: datetime) -> dict[int, int]:
    """Create `message` for each customer in `user_ids` with one INSERT ... SELECT; returns {user_id: item_id} of
    the items made. The caller applies `promotional_blocks` first; the statement itself re-checks the consents of
    a promotional message (a customer whose consent is gone by now is simply left out of the result).

    Runs inside the caller's transaction; no live push (a bulk send must not wake a hundred thousand sockets: the
    items appear on the next feed visit and in the unread badge within UNREAD_CACHE_SECONDS).
    """
    if not user_ids:
        return {}
    user_model = get_user_model()
    users = user_model._meta.db_table
    items = FeedItem._meta.db_table
    name_expr = "COALESCE(NULLIF(u.nickname, ''), u.username)"
    if message.message_code:
        title, body = message_compose(
            code=message.message_code,
            params={**message.message_params, "nickname": "{nickname}"},
            title=message.title,
            body=message.body,
        )
    else:
        title = render_placeholders(message.title, {"nickname": "{nickname}", "shop": MALL_NAME})
        body = render_placeholders(message.body, {"nickname": "{nickname}", "shop": MALL_NAME})
    consent = ""
    if message.is_promotional:
        consent = " AND u.marketing_consented_at IS NOT NULL"
        if in_quiet_hours(now):
            consent += " AND u.night_marketing_consented_at IS NOT NULL"
    placeholders = ", ".join(["%s"] * len(user_ids))
    params_expr = _params_sql(nickname_expr=name_expr if message.message_code else None)
    sql = (
        f"INSERT INTO {items} (user_id, kind, title, body, message_code, message_params, link, claimable_rule_id, "  # noqa: S608 - table names from _meta, values bound
        "is_promotional, source, expires_at, created_at) "
        f"SELECT u.id, %s, SUBSTR(REPLACE(%s, '{{nickname}}', {name_expr}), 1, 80), "
        f"SUBSTR(REPLACE(%s, '{{nickname}}', {name_expr}), 1, 400), %s, {params_expr}, %s, %s, %s, %s, %s, %s "
        f"FROM {users} u WHERE u.id IN ({placeholders}){consent} "
        "RETURNING id, user_id"
    )
    params = [
        message.kind,
        title,
        body,
        message.message_code,
        json.dumps(message.message_params),
        message.link,
        message.claimable_rule_id,
        message.is_promotional,
        message.source[:40],
        message.expires_at,
        now,
        *user_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        made = {user_id: item_id for item_id, user_id in cursor.fetchall()}
    _unread_counts_forget(user_ids=list(made))
    return made


def _params_sql(*, nickname_expr: str | None) -> str:
    """The SQL for one item's message params, bound from a JSON text: with the customer's nickname added when
    `nickname_expr` is given (PostgreSQL jsonb, SQLite JSON1)."""
    if connection.vendor == "postgresql":
        params = "CAST(%s AS jsonb)"
        return f"({params} || jsonb_build_object('nickname', {nickname_expr}))" if nickname_expr else params
    return f"json_set(%s, '$.nickname', {nickname_expr})" if nickname_expr else "%s"


def _unread_counts_forget(*, user_ids: list[int]) -> None:
    keys = [key for pk in user_ids if (key := unread_cache_key(user_id=pk, visitor_id=None)) is not None]
    if keys:
        transaction.on_commit(partial(_cache_delete_many, keys))


def _cache_delete_many(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("could not drop the cached unread counts", exc_info=True)
