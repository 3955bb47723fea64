"""The customer 360 page: one customer as the seat's team may see them, read in a fixed number of queries.

The caller checks access first with `customer_for_seat` (404 when None). Contact data is masked unless the seat may
SEE_CONTACT; notes, tags and segments are the seat's team's only. Other apps' rows come through their selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Household, User
from crm.masking import mask_email, mask_phone
from crm.models import CustomerNote, CustomerProfile, CustomerTag, Segment
from crm.selectors.access import SEE_CONTACT, Seat, visible_customer_ids
from crm.selectors.customers import CustomerRow, address_text, customer_row
from crm.selectors.households import HouseholdEssentialsView, household_essentials_view
from feed.selectors import DayActivity, feed_items_received, recent_activity_for_user
from shop.selectors.catalog import categories_by_ids
from shop.selectors.orders import default_addresses_for_users, orders_recent_for_customer

RECENT_ORDERS = 10
RECENT_FEED_ITEMS = 20
RECENT_NOTES = 50
ACTIVITY_DAYS = 30
ACTIVITY_LIMIT = 30


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str
    address: str
    masked: bool


@dataclass(frozen=True)
class OrderSummary:
    order: Any  # shop.models.Order
    store_names: list[str]
    item_count: int


@dataclass(frozen=True)
class FeedItemView:
    item: Any  # feed.models.FeedItem
    is_read: bool
    is_clicked: bool


@dataclass
class Customer360:
    """Everything the customer page and the API summary show, read in a fixed number of queries."""

    customer: User
    household: Household | None
    profile: CustomerProfile | None
    row: CustomerRow | None
    contact: Contact
    top_categories: list[Any]  # shop.models.Category
    orders: list[OrderSummary]
    activity: list[DayActivity]
    feed_items: list[FeedItemView]
    segments: list[Segment]
    notes: list[CustomerNote]
    tags: list[CustomerTag]
    essentials: HouseholdEssentialsView
    age_band_label: str = ""
    gender_label: str = ""


def customer_for_seat(*, seat: Seat, customer_id: int, run_id: int | None) -> User | None:
    """The customer if this seat may open their record, else None (callers answer 404, never 403).

    Admins: any user. Members: only customers of their team's active segments in the current run. One query.
    """
    users = User.objects.select_related("household").filter(pk=customer_id)
    if not seat.is_admin:
        users = users.filter(pk__in=visible_customer_ids(seat=seat, run_id=run_id))
    return users.first()


def _top_categories(profile: CustomerProfile | None) -> list[Any]:
    ids = [int(pk) for pk in (profile.top_category_ids if profile else []) if str(pk).isdigit()]
    if not ids:
        return []
    by_id = categories_by_ids(ids=ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _activity(customer: User, today: date) -> list[DayActivity]:
    """The customer's active days of the last ACTIVITY_DAYS (feed's daily rollups), newest first."""
    return recent_activity_for_user(user=customer, days=ACTIVITY_DAYS, today=today)[:ACTIVITY_LIMIT]


def age_band_label(age_band: int | None) -> str:
    return _("%(band)d대") % {"band": age_band} if age_band else ""


def customer_360(*, seat: Seat, customer: User, run_id: int | None, today: date) -> Customer360:
    """The 360 view of a customer the caller already checked with customer_for_seat.

    Notes and tags are the seat's team's only; segments are the team's segments the customer is in now. A fixed
    number of queries whatever the number of orders, notes, tags or feed items (profile, address, categories,
    orders + lines, feed items, segments, notes, tags, plus feed's activity (2) and the essentials view's (4)).
    """
    profile = CustomerProfile.objects.filter(run_id=run_id, user=customer).first() if run_id is not None else None
    if profile is not None:
        profile.user = customer  # already loaded: no second query when the row is shaped
    show_contact = seat.can(SEE_CONTACT)
    address = default_addresses_for_users(user_ids=[customer.pk]).get(customer.pk)
    contact = Contact(
        phone=customer.phone if show_contact else mask_phone(customer.phone),
        email=customer.email if show_contact else mask_email(customer.email),
        address=address_text(address, show_contact=show_contact),
        masked=not show_contact,
    )
    orders = [
        OrderSummary(
            order=order,
            store_names=list(dict.fromkeys(line.store_name for line in order.lines.all())),
            item_count=sum(line.quantity for line in order.lines.all()),
        )
        for order in orders_recent_for_customer(user=customer, limit=RECENT_ORDERS)
    ]
    feed_items = [
        FeedItemView(
            item=item,
            is_read=item.read_at is not None,
            is_clicked=bool(item.exposure_id and item.exposure and item.exposure.clicked_at),
        )
        for item in feed_items_received(user=customer, limit=RECENT_FEED_ITEMS)
    ]
    segments = (
        list(
            Segment.objects.filter(
                team=seat.team,
                is_active=True,
                memberships__run_id=run_id,
                memberships__user=customer,
            ).order_by("name", "pk")
        )
        if run_id is not None
        else []
    )
    notes = list(
        CustomerNote.objects.filter(team=seat.team, customer=customer)
        .select_related("author")
        .order_by("-created_at", "-pk")[:RECENT_NOTES]
    )
    tags = list(CustomerTag.objects.filter(team=seat.team, customer=customer).order_by("label", "pk"))
    gender_code = customer.gender or (profile.gender if profile else "")
    gender = User.Gender(gender_code).label if gender_code in User.Gender.values else ""
    return Customer360(
        customer=customer,
        household=customer.household,
        profile=profile,
        row=customer_row(profile, show_contact=show_contact) if profile else None,
        contact=contact,
        top_categories=_top_categories(profile),
        orders=orders,
        activity=_activity(customer, today),
        feed_items=feed_items,
        segments=segments,
        notes=notes,
        tags=tags,
        essentials=household_essentials_view(run_id=run_id, customer=customer, today=today),
        age_band_label=age_band_label(profile.age_band if profile else None),
        gender_label=str(gender),
    )
