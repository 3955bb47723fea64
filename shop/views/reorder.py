"""자주 사는 상품 (per household) and 다시 담기 from a past order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from config.errors import DomainError
from shop.cart_session import request_cart_or_create
from shop.models import Order
from shop.selectors.household import household_frequent_products
from shop.services.reorder import order_reorder


@login_required
@require_GET
def frequent(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "shop/frequent.html",
        {"items": household_frequent_products(user=request.user), "household": request.user.household},
    )


@login_required
@require_POST
def order_reorder_view(request: HttpRequest, number: str) -> HttpResponse:
    order = Order.objects.filter(user=request.user, number=number).first()
    if order is None:
        raise Http404
    try:
        result = order_reorder(order=order, user=request.user, cart=request_cart_or_create(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shop:order_list")
    if not result.added:
        for message in result.messages:
            messages.warning(request, message)
        return redirect("shop:order_detail", number=number)
    for index, message in enumerate(result.messages):
        (messages.success if index == 0 else messages.warning)(request, message)
    return redirect("shop:cart")
