"""찜: the heart toggle (htmx) and the wishlist page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from config.errors import DomainError
from shop.selectors.wishlist import wishlist_products
from shop.services.wishlist import wishlist_toggle


@login_required
@require_GET
def wishlist(request: HttpRequest) -> HttpResponse:
    products = list(wishlist_products(user=request.user))
    return TemplateResponse(
        request, "shop/wishlist.html", {"products": products, "wishlisted": {product.pk for product in products}}
    )


@require_POST
def wishlist_toggle_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """Fill or empty the heart. htmx gets the new heart; a plain form goes back where it came from."""
    if not request.user.is_authenticated:
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = (
                f"{redirect('accounts:login').url}?next={request.headers.get('HX-Current-URL', '/')}"
            )
            return response
        return redirect("accounts:login")
    try:
        is_wishlisted = wishlist_toggle(user=request.user, product_id=product_id)
    except DomainError as exc:
        if request.htmx:
            return HttpResponse(exc.message, status=exc.http_status)
        messages.error(request, exc.message)
        return redirect("shop:wishlist")
    if request.htmx:
        response = TemplateResponse(
            request, "shop/partials/_wishlist_heart.html", {"product_id": product_id, "is_wishlisted": is_wishlisted}
        )
        patch_vary_headers(response, ("HX-Request",))
        return response
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "shop:wishlist")
