"""Product-page panels that loyalty contributes through shop.hooks: the 찜 heart and the 정기배송 sign-up."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from shop.models import Product
from shop.selectors.wishlist import wishlisted_ids
from shop.views.subscriptions import subscribe_panel_context


def wishlist_panel(request: HttpRequest, product: Product) -> SafeString | str:
    """The heart under the buy buttons (one query for a logged-in shopper, none for a visitor)."""
    is_wishlisted = product.pk in wishlisted_ids(user=request.user, product_ids=[product.pk])
    return render_to_string(
        "shop/partials/_wishlist_panel.html",
        {"product_id": product.pk, "is_wishlisted": is_wishlisted, "next_url": product.get_absolute_url()},
        request=request,
    )


def subscribe_panel(request: HttpRequest, product: Product) -> SafeString | str:
    """The 정기배송 sign-up for essential, subscribable products (nothing for others)."""
    context = subscribe_panel_context(request=request, product=product)
    if context is None:
        return ""
    return render_to_string("shop/partials/_subscribe_panel.html", context, request=request)
