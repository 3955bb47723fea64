"""What the pages that open the payment gateway's scripts need: checkout's widget, the 정기배송 card registration,
and the placed order as the widget's requestPayment() wants it.

Shared by shop.views.checkout and shop.views.subscriptions, so it lives outside the views package (a view never
imports another view module). The reads come from shop.selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from shop.models import Order, OrderStatus
from shop.selectors.orders import order_line_names
from shop.selectors.subscriptions import billing_card_for_user
from shop.services.billing import customer_key_for


def widget_context(request: HttpRequest) -> dict:
    """What the checkout page needs to draw the Toss widget: the SDK's URL, the client key, an opaque customer key."""
    return {
        "script_url": settings.TOSS_WIDGET_SCRIPT_URL,
        "client_key": settings.TOSS_CLIENT_KEY,
        "customer_key": customer_key_for(request.user),
    }


def billing_context(request: HttpRequest) -> dict:
    """What the 정기배송 page needs to register a card with Toss (requestBillingAuth) and the card registered."""
    return {
        **widget_context(request),
        "success_url": request.build_absolute_uri(reverse("shop:toss_billing_success")),
        "fail_url": request.build_absolute_uri(reverse("shop:toss_billing_fail")),
        "card": billing_card_for_user(user=request.user),
    }


def widget_payment_payload(request: HttpRequest, order: Order) -> dict:
    """The placed order as the widget's requestPayment() wants it; the amount is the order's, never the page's.
    An order that no longer waits for payment sends the shopper to its page instead."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return {"redirect": reverse("shop:order_complete", args=[order.number])}
    names, count = order_line_names(order=order, limit=2)
    order_name = names[0] if count == 1 else _("%(name)s 외 %(count)d건") % {"name": names[0], "count": count - 1}
    return {
        "payment": {
            "orderId": order.number,
            "orderName": order_name[:100],
            "amount": order.total,
            "customerName": order.recipient_name,
            "successUrl": request.build_absolute_uri(reverse("shop:toss_success")),
            "failUrl": request.build_absolute_uri(reverse("shop:toss_fail")),
        }
    }
