"""Feed writes. Other apps (crm campaigns, reminders) call `feed_item_create`; nothing else writes feed rows."""

from feed.services.events import events_parse, events_record, tracking_allowed
from feed.services.greetings import greeting_benefit_claim, greeting_exposure_record, greetings_invalidate
from feed.services.items import (
    feed_item_claim,
    feed_item_click,
    feed_item_create,
    feed_item_mark_read,
    feed_push_item,
    unread_count_forget,
)
from feed.services.nudges import abandoned_carts_check, nudge_fire, rules_invalidate
from feed.services.proof import order_paid_record
from feed.services.visitors import visitor_merge, visitor_previous_seen_forget

__all__ = [
    "abandoned_carts_check",
    "events_parse",
    "events_record",
    "feed_item_claim",
    "feed_item_click",
    "feed_item_create",
    "feed_item_mark_read",
    "feed_push_item",
    "greeting_benefit_claim",
    "greeting_exposure_record",
    "greetings_invalidate",
    "nudge_fire",
    "order_paid_record",
    "rules_invalidate",
    "tracking_allowed",
    "unread_count_forget",
    "visitor_merge",
    "visitor_previous_seen_forget",
]
