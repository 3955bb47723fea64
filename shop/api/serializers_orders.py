"""Serializers for the cart, checkout and order API. Output shapes are built from selectors' dataclasses."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from config.fields import JsonBooleanField, JsonCharField
from shop.models import Order, OrderLine, OrderStatusEvent, Payment, PaymentMethod
from shop.selectors.cart import CheckoutInfo


# --- cart -------------------------------------------------------------------------------------------------------
class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line_id")
    product_id = serializers.IntegerField()
    product_name = serializers.CharField(source="product.name")
    store_id = serializers.IntegerField(source="product.store_id")
    store_name = serializers.CharField(source="product.store.name")
    image_url = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text="지금 판매가(원)")
    list_price = serializers.IntegerField(allow_null=True)
    seen_price = serializers.IntegerField(help_text="마지막으로 보여 드린 가격(원)")
    price_changed = serializers.BooleanField()
    line_total = serializers.IntegerField()
    is_selected = serializers.BooleanField()
    is_available = serializers.BooleanField()
    stock_short = serializers.BooleanField()


class CartGroupSerializer(serializers.Serializer):
    store_id = serializers.IntegerField(source="store.pk")
    store_name = serializers.CharField(source="store.name")
    subtotal = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    free_shipping_gap = serializers.IntegerField()


class DiscountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.IntegerField()


class CartSerializer(serializers.Serializer):
    lines = CartLineSerializer(many=True)
    groups = CartGroupSerializer(many=True)
    subtotal = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    discounts = DiscountSerializer(many=True)
    total = serializers.IntegerField()
    can_order = serializers.BooleanField()
    notices = serializers.ListField(child=serializers.CharField(), required=False)


def cart_payload(info: CheckoutInfo, *, notices: list[str] | None = None) -> dict[str, Any]:
    data = CartSerializer(info).data
    data["notices"] = notices or []
    return data


class CartAddSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)


class CartLineUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=99, required=False)
    is_selected = JsonBooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("quantity 또는 is_selected 중 하나를 보내 주세요.")
        return attrs


# --- checkout ----------------------------------------------------------------------------------------------------
class ShippingAddressSerializer(serializers.Serializer):
    recipient_name = JsonCharField(max_length=30)
    phone = serializers.RegexField(r"^01[016789]-?\d{3,4}-?\d{4}$", max_length=20)
    postal_code = serializers.RegexField(r"^\d{5}$")
    address1 = JsonCharField(max_length=200)
    address2 = JsonCharField(max_length=200, required=False, allow_blank=True, default="")
    memo = JsonCharField(max_length=100, required=False, allow_blank=True, default="")


class SeenLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    unit_price = serializers.IntegerField(min_value=0)
    quantity = serializers.IntegerField(min_value=1)


class CheckoutRequestSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(
        help_text="주문서를 열 때 만든 UUID. 같은 키로 다시 보내면 처음 주문을 돌려줘요."
    )
    address_id = serializers.IntegerField(required=False, help_text="저장된 배송지 (address 대신)")
    address = ShippingAddressSerializer(required=False)
    save_address = JsonBooleanField(default=False)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    demo_outcome = serializers.ChoiceField(
        choices=[("approve", "승인"), ("decline", "거절")],
        required=False,
        help_text="데모 결제에서만: 카드 결제 결과를 골라요. 실제 결제 대행(토스페이먼츠)에서 보내면 400이에요.",
    )
    expected_lines = SeenLineSerializer(
        many=True,
        required=False,
        help_text="주문자가 본 상품·가격·수량. 빼면 장바구니에서 마지막으로 보여 드린 가격과 비교해요.",
    )
    coupon_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    points = serializers.IntegerField(min_value=0, required=False, default=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("address") and not attrs.get("address_id"):
            raise serializers.ValidationError("배송지(address 또는 address_id)를 보내 주세요.")
        return attrs


# --- orders ------------------------------------------------------------------------------------------------------
class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = (
            "product_id",
            "product_name",
            "store_id",
            "store_name",
            "unit_price",
            "list_price",
            "quantity",
            "line_total",
        )


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ("method", "status", "amount", "bank_name", "account_number", "deposit_deadline")


class OrderStatusEventSerializer(serializers.ModelSerializer):
    note = serializers.CharField(source="note_text", help_text="In the language of the request (Accept-Language)")

    class Meta:
        model = OrderStatusEvent
        fields = ("previous", "current", "note", "created_at")


class OrderSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    lines = OrderLineSerializer(many=True)
    payment = PaymentSerializer(allow_null=True)

    class Meta:
        model = Order
        fields = (
            "number",
            "status",
            "status_display",
            "placed_at",
            "paid_at",
            "cancelled_at",
            "subtotal",
            "shipping_fee",
            "coupon_discount",
            "points_used",
            "total",
            "recipient_name",
            "phone",
            "postal_code",
            "address1",
            "address2",
            "memo",
            "lines",
            "payment",
        )


class OrderDetailSerializer(OrderSerializer):
    events = OrderStatusEventSerializer(many=True)
    tracking_url = serializers.CharField(read_only=True, help_text="The carrier's tracking page, '' before shipping.")

    class Meta(OrderSerializer.Meta):
        fields = (*OrderSerializer.Meta.fields, "events", "carrier", "tracking_number", "shipped_at", "tracking_url")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class CheckoutConflictSerializer(serializers.Serializer):
    """409: what the shopper saw changed (`cart_changed`, with `changes`), or the same idempotency key's first
    request is still charging (`checkout_in_progress`, with `order` and a Retry-After header)."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["cart_changed", "checkout_in_progress", "out_of_stock"])
    changes = serializers.ListField(child=serializers.CharField(), required=False)
    order = serializers.CharField(required=False, help_text="checkout_in_progress: the order being charged")
