"""Loyalty API for the logged-in shopper: coupon wallet and code claim, points, wishlist, subscriptions.

Thin: serializers shape, selectors read, services decide. Errors are `{"detail": ...}` (config.api).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ratelimit import client_ip
from config.schema import ApiErrorSerializer
from shop.models import IssuedCoupon, PointEntry, Product, Subscription
from shop.selectors.coupons import coupon_wallet
from shop.selectors.points import point_history, point_summary
from shop.selectors.subscriptions import subscriptions_for_user
from shop.selectors.wishlist import wishlist_products
from shop.services.coupons import coupon_claim_by_code
from shop.services.wishlist import wishlist_toggle


class IssuedCouponSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="rule.name")
    discount = serializers.CharField(source="rule.discount_label")
    min_order_amount = serializers.IntegerField(source="rule.min_order_amount")
    max_discount = serializers.IntegerField(source="rule.max_discount", allow_null=True)
    scope = serializers.CharField(source="rule.scope")
    stackable = serializers.BooleanField(source="rule.is_stackable")
    order_number = serializers.CharField(source="order.number", default=None, allow_null=True, read_only=True)

    class Meta:
        model = IssuedCoupon
        fields = (
            "id",
            "name",
            "discount",
            "min_order_amount",
            "max_discount",
            "scope",
            "stackable",
            "source",
            "issued_at",
            "expires_at",
            "used_at",
            "order_number",
        )


class WalletSerializer(serializers.Serializer):
    usable = IssuedCouponSerializer(many=True)
    used = IssuedCouponSerializer(many=True)
    expired = IssuedCouponSerializer(many=True)


class CouponClaimSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30)


class CouponWalletView(APIView):
    """My coupons: usable (soonest expiry first), used and expired. POST a code to claim a coupon."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=WalletSerializer)
    def get(self, request: Request) -> Response:
        return Response(WalletSerializer(coupon_wallet(user=request.user)).data)

    @extend_schema(request=CouponClaimSerializer, responses={201: IssuedCouponSerializer, 429: ApiErrorSerializer})
    def post(self, request: Request) -> Response:
        payload = CouponClaimSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        coupon = coupon_claim_by_code(code=payload.validated_data["code"], user=request.user, ip=client_ip(request))
        return Response(IssuedCouponSerializer(coupon).data, status=status.HTTP_201_CREATED)


class PointEntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="earn, spend, refund, expire or adjust")
    order_number = serializers.CharField(source="order.number", default=None, allow_null=True, read_only=True)
    note = serializers.CharField(source="note_text", help_text="In the language of the request (Accept-Language)")

    class Meta:
        model = PointEntry
        fields = ("id", "kind", "amount", "note", "order_number", "created_at", "expires_at")


class PointEntryListView(ListAPIView):
    """My points ledger, newest first; the response adds the balance and what expires within 30 days."""

    permission_classes = (IsAuthenticated,)
    serializer_class = PointEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PointEntry.objects.none()
        return point_history(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        summary = point_summary(user=request.user)
        response.data["balance"] = summary.balance
        response.data["expiring_soon"] = summary.expiring_soon
        return response


class WishlistProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.IntegerField()
    store = serializers.CharField(source="store.name")
    image = serializers.CharField(source="card_image_url")


class WishlistToggleSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()


class WishlistToggleResultSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    wishlisted = serializers.BooleanField()


class WishlistView(ListAPIView):
    """My wishlist (newest first). POST {"product_id"} toggles a product in or out."""

    permission_classes = (IsAuthenticated,)
    serializer_class = WishlistProductSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return wishlist_products(user=self.request.user)

    @extend_schema(request=WishlistToggleSerializer, responses={200: WishlistToggleResultSerializer})
    def post(self, request: Request) -> Response:
        payload = WishlistToggleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        product_id = payload.validated_data["product_id"]
        return Response(
            {"product_id": product_id, "wishlisted": wishlist_toggle(user=request.user, product_id=product_id)}
        )


class SubscriptionSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name")

    class Meta:
        model = Subscription
        fields = ("id", "product", "product_name", "quantity", "interval_weeks", "status", "next_due_date")


class SubscriptionListView(APIView):
    """My 정기배송 subscriptions."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=SubscriptionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(SubscriptionSerializer(subscriptions_for_user(user=request.user), many=True).data)
