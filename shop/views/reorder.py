"""자주 사는 상품 (per household), 다시 담기 from a past order, and 다시 담기 for an essential category."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError
from shop.cart_session import request_cart_or_create
from shop.models import Order
from shop.selectors.catalog import product_cards
from shop.selectors.household import household_frequent_products
from shop.services.reorder import category_reorder, category_reorder_choice, order_reorder


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


@login_required
@require_http_methods(["GET", "POST"])
def category_reorder_view(request: HttpRequest, category_id: int) -> HttpResponse:
    """GET (a feed reminder's link) only shows what would be added, with a one-tap 다시 담기 button; the POST adds
    it and goes to the cart. A link followed from the feed never changes the cart by itself."""
    if request.method == "POST":
        try:
            result = category_reorder(user=request.user, cart=request_cart_or_create(request), category_id=category_id)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("shop:frequent")
        if not result.added:
            for message in result.messages:
                messages.warning(request, message)
            return redirect("shop:category_reorder", category_id=category_id)
        for index, message in enumerate(result.messages):
            (messages.success if index == 0 else messages.warning)(request, message)
        return redirect("shop:cart")
    choice = category_reorder_choice(user=request.user, category_id=category_id)
    if choice is None:
        raise Http404
    # The card wants the product's first image, which only the card selector annotates.
    product = product_cards().filter(pk=choice.product.pk).first() if choice.product else None
    return TemplateResponse(request, "shop/category_reorder.html", {"choice": choice, "product": product})
