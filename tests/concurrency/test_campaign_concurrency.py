"""Campaign delivery under real concurrency (PostgreSQL): the same batches delivered by several workers at once (a
redelivered task racing the original) still give each treated customer exactly one feed item."""

import zoneinfo
from datetime import datetime

import pytest
import time_machine
from django.db.models import Count

from crm.models import Campaign, CampaignRecipient
from crm.services.campaigns import campaign_batch_deliver, recipient_ranges
from feed.models import FeedItem
from tests.concurrency.test_checkout_concurrency import run_concurrently
from tests.crm.campaign_helpers import audience, campaign_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AFTERNOON = datetime(2026, 11, 24, 14, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))


def test_concurrent_duplicate_batches_deliver_each_treated_customer_once(settings):
    settings.CRM_CAMPAIGN_BATCH = 250
    aud = audience(size=1000, prefix="race")
    with time_machine.travel(AFTERNOON, tick=False):
        campaign = campaign_for(aud)  # committed for real: the launch and its batches run eagerly after it
    # Undo the delivery, as if every batch task had been lost, then deliver each batch three times at once.
    FeedItem.objects.filter(source=campaign.source).delete()
    CampaignRecipient.objects.filter(campaign=campaign).update(decided_at=None, delivered_at=None, skipped_reason="")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING, finished_at=None)
    ranges = recipient_ranges(campaign_id=campaign.pk) * 3

    def deliver(job: int):
        lo, hi = ranges[job]
        return campaign_batch_deliver(campaign_id=campaign.pk, lo=lo, hi=hi, now=AFTERNOON).delivered

    results, errors = run_concurrently(len(ranges), deliver, workers=6)

    assert errors == []
    per_customer = FeedItem.objects.filter(source=campaign.source).values("user_id").annotate(n=Count("pk"))
    assert {row["n"] for row in per_customer} == {1}
    assert len(per_customer) == 900 == sum(r for r in results if isinstance(r, int))
    assert CampaignRecipient.objects.filter(campaign=campaign, decided_at__isnull=True).count() == 0
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
