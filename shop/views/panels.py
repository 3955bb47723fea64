"""Product-page panels that loyalty contributes through shop.hooks: the 찜 heart and the 정기배송 sign-up."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from shop.models import Address, Product, Subscription
from shop.selectors.wishlist import wishlisted_ids


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


def subscribe_panel_context(*, request: HttpRequest, product: Product) -> dict | None:
    """What the product page's 정기배송 panel needs, or None when the product cannot be subscribed to."""
    if not product.is_subscribable or not product.category.is_essential:
        return None
    user = request.user
    addresses = list(Address.objects.filter(user=user)) if user.is_authenticated else []
    current = (
        Subscription.objects.filter(user=user, product=product).exclude(status=Subscription.Status.CANCELLED).first()
        if user.is_authenticated
        else None
    )
    return {
        "product": product,
        "addresses": addresses,
        "current": current,
        "intervals": Subscription.Interval.choices,
        "default_interval": Subscription.Interval.FOUR_WEEKS,
        "min_date": timezone.localdate() + timedelta(days=1),
    }
