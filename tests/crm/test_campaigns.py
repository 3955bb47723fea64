"""Campaigns: who may launch, the random control group recorded at launch, exactly-once batch delivery under the
consent, night and daily-cap rules, scheduled launches by beat, and the results with uplift against control."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db.models import Count

from config.errors import DomainError
from crm.models import Campaign, CampaignRecipient, TeamMember
from crm.selectors.access import seat_for
from crm.selectors.campaigns import campaign_results, campaign_summaries, uplift_compute
from crm.services.campaigns import (
    CAMPAIGN_NOT_ALLOWED,
    campaign_batch_deliver,
    campaign_create,
    campaign_launch,
    campaigns_launch_due,
    recipient_ranges,
)
from feed.models import FeedItem
from feed.services.bulk import DAILY_CAP, NIGHT, NO_CONSENT
from tests.crm.campaign_helpers import audience, campaign_for
from tests.crm.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
AFTERNOON = datetime(2026, 11, 24, 14, 0, tzinfo=SEOUL)
NIGHT_TIME = datetime(2026, 11, 24, 22, 30, tzinfo=SEOUL)
Group = CampaignRecipient.Group


def _items(campaign: Campaign):
    return FeedItem.objects.filter(source=campaign.source)


def _launch(aud, *, now=AFTERNOON, capture=None, **fields) -> Campaign:
    with time_machine.travel(now, tick=False):
        if capture is None:
            return campaign_for(aud, **fields)
        with capture(execute=True):
            return campaign_for(aud, **fields)


def test_campaign_to_1000_customers_holds_out_exactly_10_percent_and_delivers_each_treated_customer_once(
    django_capture_on_commit_callbacks,
):
    aud = audience(size=1000)
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks)
    campaign.refresh_from_db()
    groups = dict(CampaignRecipient.objects.filter(campaign=campaign).values_list("group").annotate(n=Count("pk")))
    assert groups == {Group.TREATED: 900, Group.CONTROL: 100}
    treated = set(
        CampaignRecipient.objects.filter(campaign=campaign, group=Group.TREATED).values_list("customer_id", flat=True)
    )
    assert set(_items(campaign).values_list("user_id", flat=True)) == treated
    assert _items(campaign).count() == 900
    assert campaign.status == Campaign.Status.SENT
    assert campaign.audience_size == 1000

    with time_machine.travel(AFTERNOON + timedelta(minutes=1), tick=False):
        for lo, hi in recipient_ranges(campaign_id=campaign.pk):  # every batch retried, as a redelivered task would
            assert campaign_batch_deliver(campaign_id=campaign.pk, lo=lo, hi=hi).delivered == 0
    assert _items(campaign).count() == 900


def test_campaign_batch_retried_after_a_partial_run_sends_the_rest_and_nothing_twice(
    settings, django_capture_on_commit_callbacks
):
    settings.CRM_CAMPAIGN_BATCH = 100
    aud = audience(size=300)
    campaign = _launch(aud)  # on_commit callbacks are not run: neither the launch nor any batch has happened
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert campaign_launch(campaign_id=campaign.pk, now=AFTERNOON) == 300
    assert len(queued) == 1  # the batches, queued after the commit, are left for the test to run by hand
    ranges = recipient_ranges(campaign_id=campaign.pk)
    assert len(ranges) == 3
    with time_machine.travel(AFTERNOON, tick=False):
        first = campaign_batch_deliver(campaign_id=campaign.pk, lo=ranges[0][0], hi=ranges[0][1])
        again = campaign_batch_deliver(campaign_id=campaign.pk, lo=ranges[0][0], hi=ranges[0][1])
        for lo, hi in ranges:
            campaign_batch_deliver(campaign_id=campaign.pk, lo=lo, hi=hi)
    treated = CampaignRecipient.objects.filter(campaign=campaign, group=Group.TREATED).count()
    assert first.claimed == 100
    assert again.claimed == 0
    assert _items(campaign).count() == treated
    assert _items(campaign).values("user_id").distinct().count() == treated
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_campaign_skips_customers_without_marketing_consent_in_both_groups(django_capture_on_commit_callbacks):
    aud = audience(size=50, consent=False)
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks)
    reasons = set(CampaignRecipient.objects.filter(campaign=campaign).values_list("skipped_reason", flat=True))
    assert reasons == {NO_CONSENT}
    assert not _items(campaign).exists()


def test_campaign_at_night_reaches_only_customers_with_night_consent(django_capture_on_commit_callbacks):
    day_only = audience(size=40, prefix="day")
    night_ok = audience(size=40, night=True, prefix="nite", team=day_only.team, run=day_only.run)
    campaign = _launch(day_only, now=NIGHT_TIME, capture=django_capture_on_commit_callbacks)
    also = _launch(night_ok, now=NIGHT_TIME, capture=django_capture_on_commit_callbacks)
    assert not _items(campaign).exists()
    assert set(CampaignRecipient.objects.filter(campaign=campaign).values_list("skipped_reason", flat=True)) == {NIGHT}
    assert _items(also).count() == CampaignRecipient.objects.filter(campaign=also, group=Group.TREATED).count() == 36


def test_campaign_respects_the_daily_cap_of_promotional_items(settings, django_capture_on_commit_callbacks):
    settings.FEED_NUDGE_DAILY_CAP = 1
    aud = audience(size=20)
    first = _launch(aud, capture=django_capture_on_commit_callbacks, control_percent=0)
    second = _launch(aud, capture=django_capture_on_commit_callbacks, control_percent=0, title="또 보내요")
    assert _items(first).count() == 20
    assert not _items(second).exists()
    assert set(CampaignRecipient.objects.filter(campaign=second).values_list("skipped_reason", flat=True)) == {
        DAILY_CAP
    }


def test_campaign_message_fills_the_nickname_and_carries_the_coupon_to_claim(django_capture_on_commit_callbacks):
    from tests.shop.factories import CouponRuleFactory

    aud = audience(size=3)
    rule = CouponRuleFactory()
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks, control_percent=0, coupon_rule_id=rule.pk)
    item = _items(campaign).get(user=aud.users[0])
    assert item.body == "고객0님, 세제 떨어질 때 됐죠?"
    assert item.title == "이번 주 세제 할인"  # the page puts "(광고)" in front of it
    assert item.is_promotional
    assert item.kind == FeedItem.Kind.CAMPAIGN
    assert item.claimable_rule_id == rule.pk


@pytest.mark.parametrize("role", [TeamMember.Role.CS, TeamMember.Role.ANALYST, TeamMember.Role.PLANNER])
def test_campaign_create_by_a_role_without_launch_rights_is_refused(role):
    aud = audience(size=2)
    member = TeamMemberFactory(team=aud.team, role=role).user
    with pytest.raises(DomainError) as refused:
        campaign_create(seat=seat_for(user=member, team=aud.team), segment_id=aud.segment.pk, title="t", body="b")
    assert refused.value.message == CAMPAIGN_NOT_ALLOWED
    assert refused.value.http_status == 403
    assert not Campaign.objects.exists()


def test_campaign_create_with_another_teams_segment_is_refused():
    ours = audience(size=1, prefix="ours")
    theirs = audience(size=1, prefix="theirs")
    with pytest.raises(DomainError):
        campaign_create(
            seat=seat_for(user=ours.lead, team=ours.team), segment_id=theirs.segment.pk, title="t", body="b"
        )


def test_scheduled_campaign_waits_for_its_time_and_beat_launches_it_once(django_capture_on_commit_callbacks):
    aud = audience(size=10)
    later = AFTERNOON + timedelta(hours=2)
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks, scheduled_at=later)
    with time_machine.travel(AFTERNOON + timedelta(hours=1), tick=False):
        assert campaigns_launch_due() == []
    assert not CampaignRecipient.objects.filter(campaign=campaign).exists()
    with (
        time_machine.travel(later + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert campaigns_launch_due() == [campaign.pk]
        assert campaigns_launch_due() == []
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert _items(campaign).count() == 9


def test_uplift_is_the_difference_of_proportions_with_a_normal_95_percent_interval():
    uplift = uplift_compute(treated_n=900, treated_converted=90, control_n=100, control_converted=5)
    se = (0.1 * 0.9 / 900 + 0.05 * 0.95 / 100) ** 0.5
    assert uplift.difference == pytest.approx(0.05)
    assert uplift.low == pytest.approx(0.05 - 1.96 * se)
    assert uplift.high == pytest.approx(0.05 + 1.96 * se)
    assert uplift_compute(treated_n=10, treated_converted=1, control_n=0, control_converted=0) is None


def test_campaign_results_count_orders_within_the_window_and_compute_uplift(django_capture_on_commit_callbacks):
    """Hand-made orders: 4 of 8 treated and 1 of 2 control buyers within the window; one order before the campaign
    and one after the window do not count; a cancelled order does not count."""
    from shop.models import Order
    from tests.crm.factories import bought_orders

    aud = audience(size=10)
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks, control_percent=20)
    treated = list(CampaignRecipient.objects.filter(campaign=campaign, group=Group.TREATED).order_by("pk"))
    control = list(CampaignRecipient.objects.filter(campaign=campaign, group=Group.CONTROL).order_by("pk"))
    later = AFTERNOON + timedelta(days=2)
    for recipient in treated[:4]:
        bought_orders(user=recipient.customer, days_ago=[0], total=20_000, now=later)
    bought_orders(user=control[0].customer, days_ago=[0], total=15_000, now=later)
    bought_orders(user=treated[5].customer, days_ago=[1], total=9_000, now=AFTERNOON)  # before the campaign
    bought_orders(user=treated[6].customer, days_ago=[0], total=9_000, now=AFTERNOON + timedelta(days=8))
    bought_orders(user=treated[7].customer, days_ago=[0], total=9_000, now=later, status=Order.Status.CANCELLED)

    results = campaign_results(campaign)

    assert (results.delivered, results.held_out) == (8, 2)
    assert (results.treated_converted, results.control_converted) == (4, 1)
    assert (results.revenue, results.control_revenue) == (80_000, 15_000)
    assert results.uplift.difference == pytest.approx(0.5 - 0.5)
    expected = uplift_compute(treated_n=8, treated_converted=4, control_n=2, control_converted=1)
    assert results.uplift == expected
    assert results.uplift.rough


def test_campaign_results_count_opens_clicks_and_coupons_used(django_capture_on_commit_callbacks):
    from feed.services import feed_item_claim, feed_item_click
    from feed.services.items import feed_items_mark_shown
    from shop.models import IssuedCoupon
    from tests.shop.factories import CouponRuleFactory

    aud = audience(size=4)
    rule = CouponRuleFactory()
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks, control_percent=0, coupon_rule_id=rule.pk)
    items = list(_items(campaign).select_related("user").order_by("pk"))
    now = AFTERNOON + timedelta(hours=1)
    feed_items_mark_shown(item_ids=[items[0].pk, items[1].pk], now=now)
    feed_item_click(item_id=items[0].pk, user=items[0].user, visitor_id=None, now=now)
    claimed = feed_item_claim(item_id=items[1].pk, user=items[1].user, visitor_id=None, now=now)
    IssuedCoupon.objects.filter(pk=claimed.coupon.pk).update(used_at=now)

    results = campaign_results(campaign)

    assert (results.delivered, results.opened, results.clicked, results.coupon_used) == (4, 2, 1, 1)
    assert claimed.coupon.source_ref == campaign.source


def test_campaign_summaries_are_plain_dicts_per_campaign(django_capture_on_commit_callbacks):
    import json

    aud = audience(size=10)
    campaign = _launch(aud, capture=django_capture_on_commit_callbacks)
    summaries = campaign_summaries(aud.team)
    assert [s["id"] for s in summaries] == [campaign.pk]
    assert summaries[0]["delivered"] == 9
    assert summaries[0]["held_out"] == 1
    assert json.loads(json.dumps(summaries)) == summaries
    assert campaign_summaries(aud.team, since=AFTERNOON + timedelta(days=1)) == []
