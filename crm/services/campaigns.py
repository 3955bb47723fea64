"""Campaigns: a team's feed message to one of its segments, delivered by Celery in batches against a control group.

Flow: `campaign_create` (role check; scheduled for now or later) -> `campaign_launch` (claims the scheduled
campaign, draws the audience from the segment's current memberships and assigns the control group at random, all
recorded in one INSERT ... SELECT) -> one `campaign_batch_deliver` per range of recipient ids (Celery tasks) ->
the last batch marks the campaign sent. Beat launches scheduled campaigns when their time comes
(`campaigns_launch_due`).

Exactly once: a recipient row is unique per (campaign, customer), and a batch claims its rows with a conditional
UPDATE (`decided_at IS NULL`) inside the same transaction that writes the feed items, so a retried, duplicated or
concurrent batch finds nothing left to send and sends nothing twice; a batch that fails rolls back its claim too.
Delivery follows feed's rules (marketing consent, the 21:00-08:00 night rule, the daily cap) through
feed.services.bulk, for the control group as well: a held-out customer is one who would have received it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.errors import DomainError
from crm.models import Campaign, CampaignRecipient, Segment, SegmentMembership
from crm.selectors.access import LAUNCH_CAMPAIGNS, Seat
from crm.selectors.runs import current_run_id
from feed.models import FeedItem
from feed.services.bulk import BulkMessage, feed_items_create_bulk, promotional_blocks

CAMPAIGN_NOT_ALLOWED = gettext_noop("캠페인은 MD 리더와 마케터만 보낼 수 있어요.")
CAMPAIGN_SEGMENT_UNKNOWN = gettext_noop("우리 팀의 세그먼트를 골라 주세요.")
CAMPAIGN_TITLE_REQUIRED = gettext_noop("제목을 적어 주세요.")
CAMPAIGN_BODY_REQUIRED = gettext_noop("메시지를 적어 주세요.")
CAMPAIGN_SCHEDULE_PAST = gettext_noop("보낼 때는 지금이나 나중으로 정해 주세요.")
CAMPAIGN_INVALID = gettext_noop("캠페인 내용을 다시 확인해 주세요: {detail}")
CAMPAIGN_NOT_CANCELLABLE = gettext_noop("예약된 캠페인만 취소할 수 있어요.")

ITEM_LIFETIME = timedelta(days=7)
SCHEDULE_GRACE = timedelta(minutes=5)  # a form filled in a few minutes ago may say "now" in the past


def batch_size() -> int:
    return int(getattr(settings, "CRM_CAMPAIGN_BATCH", 5000))


def _validation_message(exc: ValidationError) -> str:
    parts = [str(message) for messages in exc.message_dict.values() for message in messages]
    return _(CAMPAIGN_INVALID).format(detail=" ".join(parts))


def campaign_create(
    *,
    seat: Seat,
    segment_id: int,
    title: str,
    body: str,
    link: str = "",
    coupon_rule_id: int | None = None,
    is_promotional: bool = True,
    control_percent: int = 10,
    scheduled_at: datetime | None = None,
    now: datetime | None = None,
) -> Campaign:
    """Make a campaign of the seat's team; without `scheduled_at` (or with a time already come) it launches right
    after the commit. Raises DomainError when the seat's role may not launch campaigns (403), the segment is not
    the team's, or a field is invalid. Queues `campaign_launch_task` after commit for an immediate campaign."""
    now = now or timezone.now()
    if not seat.can(LAUNCH_CAMPAIGNS):
        raise DomainError(_(CAMPAIGN_NOT_ALLOWED), code="not_allowed", http_status=403)
    segment = Segment.objects.filter(pk=segment_id, team=seat.team, is_active=True).first()
    if segment is None:
        raise DomainError(_(CAMPAIGN_SEGMENT_UNKNOWN), code="segment")
    if not (title or "").strip():
        raise DomainError(_(CAMPAIGN_TITLE_REQUIRED), code="title")
    if not (body or "").strip():
        raise DomainError(_(CAMPAIGN_BODY_REQUIRED), code="body")
    if scheduled_at is not None and scheduled_at < now - SCHEDULE_GRACE:
        raise DomainError(_(CAMPAIGN_SCHEDULE_PAST), code="scheduled_at")
    campaign = Campaign(
        team=seat.team,
        segment=segment,
        title=title.strip(),
        body=body.strip(),
        link=(link or "").strip(),
        coupon_rule_id=coupon_rule_id,
        is_promotional=is_promotional,
        control_percent=control_percent,
        scheduled_at=max(scheduled_at or now, now),
        created_by=seat.user,
        created_at=now,
    )
    try:
        campaign.full_clean(exclude=["team", "segment", "created_by"])
    except ValidationError as exc:
        raise DomainError(_validation_message(exc), code="invalid") from exc
    with transaction.atomic():
        campaign.save()
        if campaign.scheduled_at <= now:
            transaction.on_commit(partial(_launch_later, campaign_id=campaign.pk))
    return campaign


