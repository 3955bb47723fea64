"""Order and checkout API for the logged-in shopper. Every query is filtered by the requesting user."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import DomainError
from shop.api.serializers_orders import (
    CheckoutChangedSerializer,
    CheckoutRequestSerializer,
    ErrorSerializer,
    OrderDetailSerializer,
    OrderSerializer,
)
from shop.models import Address, Order
from shop.selectors.cart import cart_info
from shop.selectors.orders import order_get_for_user, order_list_for_user
from shop.services.cart import cart_get_or_create
from shop.services.checkout import (
    CheckoutChanged,
    DiscountRequest,
    SeenLine,
    ShippingAddress,
    checkout_complete,
    seen_lines_from_cart,
)
from shop.services.orders import order_cancel

ADDRESS_NOT_FOUND = "배송지를 다시 골라 주세요."


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My orders, newest first (only the logged-in shopper's own)."""

    permission_classes = (IsAuthenticated,)
    lookup_field = "number"
    lookup_value_regex = r"[0-9A-Za-z-]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Order.objects.none()
        return order_list_for_user(user=self.request.user)

    def get_serializer_class(self):
        return OrderDetailSerializer if self.action in ("retrieve", "cancel") else OrderSerializer

    def get_object(self) -> Order:
        try:
            return order_get_for_user(user=self.request.user, number=self.kwargs["number"])
        except DomainError as exc:
            raise Http404(exc.message) from exc

    @extend_schema(request=None, responses={200: OrderDetailSerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, number: str) -> Response:
        """Cancel before shipping: the stock goes back and a card payment is refunded."""
        order = self.get_object()
        order_cancel(order=order, actor=request.user, by_customer=True)
        return Response(OrderDetailSerializer(order_get_for_user(user=request.user, number=number)).data)


class CheckoutView(APIView):
    """Place and pay an order from the selected cart lines. Same idempotency key twice -> the first order (200)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        request=CheckoutRequestSerializer,
        responses={
            201: OrderDetailSerializer,
            200: OrderDetailSerializer,
            400: ErrorSerializer,
            409: CheckoutChangedSerializer,
        },
        operation_id="checkout_create",
    )
    def post(self, request: Request) -> Response:
        payload = CheckoutRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = request.user
        if data.get("address_id"):
            saved = Address.objects.filter(user=user, pk=data["address_id"]).first()
            if saved is None:
                raise DomainError(ADDRESS_NOT_FOUND)
            address = ShippingAddress(
                recipient_name=saved.recipient_name,
                phone=saved.phone,
                postal_code=saved.postal_code,
                address1=saved.address1,
                address2=saved.address2,
                memo=(data.get("address") or {}).get("memo") or saved.memo,
            )
        else:
            address = ShippingAddress(**data["address"])
        cart = cart_get_or_create(user=user)
        if "expected_lines" in data:
            seen = [SeenLine(**line) for line in data["expected_lines"]]
        else:
            seen = seen_lines_from_cart(cart_info(cart=cart))
        try:
            result = checkout_complete(
                user=user,
                cart=cart,
                idempotency_key=data["idempotency_key"],
                address=address,
                seen_lines=seen,
                payment_method=data["payment_method"],
                demo_outcome=data["demo_outcome"],
                discount_request=DiscountRequest(coupon_ids=tuple(data["coupon_ids"]), points=data["points"]),
                save_address=data["save_address"] and not data.get("address_id"),
            )
        except CheckoutChanged as exc:
            return Response(
                {"detail": exc.message, "code": exc.code, "changes": exc.changes}, status=status.HTTP_409_CONFLICT
            )
        order = order_get_for_user(user=user, number=result.order.number)
        return Response(
            OrderDetailSerializer(order).data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )
