"""Cart API for the logged-in shopper: GET the cart, POST to add, PATCH or DELETE one line."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api.serializers_orders import (
    CartAddSerializer,
    CartLineUpdateSerializer,
    CartSerializer,
    ErrorSerializer,
    cart_payload,
)
from shop.selectors.cart import cart_info
from shop.services.cart import (
    cart_add,
    cart_get_or_create,
    cart_line_remove,
    cart_line_select,
    cart_line_set_quantity,
)

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class CartView(APIView):
    """My cart: lines grouped by shop, shipping per shop, totals at today's prices."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={200: CartSerializer}, operation_id="cart_retrieve")
    def get(self, request: Request) -> Response:
        cart = cart_get_or_create(user=request.user)
        return Response(cart_payload(cart_info(cart=cart)))

    @extend_schema(request=CartAddSerializer, responses={201: CartSerializer, **ERRORS}, operation_id="cart_add")
    def post(self, request: Request) -> Response:
        payload = CartAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cart = cart_get_or_create(user=request.user)
        change = cart_add(cart=cart, **payload.validated_data)
        return Response(cart_payload(cart_info(cart=cart), notices=change.notices), status=status.HTTP_201_CREATED)


class CartLineView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        request=CartLineUpdateSerializer, responses={200: CartSerializer, **ERRORS}, operation_id="cart_line_update"
    )
    def patch(self, request: Request, line_id: int) -> Response:
        payload = CartLineUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cart = cart_get_or_create(user=request.user)
        notices: list[str] = []
        if "quantity" in payload.validated_data:
            notices = cart_line_set_quantity(
                cart=cart, line_id=line_id, quantity=payload.validated_data["quantity"]
            ).notices
        if "is_selected" in payload.validated_data:
            cart_line_select(cart=cart, line_id=line_id, selected=payload.validated_data["is_selected"])
        return Response(cart_payload(cart_info(cart=cart), notices=notices))

    @extend_schema(responses={200: CartSerializer, 404: ErrorSerializer}, operation_id="cart_line_delete")
    def delete(self, request: Request, line_id: int) -> Response:
        cart = cart_get_or_create(user=request.user)
        cart_line_remove(cart=cart, line_id=line_id)
        return Response(cart_payload(cart_info(cart=cart)))