def _launch_later(*, campaign_id: int) -> None:
    from crm.tasks_campaigns import campaign_launch_task

    campaign_launch_task.delay(campaign_id=campaign_id)


def _deliver_later(*, campaign_id: int, ranges: list[tuple[int, int]]) -> None:
    from crm.tasks_campaigns import campaign_batch_task

    for lo, hi in ranges:
        campaign_batch_task.delay(campaign_id=campaign_id, lo=lo, hi=hi)


def campaign_cancel(*, seat: Seat, campaign: Campaign) -> Campaign:
    """Cancel a campaign that has not started yet. Raises DomainError (403 without the role, 409 once started)."""
    if not seat.can(LAUNCH_CAMPAIGNS) or campaign.team_id != seat.team.pk:
        raise DomainError(_(CAMPAIGN_NOT_ALLOWED), code="not_allowed", http_status=403)
    changed = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SCHEDULED).update(
        status=Campaign.Status.CANCELLED
    )
    if not changed:
        raise DomainError(_(CAMPAIGN_NOT_CANCELLABLE), code="not_cancellable", http_status=409)
    campaign.status = Campaign.Status.CANCELLED
    return campaign


def _recipients_draw(*, campaign: Campaign, run_id: int) -> int:
    """Insert the audience (the segment's members in the run) with the control group drawn at random: exactly
    round(size x control share) customers, the first ones of a random order. One INSERT ... SELECT."""
    members = SegmentMembership.objects.filter(run_id=run_id, segment_id=campaign.segment_id)
    size = members.count()
    control = round(size * campaign.control_percent / 100)
    quote = connection.ops.quote_name
    recipients = CampaignRecipient._meta.db_table
    memberships = SegmentMembership._meta.db_table
    sql = (
        f"INSERT INTO {recipients} (campaign_id, customer_id, {quote('group')}, skipped_reason) "  # noqa: S608 - names from _meta
        "SELECT %s, m.user_id, CASE WHEN ROW_NUMBER() OVER (ORDER BY RANDOM()) <= %s THEN %s ELSE %s END, '' "
        f"FROM {memberships} m WHERE m.run_id = %s AND m.segment_id = %s"
    )
    params: list[int | str | None] = [
        campaign.pk,
        control,
        CampaignRecipient.Group.CONTROL,
        CampaignRecipient.Group.TREATED,
        run_id,
        campaign.segment_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return size


def campaign_launch(*, campaign_id: int, now: datetime | None = None) -> int:
    """Start a scheduled campaign whose time has come: claim it (conditional UPDATE scheduled -> sending, so two
    launches of one campaign start it once), draw its recipients and queue one delivery batch per range of
    `batch_size()` recipient ids after the commit. A campaign whose segment has no members is sent at once.
    Returns the audience size (0 when there was nothing to launch)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(
            pk=campaign_id, status=Campaign.Status.SCHEDULED, scheduled_at__lte=now
        ).update(status=Campaign.Status.SENDING, launched_at=now)
        if not claimed:
            return 0
        campaign = Campaign.objects.get(pk=campaign_id)
        run_id = current_run_id()
        size = _recipients_draw(campaign=campaign, run_id=run_id) if run_id is not None else 0
        Campaign.objects.filter(pk=campaign_id).update(audience_size=size)
        ranges = recipient_ranges(campaign_id=campaign_id)
        if not ranges:
            Campaign.objects.filter(pk=campaign_id).update(status=Campaign.Status.SENT, finished_at=now)
        transaction.on_commit(partial(_deliver_later, campaign_id=campaign_id, ranges=ranges))
    return size


def recipient_ranges(*, campaign_id: int) -> list[tuple[int, int]]:
    """[lo, hi) ranges of recipient ids, `batch_size()` ids wide (the draw inserts them in one statement, so the
    ids are dense and each range holds about a batch)."""
    bounds = CampaignRecipient.objects.filter(campaign_id=campaign_id).aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return []
    step = batch_size()
    return [(lo, min(lo + step, bounds["hi"] + 1)) for lo in range(bounds["lo"], bounds["hi"] + 1, step)]


@dataclass(frozen=True)
class BatchOutcome:
    claimed: int = 0
    delivered: int = 0
    held_out: int = 0
    skipped: int = 0


def campaign_batch_deliver(*, campaign_id: int, lo: int, hi: int, now: datetime | None = None) -> BatchOutcome:
    """Deliver one range [lo, hi) of a sending campaign's recipients, in one transaction:

    1. claim the undecided rows: lock them (PostgreSQL, SKIP LOCKED: a concurrent duplicate of this batch takes
       none of them) and stamp `decided_at` with a conditional UPDATE (`decided_at IS NULL`);
    2. ask feed which customers the rules block now (consent, night, daily cap: treated and control alike);
    3. write the treated, unblocked customers' feed items with one INSERT ... SELECT (feed_items_create_bulk);
    4. record each row's outcome (delivered, held out, skipped with its reason), a few set-based UPDATEs.
    Rows already decided are left alone, so a retried batch delivers nothing twice. After the commit (so that
    the last of several concurrent batches sees all the others' rows), a campaign without undecided rows is
    marked sent (conditional UPDATE). Returns what this call did.
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).first()
        if campaign is None:
            return BatchOutcome()
        pending = CampaignRecipient.objects.filter(
            campaign_id=campaign_id, pk__gte=lo, pk__lt=hi, decided_at__isnull=True
        )
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        rows = list(pending.order_by("pk").values_list("pk", "customer_id", "group"))
        outcome = _claim_and_deliver(campaign=campaign, rows=rows, now=now) if rows else BatchOutcome()
    _finish_if_done(campaign_id=campaign_id, now=now)
    return outcome


def _claim_and_deliver(*, campaign: Campaign, rows: list[tuple[int, int, str]], now: datetime) -> BatchOutcome:
    ids = [pk for pk, _customer, _group in rows]
    stamped = CampaignRecipient.objects.filter(pk__in=ids, decided_at__isnull=True).update(decided_at=now)
    if stamped != len(ids):  # another delivery got some of them first: roll back, the retry sorts it out
        raise DomainError("campaign batch claimed concurrently", code="concurrent_batch", http_status=409)
    blocks = promotional_blocks(user_ids=[c for _pk, c, _g in rows], now=now) if campaign.is_promotional else {}
    treated = [c for _pk, c, group in rows if group == CampaignRecipient.Group.TREATED and c not in blocks]
    made = feed_items_create_bulk(user_ids=treated, message=_message(campaign, now), now=now)
    return _outcomes_record(rows=rows, blocks=blocks, made=made, now=now)


def _message(campaign: Campaign, now: datetime) -> BulkMessage:
    return BulkMessage(
        kind=FeedItem.Kind.CAMPAIGN,
        title=campaign.title,
        body=campaign.body,
        link=campaign.link,
        claimable_rule_id=campaign.coupon_rule_id,
        is_promotional=campaign.is_promotional,
        source=campaign.source,
        expires_at=now + ITEM_LIFETIME,
    )


def _outcomes_record(
    *, rows: list[tuple[int, int, str]], blocks: dict[int, str], made: dict[int, int], now: datetime
) -> BatchOutcome:
    from feed.services.bulk import NO_CONSENT

    delivered: list[int] = []
    skipped: dict[str, list[int]] = {}
    held_out = 0
    for pk, customer_id, group in rows:
        reason = blocks.get(customer_id)
        if reason is None and group == CampaignRecipient.Group.TREATED and customer_id not in made:
            reason = NO_CONSENT  # the consent went away between the check and the insert
        if reason is not None:
            skipped.setdefault(reason, []).append(pk)
        elif group == CampaignRecipient.Group.TREATED:
            delivered.append(pk)
        else:
            held_out += 1
    if delivered:
        CampaignRecipient.objects.filter(pk__in=delivered).update(delivered_at=now)
    for reason, pks in skipped.items():
        CampaignRecipient.objects.filter(pk__in=pks).update(skipped_reason=reason)
    return BatchOutcome(
        claimed=len(rows),
        delivered=len(delivered),
        held_out=held_out,
        skipped=sum(len(pks) for pks in skipped.values()),
    )


def _finish_if_done(*, campaign_id: int, now: datetime) -> bool:
    if CampaignRecipient.objects.filter(campaign_id=campaign_id, decided_at__isnull=True).exists():
        return False
    return bool(
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.SENT, finished_at=now
        )
    )


def campaigns_launch_due(*, now: datetime | None = None) -> list[int]:
    """Beat's entry point: launch every scheduled campaign whose time has come. Returns the launched ids."""
    now = now or timezone.now()
    due = list(
        Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)[:100]
    )
    for campaign_id in due:
        campaign_launch(campaign_id=campaign_id, now=now)
    return due


def campaigns_resume_stalled(*, now: datetime | None = None, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Re-queue the undecided batches of campaigns still sending long after launch (a lost task or a dead worker).
    Safe with the original tasks still running: the batches are idempotent. Returns the batches queued."""
    now = now or timezone.now()
    queued = 0
    stalled = Campaign.objects.filter(status=Campaign.Status.SENDING, launched_at__lt=now - older_than)
    for campaign_id in stalled.values_list("pk", flat=True)[:20]:
        ranges = recipient_ranges(campaign_id=campaign_id)
        _deliver_later(campaign_id=campaign_id, ranges=ranges)
        queued += len(ranges)
    return queued
