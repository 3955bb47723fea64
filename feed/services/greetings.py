"""Greeting benefits: record that a benefit was shown, and issue it when the customer taps "쿠폰 받기"."""

import logging
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config import local_memo
from config.errors import DomainError
from feed.messages import GREETING_BENEFIT, message_compose
from feed.models import Exposure, FeedItem, Greeting

logger = logging.getLogger(__name__)

GREETING_BENEFIT_UNAVAILABLE = "지금은 받을 수 있는 인사말 혜택이 없어요."
GREETING_LOGIN_TO_CLAIM = "로그인하면 인사말 혜택을 받을 수 있어요."


GREETINGS_VERSION_KEY = "feed:greetings:version"
GREETINGS_VERSION_SECONDS = 300  # an edit the signals miss (a queryset update) still shows within five minutes


def greetings_invalidate() -> None:
    """Make every process reload the greetings on its next page (after an admin edits a greeting, slot or benefit)."""
    local_memo.forget(GREETINGS_VERSION_KEY)
    try:
        cache.delete(GREETINGS_VERSION_KEY)
    except Exception:
        logger.warning("could not invalidate the greeting cache", exc_info=True)


def _day_bucket(now: datetime) -> int:
    return timezone.localdate(now).toordinal()


def greeting_exposure_record(*, greeting_id: int, user: Any, visitor_id: UUID, is_control: bool, now: datetime) -> None:
    """Measurement: the greeting's benefit was shown (or held back for the control group) today. Idempotent."""
    Exposure.objects.bulk_create(
        [
            Exposure(
                greeting_id=greeting_id,
                visitor_id=visitor_id,
                user=user,
                bucket=_day_bucket(now),
                is_control=is_control,
                fired_at=now,
                shown_at=None if is_control else now,
            )
        ],
        ignore_conflicts=True,
    )


def greeting_benefit_claim(*, greeting_id: int, user: Any, visitor_id: UUID, now: datetime) -> FeedItem:
    """Issue the benefit coupon of the greeting this customer is seeing now (source "greeting").

    Re-checks with greeting_for that this greeting is the one they would see (so a forged id gets
    nothing), issues through shop.services.coupons.coupon_issue (which enforces per-customer limits
    under the rule's lock), records the claim on today's exposure, and adds a "혜택" feed item.
    Raises DomainError when there is nothing to claim.
    """
    from feed.selectors import greeting_for
    from shop.models import IssuedCoupon
    from shop.services.coupons import coupon_issue

    if user is None:
        raise DomainError(_(GREETING_LOGIN_TO_CLAIM), code="login_required", http_status=403)
    view = greeting_for(user=user, visitor_id=visitor_id, now=now)
    if view is None or view.greeting_id != greeting_id or view.benefit_rule_id is None:
        raise DomainError(_(GREETING_BENEFIT_UNAVAILABLE), code="unavailable", http_status=409)
    greeting = Greeting.objects.select_related("benefit").get(pk=greeting_id)
    with transaction.atomic(durable=True):
        issued = coupon_issue(
            rule=greeting.benefit,  # type: ignore[arg-type]  # greeting_for showed a benefit, so there is one
            user=user,
            source=IssuedCoupon.Source.GREETING,
            source_ref=f"greeting:{greeting_id}",
        )
        try:
            with transaction.atomic():
                exposure, _created = Exposure.objects.get_or_create(
                    greeting_id=greeting_id,
                    visitor_id=visitor_id,
                    bucket=_day_bucket(now),
                    defaults={"user": user, "fired_at": now, "shown_at": now},
                )
        except IntegrityError:
            exposure = Exposure.objects.get(greeting_id=greeting_id, visitor_id=visitor_id, bucket=_day_bucket(now))
        Exposure.objects.filter(pk=exposure.pk).update(claimed_at=now, clicked_at=now, user=user)
        params = {"name": greeting.benefit.name}  # type: ignore[union-attr]
        title, body = message_compose(code=GREETING_BENEFIT, params=params)
        item = FeedItem(
            user=user,
            visitor_id=visitor_id,
            kind=FeedItem.Kind.BENEFIT,
            title=title,
            body=body,
            message_code=GREETING_BENEFIT,
            message_params=params,
            link="/my/coupons/",
            coupon=issued,
            exposure=exposure,
            read_at=now,
            expires_at=now + timedelta(days=7),
            created_at=now,
        )
        item.full_clean()
        item.save()
    return item
