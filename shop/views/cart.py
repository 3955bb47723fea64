"""Cart pages. The stepper, remove and tick buttons post with htmx and get back the cart body partial."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.errors import DomainError
from shop.cart_session import SESSION_BUY_NOW, request_cart, request_cart_or_create
from shop.selectors.cart import FREE_SHIPPING_THRESHOLD, SHIPPING_FEE_PER_STORE, cart_info
from shop.services.cart import (
    LINE_NOT_FOUND,
    MAX_QUANTITY,
    QUANTITY_TOO_SMALL,
    cart_add,
    cart_line_remove,
    cart_line_select,
    cart_line_set_quantity,
    cart_select_only,
)

CART_TEMPLATE = "shop/cart.html"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _cart_context(request: HttpRequest, **extra) -> dict:
    cart = request_cart(request)
    info = cart_info(cart=cart)
    return {
        "info": info,
        "cart_count": info.item_count,
        "shipping_fee_per_store": SHIPPING_FEE_PER_STORE,
        "free_shipping_threshold": FREE_SHIPPING_THRESHOLD,
        "max_quantity": MAX_QUANTITY,
        **extra,
    }


def _cart_response(request: HttpRequest, **extra) -> HttpResponse:
    template = f"{CART_TEMPLATE}#cart-body" if request.htmx else CART_TEMPLATE
    response = TemplateResponse(request, template, _cart_context(request, **extra))
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    return _cart_response(request)


def _back(request: HttpRequest) -> str:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return reverse("shop:cart")


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    """Add to cart from a product page. 바로구매 (buy_now) ticks only this product and goes to checkout."""
    product_id = _int(request.POST.get("product_id"))
    quantity = _int(request.POST.get("quantity") or "1")
    buy_now = bool(request.POST.get("buy_now"))
    error = ""
    notices: list[str] = []
    if product_id is None or quantity is None:
        error = str(QUANTITY_TOO_SMALL) if product_id is not None else _("상품을 다시 골라 주세요.")
    else:
        cart_obj = request_cart_or_create(request)
        try:
            change = cart_add(cart=cart_obj, product_id=product_id, quantity=quantity)
            notices = change.notices
            if buy_now:
                cart_select_only(cart=cart_obj, product_id=product_id)
                if not request.user.is_authenticated:
                    request.session[SESSION_BUY_NOW] = product_id
        except DomainError as exc:
            error = exc.message
    if request.htmx:
        if buy_now and not error:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("shop:checkout")
            return response
        context = _cart_context(request, product_id=product_id, add_error=error, add_notices=notices, added=not error)
        response = TemplateResponse(request, "shop/partials/_add_to_cart_result.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    if error:
        messages.error(request, error)
        return redirect(_back(request))
    for notice in notices:
        messages.info(request, notice)
    if buy_now:
        return redirect("shop:checkout")
    messages.success(request, _("장바구니에 담았어요."))
    return redirect(_back(request))


def _line_action(request: HttpRequest, line_id: int, action) -> HttpResponse:
    """Run one change on the shopper's own cart line; errors are shown on that line, never as a 500."""
    cart_obj = request_cart(request)
    errors: dict[int, str] = {}
    notices: list[str] = []
    try:
        if cart_obj is None:
            raise DomainError(LINE_NOT_FOUND)
        notices = action(cart_obj, line_id) or []
    except DomainError as exc:
        errors[line_id] = exc.message
        if not request.htmx:
            messages.error(request, exc.message)
    if not request.htmx:
        for notice in notices:
            messages.info(request, notice)
        return redirect("shop:cart")
    return _cart_response(request, line_errors=errors, notices=notices)


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    """The stepper: `quantity` sets it, or `delta` (+1/-1) moves it from `current`."""

    def change(cart_obj, line_id):
        quantity = _int(request.POST.get("quantity"))
        delta = _int(request.POST.get("delta"))
        current = _int(request.POST.get("current"))
        if quantity is None and delta is not None and current is not None:
            quantity = current + delta
        if quantity is None:
            raise DomainError(QUANTITY_TOO_SMALL)
        return cart_line_set_quantity(cart=cart_obj, line_id=line_id, quantity=quantity).notices

    return _line_action(request, line_id, change)


@require_POST
def cart_line_remove_view(request: HttpRequest, line_id: int) -> HttpResponse:
    return _line_action(request, line_id, lambda cart_obj, line_id: cart_line_remove(cart=cart_obj, line_id=line_id))


@require_POST
def cart_line_select_view(request: HttpRequest, line_id: int) -> HttpResponse:
    selected = request.POST.get("selected") in ("1", "on", "true")
    return _line_action(
        request, line_id, lambda cart_obj, line_id: cart_line_select(cart=cart_obj, line_id=line_id, selected=selected)
    )
