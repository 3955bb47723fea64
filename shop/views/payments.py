"""The payment gateway's pages: the widget step of checkout, its success and fail return URLs, and the
virtual-account deposit webhook. Thin: shop.services.payments_gateway decides, these only translate."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from config.errors import DomainError
from shop.models import OrderStatus
from shop.payments import ProviderUnavailable
from shop.services.billing import billing_key_register
from shop.services.payments_gateway import (
    PaymentDelayed,
    payment_confirm_return,
    payment_deposit_callback,
    payment_fail_return,
    payment_status_changed,
)

logger = logging.getLogger(__name__)

FAIL_CANCELLED_BY_SHOPPER = "PAY_PROCESS_CANCELED"


@login_required
@require_GET
def toss_success(request: HttpRequest) -> HttpResponse:
    """Toss sends the shopper back here with paymentKey, orderId and amount; we confirm on the server."""
    order_number = request.GET.get("orderId", "")
    payment_key = request.GET.get("paymentKey", "")
    try:
        amount = int(request.GET.get("amount", ""))
    except ValueError:
        amount = -1
    if not order_number or not payment_key or amount < 0:
        messages.error(request, _("결제 정보를 읽지 못했어요. 주문 내역에서 결제 상태를 확인해 주세요."))
        return redirect("shop:order_list")
    try:
        order = payment_confirm_return(
            user=request.user, order_number=order_number, payment_key=payment_key, amount=amount
        )
    except PaymentDelayed as exc:
        messages.warning(request, exc.message)
        return redirect("shop:order_complete", number=order_number)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shop:cart" if exc.code == "amount_mismatch" else "shop:order_list")
    if order.status == OrderStatus.CANCELLED:
        messages.error(
            request, order.payment.message or _("결제가 승인되지 않았어요. 다른 결제 수단으로 다시 시도해 주세요.")
        )
        return redirect("shop:checkout")
    return redirect("shop:order_complete", number=order.number)


@login_required
@require_GET
def toss_fail(request: HttpRequest) -> HttpResponse:
    """The shopper closed the widget or the card company refused: nothing was charged; the order is let go."""
    payment_fail_return(user=request.user, order_number=request.GET.get("orderId", ""))
    if request.GET.get("code") == FAIL_CANCELLED_BY_SHOPPER:
        messages.info(request, _("결제를 취소했어요. 장바구니의 상품은 그대로 있어요."))
    else:
        messages.error(request, _("결제를 마치지 못했어요. 잠시 후 다시 시도하거나 다른 결제 수단을 골라 주세요."))
    return redirect("shop:cart")


@login_required
@require_GET
def toss_billing_success(request: HttpRequest) -> HttpResponse:
    """Toss sends the shopper back here with authKey and customerKey after registering a card for 정기배송."""
    try:
        billing_key_register(
            user=request.user,
            auth_key=request.GET.get("authKey", ""),
            customer_key=request.GET.get("customerKey", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("정기결제 카드를 등록했어요. 다음 배송부터 이 카드로 결제해요."))
    return redirect("shop:subscriptions")


@login_required
@require_GET
def toss_billing_fail(request: HttpRequest) -> HttpResponse:
    if request.GET.get("code") == FAIL_CANCELLED_BY_SHOPPER:
        messages.info(request, _("카드 등록을 취소했어요."))
    else:
        messages.error(request, _("카드를 등록하지 못했어요. 잠시 후 다시 시도해 주세요."))
    return redirect("shop:subscriptions")


@csrf_exempt
@require_POST
def toss_webhook(request: HttpRequest) -> JsonResponse:
    """Toss's webhook. DEPOSIT_CALLBACK (virtual-account deposits) is checked by its secret and applied once;
    PAYMENT_STATUS_CHANGED (a cancel in Toss's console, an aborted or expired payment) is read back from Toss and
    applied once; other events, and payments that are not ours, are acknowledged and ignored.

    200 when handled, 400 for a body that is not JSON, 403 for a wrong secret, 503 when Toss cannot be asked
    (Toss sends the webhook again later).
    """
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "invalid JSON"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "invalid JSON"}, status=400)
    event_type = body.get("eventType", "DEPOSIT_CALLBACK")
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    order_number = str(data.get("orderId", ""))
    try:
        if event_type == "PAYMENT_STATUS_CHANGED" and order_number:
            if payment_status_changed(order_number=order_number) is None:
                return JsonResponse({"detail": "ignored"})
        elif event_type == "DEPOSIT_CALLBACK" and "secret" in data:
            payment_deposit_callback(order_number=order_number, secret=str(data.get("secret", "")))
        else:
            return JsonResponse({"detail": "ignored"})
    except DomainError as exc:
        return JsonResponse({"detail": exc.message}, status=exc.http_status)
    except ProviderUnavailable:
        logger.warning("%s for %s: Toss unavailable; it will send it again", event_type, order_number)
        return JsonResponse({"detail": "try again later"}, status=503)
    return JsonResponse({"detail": "ok"})
