"""The feed reminder for household essentials that run out: "세제 떨어질 때 됐죠?" with a one-tap 다시 담기."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from accounts.models import User
from crm.feed_messages import ESSENTIAL_DUE, ESSENTIAL_OVERDUE
from crm.models import HouseholdEssential, SegmentationRun
from feed.models import FeedItem
from feed.services import feed_item_create

logger = logging.getLogger(__name__)
Status = HouseholdEssential.Status

REMIND_OVERDUE_MAX_DAYS = 14  # past this the household surely bought it elsewhere: no reminder any more
REMIND_BATCH = 500  # due rows per reminder transaction
REMIND_HOURS = (8, 21)  # Seoul hours in which the reminder task sends (quiet at night even though not an ad)


def _reminder_message(row: HouseholdEssential) -> tuple[str, dict[str, str]]:
    """The reminder's message code and params (rendered in each reader's language by feed)."""
    code = ESSENTIAL_OVERDUE if row.status == Status.OVERDUE else ESSENTIAL_DUE
    return code, {"category": row.category.name, "date": row.last_bought_on.strftime("%Y.%m.%d")}


def essentials_remind_due(*, run: SegmentationRun, today: date) -> int:
    """Send one feed item per household member per due or overdue essential of `run`. Returns items created.

    A service reminder about the customer's own purchases, not an advertisement: no marketing consent is needed
    and it is not marked (광고) (the task still sends only in daytime). Kind MD_MESSAGE: the shop's MD speaks, and
    "정기배송 알림" would be wrong for customers without a subscription. The link is the category's 다시 담기 page
    (a GET shows what would be added; only its POST button changes the cart).

    Once per household, category and due date: rows already reminded (reminded_on, carried across recomputes)
    and due dates reminded in any other run are skipped; essentials overdue for more than
    REMIND_OVERDUE_MAX_DAYS are left alone (bought elsewhere by now). Works in transactions of REMIND_BATCH rows
    (memory and lock time bounded; a crash keeps what was sent and the retry continues). Each batch locks its rows
    (pk order), so a concurrent second call waits and then finds them reminded; a batch's feed rows and marks
    commit together, and their live pushes go out after that commit.
    """
    sent = total_rows = 0
    while True:
        rows, items = _remind_batch(run=run, today=today)
        sent += items
        total_rows += rows
        if rows < REMIND_BATCH:
            break
    logger.info("essentials reminders: %d feed items for %d due essentials (run %s)", sent, total_rows, run.pk)
    return sent


def _remind_batch(*, run: SegmentationRun, today: date) -> tuple[int, int]:
    """Up to REMIND_BATCH due rows in one transaction: (rows handled, feed items created)."""
    reminded_elsewhere = HouseholdEssential.objects.filter(
        reminded_on__isnull=False, category_id=OuterRef("category_id"), due_on=OuterRef("due_on")
    ).filter(Q(household_id=OuterRef("household_id")) | Q(user_id=OuterRef("user_id")))
    with transaction.atomic():
        rows = list(
            HouseholdEssential.objects.filter(
                run=run,
                status__in=[Status.DUE, Status.OVERDUE],
                reminded_on__isnull=True,
                due_on__isnull=False,
                due_on__gte=today - timedelta(days=REMIND_OVERDUE_MAX_DAYS),
            )
            .exclude(Exists(reminded_elsewhere))
            .select_related("category")
            .order_by("pk")
            .select_for_update(of=("self",))[:REMIND_BATCH]
        )
        if not rows:
            return 0, 0
        household_ids = {row.household_id for row in rows if row.household_id is not None}
        solo_ids = {row.user_id for row in rows if row.user_id is not None}
        members = User.objects.filter(Q(household_id__in=household_ids) | Q(pk__in=solo_ids), is_active=True)
        by_household: dict[int, list[User]] = {}
        by_user: dict[int, User] = {}
        for member in members.order_by("pk"):
            by_user[member.pk] = member
            if member.household_id is not None:
                by_household.setdefault(member.household_id, []).append(member)
        sent = 0
        for row in rows:
            if row.household_id is not None:
                recipients = by_household.get(row.household_id, [])
            else:
                recipients = [by_user[row.user_id]] if row.user_id in by_user else []
            code, params = _reminder_message(row)
            link = reverse("shop:category_reorder", kwargs={"category_id": row.category_id})
            for member in recipients:
                feed_item_create(
                    kind=FeedItem.Kind.MD_MESSAGE,
                    user=member,
                    message_code=code,
                    message_params=params,
                    link=link,
                    toast=True,
                )
                sent += 1
        HouseholdEssential.objects.filter(pk__in=[row.pk for row in rows]).update(reminded_on=today)
    return len(rows), sent
