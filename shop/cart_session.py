"""Which cart a request is using: the user's, or the anonymous one whose id the session keeps.

The id lives in the session data (not the session key), so it survives the key rotation at log-in,
where `cart_merge_on_login` folds it into the user's cart.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shop.models import Cart
from shop.selectors.cart import cart_find, cart_line_count
from shop.services.cart import cart_get_or_create, cart_merge, cart_select_only

SESSION_CART_ID = "shop_cart_id"
# 바로구매 before logging in: remember the product, so after the carts merge only it is ticked for checkout.
SESSION_BUY_NOW = "shop_buy_now_product_id"


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _session_cart_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_CART_ID) if hasattr(request, "session") else None
    return value if isinstance(value, int) else None


def request_cart(request: HttpRequest) -> Cart | None:
    return cart_find(user_id=_user_id(request), cart_id=_session_cart_id(request))


def request_cart_or_create(request: HttpRequest) -> Cart:
    user = request.user if _user_id(request) is not None else None
    cart = cart_get_or_create(user=user, cart_id=_session_cart_id(request))
    if user is None and _session_cart_id(request) != cart.pk:
        request.session[SESSION_CART_ID] = cart.pk
    return cart


def cart_count_context(request: HttpRequest) -> dict[str, Any]:
    """Page-context provider for the top bar's badge: one COUNT query, none for a visitor without a cart."""
    return {"cart_count": cart_line_count(user_id=_user_id(request), cart_id=_session_cart_id(request))}


def cart_merge_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: the visitor's anonymous cart joins the user's cart."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = _session_cart_id(request)
    buy_now = request.session.pop(SESSION_BUY_NOW, None)
    if cart_id is None:
        return
    source = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    if source is not None:
        merged = cart_merge(source=source, user=user)
        if isinstance(buy_now, int):
            cart_select_only(cart=merged, product_id=buy_now)
    request.session.pop(SESSION_CART_ID, None)
