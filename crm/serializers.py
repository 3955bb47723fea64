"""Serializers of the back-office API. Output shapes come from crm.selectors.customers (rows already masked)."""

from __future__ import annotations

from rest_framework import serializers

from crm.models import Lifecycle, RfmSegment
from crm.selectors.customers import SEARCH_MAX_LENGTH, SORT_CHOICES, YES_NO


class CustomerListQuerySerializer(serializers.Serializer):
    """The list's query string. Unknown values answer 400 (the page ignores them instead)."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SEARCH_MAX_LENGTH,
        help_text="닉네임, 이름, 아이디, 이메일, 또는 휴대폰 끝자리(3자리 이상)",
    )
    segment = serializers.IntegerField(required=False, min_value=1, help_text="이 팀의 세그먼트 하나로 좁혀요.")
    lifecycle = serializers.ChoiceField(choices=Lifecycle.choices, required=False)
    rfm = serializers.ChoiceField(choices=RfmSegment.choices, required=False)
    consent = serializers.ChoiceField(choices=YES_NO, required=False, help_text="마케팅 수신 동의")
    overdue = serializers.ChoiceField(choices=YES_NO, required=False, help_text="떨어졌을 필수품이 있는 고객")
    sort = serializers.ChoiceField(choices=SORT_CHOICES, required=False, help_text="앞에 '-'를 붙이면 내림차순")
    page = serializers.IntegerField(required=False, min_value=1)


class CustomerRowSerializer(serializers.Serializer):
    """One customer of the list; `phone` is masked (010-****-5678) unless the caller's role may see contacts."""

    id = serializers.IntegerField(source="customer_id")
    nickname = serializers.CharField()
    name = serializers.CharField()
    username = serializers.CharField()
    phone = serializers.CharField()
    lifecycle = serializers.CharField()
    lifecycle_label = serializers.CharField()
    rfm_segment = serializers.CharField()
    rfm_label = serializers.CharField()
    r_score = serializers.IntegerField(allow_null=True)
    f_score = serializers.IntegerField(allow_null=True)
    m_score = serializers.IntegerField(allow_null=True)
    orders = serializers.IntegerField()
    spend = serializers.IntegerField(help_text="누적 결제 금액(원)")
    last_order_at = serializers.DateTimeField(allow_null=True)
    essentials_share = serializers.IntegerField(allow_null=True, help_text="필수품 점유율 추정치(%)")
    essentials_overdue = serializers.IntegerField()
    last_seen_at = serializers.DateTimeField(allow_null=True)
    marketing_consent = serializers.BooleanField()


class CustomerPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = CustomerRowSerializer(many=True)


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()
    masked = serializers.BooleanField(help_text="true: 역할에 맞게 가려진 연락처")


class ProfileSerializer(serializers.Serializer):
    age_band = serializers.IntegerField(allow_null=True)
    gender = serializers.CharField()
    lifecycle = serializers.CharField()
    lifecycle_label = serializers.CharField(source="get_lifecycle_display")
    rfm_segment = serializers.CharField()
    rfm_label = serializers.CharField(source="get_rfm_segment_display")
    r_score = serializers.IntegerField(allow_null=True)
    f_score = serializers.IntegerField(allow_null=True)
    m_score = serializers.IntegerField(allow_null=True)
    recency_days = serializers.IntegerField(allow_null=True)
    frequency = serializers.IntegerField()
    monetary = serializers.IntegerField()
    first_order_at = serializers.DateTimeField(allow_null=True)
    last_order_at = serializers.DateTimeField(allow_null=True)
    essentials_share = serializers.FloatField(allow_null=True)
    essentials_bought = serializers.IntegerField()
    essentials_due = serializers.IntegerField()
    essentials_overdue = serializers.IntegerField()
    household_size = serializers.IntegerField(allow_null=True)
    has_children = serializers.BooleanField()
    last_seen_at = serializers.DateTimeField(allow_null=True)


class OrderSummarySerializer(serializers.Serializer):
    number = serializers.CharField(source="order.number")
    status = serializers.CharField(source="order.status")
    status_label = serializers.CharField(source="order.get_status_display")
    total = serializers.IntegerField(source="order.total")
    placed_at = serializers.DateTimeField(source="order.placed_at")
    store_names = serializers.ListField(child=serializers.CharField())
    item_count = serializers.IntegerField()


class FeedItemSummarySerializer(serializers.Serializer):
    kind = serializers.CharField(source="item.kind")
    kind_label = serializers.CharField(source="item.get_kind_display")
    title = serializers.CharField(
        source="item.title_text", help_text="In the language of the request (Accept-Language)"
    )
    created_at = serializers.DateTimeField(source="item.created_at")
    is_promotional = serializers.BooleanField(source="item.is_promotional")
    is_read = serializers.BooleanField()
    is_clicked = serializers.BooleanField()


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    label = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    body = serializers.CharField()
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, note) -> str:
        if note.author is None:
            return ""
        return f"{note.author.last_name}{note.author.first_name}".strip() or note.author.display_name


class Customer360Serializer(serializers.Serializer):
    """A customer's summary for the caller's team: profile of the current run (null before the first run),
    contact masked per role, recent orders and feed items, the team's segments, notes and tags."""

    id = serializers.IntegerField(source="customer.pk")
    nickname = serializers.CharField(source="customer.display_name")
    name = serializers.SerializerMethodField()
    joined_at = serializers.DateTimeField(source="customer.date_joined")
    marketing_consented_at = serializers.DateTimeField(source="customer.marketing_consented_at", allow_null=True)
    night_marketing_consented_at = serializers.DateTimeField(
        source="customer.night_marketing_consented_at", allow_null=True
    )
    profile = ProfileSerializer(allow_null=True)
    contact = ContactSerializer()
    top_categories = NamedSerializer(many=True)
    orders = OrderSummarySerializer(many=True)
    feed_items = FeedItemSummarySerializer(many=True)
    segments = NamedSerializer(many=True)
    tags = TagSerializer(many=True)
    notes = NoteSerializer(many=True)

    def get_name(self, view) -> str:
        return f"{view.customer.last_name}{view.customer.first_name}".strip()


class SegmentFiguresSerializer(serializers.Serializer):
    """A segment of the team with its figures after the latest run that computed it (zeros before any run)."""

    id = serializers.IntegerField(source="segment.pk")
    name = serializers.CharField(source="segment.name")
    description = serializers.CharField(source="segment.description")
    is_active = serializers.BooleanField(source="segment.is_active")
    has_figures = serializers.BooleanField()
    size = serializers.IntegerField()
    revenue = serializers.IntegerField(help_text="누적 매출(원)")
    average_order_value = serializers.IntegerField(help_text="평균 주문 금액(원)")
    repeat_rate = serializers.FloatField()
    essentials_share = serializers.FloatField(allow_null=True)
    computed_at = serializers.DateTimeField(source="latest.computed_at", allow_null=True)
