"""Order and checkout API for the logged-in shopper. Every query is filtered by the requesting user."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import DomainError
from shop.api.serializers_orders import (
    CheckoutConflictSerializer,
    CheckoutRequestSerializer,
    ErrorSerializer,
    OrderDetailSerializer,
    OrderSerializer,
)
from shop.models import Address, Order
from shop.payments import demo_payments_configured
from shop.selectors.cart import cart_info
from shop.selectors.orders import order_get_for_user, order_list_for_user
from shop.services.cart import cart_get_or_create
from shop.services.checkout import (
    IN_PROGRESS_RETRY_AFTER,
    CheckoutChanged,
    CheckoutInProgress,
    DiscountRequest,
    SeenLine,
    ShippingAddress,
    checkout_complete,
    seen_lines_from_cart,
)
from shop.services.orders import order_cancel

ADDRESS_NOT_FOUND = "배송지를 다시 골라 주세요."
DEMO_OUTCOME_NOT_ALLOWED = _("결제 결과는 데모 결제에서만 고를 수 있어요. demo_outcome 없이 보내 주세요.")


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
            201: OpenApiResponse(OrderDetailSerializer, description="The order, placed now (and charged by demo)."),
            200: OpenApiResponse(OrderDetailSerializer, description="This idempotency key's order, placed before."),
            400: OpenApiResponse(
                ErrorSerializer, description="Invalid input, or demo_outcome sent while a real provider is on."
            ),
            401: OpenApiResponse(ErrorSerializer, description="Not logged in."),
            403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
            409: OpenApiResponse(
                CheckoutConflictSerializer,
                description="cart_changed (prices or stock differ from what was shown), out_of_stock, or "
                "checkout_in_progress: the first request with this key is still charging; ask again after "
                "Retry-After seconds and get that order.",
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                location=OpenApiParameter.HEADER,
                response=[409],
                description="checkout_in_progress: seconds to wait before sending the same request again.",
            )
        ],
        operation_id="checkout_create",
    )
    def post(self, request: Request) -> Response:
        payload = CheckoutRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = request.user
        if "demo_outcome" in data and not demo_payments_configured():
            raise DomainError(DEMO_OUTCOME_NOT_ALLOWED, code="demo_outcome_not_allowed")
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
                demo_outcome=data.get("demo_outcome", ""),
                discount_request=DiscountRequest(coupon_ids=tuple(data["coupon_ids"]), points=data["points"]),
                save_address=data["save_address"] and not data.get("address_id"),
            )
        except CheckoutChanged as exc:
            return Response(
                {"detail": exc.message, "code": exc.code, "changes": exc.changes}, status=status.HTTP_409_CONFLICT
            )
        except CheckoutInProgress as exc:
            return Response(
                {"detail": exc.message, "code": exc.code, "order": exc.order.number},
                status=status.HTTP_409_CONFLICT,
                headers={"Retry-After": str(IN_PROGRESS_RETRY_AFTER)},
            )
        order = order_get_for_user(user=user, number=result.order.number)
        return Response(
            OrderDetailSerializer(order).data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )
