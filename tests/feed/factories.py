import datetime

import factory

from feed.models import FeedItem, NudgeRule
from shop.models import CouponRule
from tests.shop.factories import PreferenceCategoryFactory


class FeedCouponRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponRule

    name = factory.Sequence(lambda n: f"가방 3천원 할인 {n}")
    discount_kind = CouponRule.DiscountKind.FIXED
    discount_value = 3000
    scope = CouponRule.Scope.ALL
    per_customer_limit = 5
    valid_from = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


class BagNudgeRuleFactory(factory.django.DjangoModelFactory):
    """ "가방 viewed 4+ times and 60+ s dwell within 30 min" with a coupon."""

    class Meta:
        model = NudgeRule

    name = "가방 고민 중"
    event_type = "category_view"
    category = factory.SubFactory(PreferenceCategoryFactory, name="가방")
    min_count = 4
    window_minutes = 30
    min_dwell_seconds = 60
    title = "가방 고르시느라 고민 중이세요?"
    message = "{nickname}님, 마음에 드는 가방 찾는 데 보탬이 되도록 쿠폰을 드릴게요."
    link = "/c/bags/"
    coupon_rule = factory.SubFactory(FeedCouponRuleFactory)
    is_promotional = True
    cooldown_minutes = 24 * 60


class FeedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedItem

    kind = FeedItem.Kind.MD_MESSAGE
    title = factory.Sequence(lambda n: f"MD 소식 {n}")
    body = "새로 들어온 물건을 소개해요."
    link = "/"
