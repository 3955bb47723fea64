"""The coupon and points block of the checkout page: what the form asked for, the breakdown with those discounts
(or without them, with the reason), and whether a pay click must show the page again first.

Request-level helpers for shop.views.checkout, kept outside the views package (a view never imports another view
module); the prices come from shop.services.checkout and the choices from shop.selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.errors import DomainError
from shop.models import Cart
from shop.selectors.cart import CheckoutInfo
from shop.selectors.coupons import coupon_options_for_checkout
from shop.selectors.points import point_balance
from shop.services.checkout import DiscountRequest, checkout_preview

APPLY_DISCOUNTS = "apply_discounts"
POINTS_NOT_A_NUMBER = gettext_noop("적립금은 숫자로 입력해 주세요.")
DISCOUNTS_RECALCULATED = gettext_noop("할인을 다시 계산했어요. 결제 금액을 확인하고 결제해 주세요.")


@dataclass
class CheckoutDiscounts:
    """What the shopper asked for, the error that refused it (if any), and the page's coupon/points context."""

    request: DiscountRequest
    error: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """What the shown total was computed with; a pay click with other choices is re-shown first."""
        return discounts_fingerprint(self.request)


def discounts_fingerprint(request: DiscountRequest) -> str:
    coupons = ",".join(str(pk) for pk in sorted(request.all_coupon_ids))
    return f"{coupons}|{request.points}"


def _discount_request_from_post(request: HttpRequest) -> tuple[DiscountRequest, str]:
    if request.method != "POST":
        return DiscountRequest(), ""
    coupon_ids = tuple(int(value) for value in request.POST.getlist("coupon") if value.isdigit())
    raw_points = (request.POST.get("points") or "").replace(",", "").replace("원", "").strip()
    if raw_points and not raw_points.isdigit():
        return DiscountRequest(coupon_ids=coupon_ids), _(POINTS_NOT_A_NUMBER)
    return DiscountRequest(coupon_ids=coupon_ids, points=int(raw_points or 0)), ""


def checkout_preview_with_discounts(
    *, request: HttpRequest, cart: Cart | None
) -> tuple[CheckoutInfo, CheckoutDiscounts]:
    """The checkout breakdown with the coupons and points the form asked for.

    A refused choice (expired coupon, below minimum, too many points...) shows the breakdown without
    discounts and carries the Korean reason in `discounts.error`, so the page can say why.
    """
    user = request.user
    discount_request, error = _discount_request_from_post(request)
    info = None
    if not error:
        try:
            info = checkout_preview(cart=cart, user=user, discount_request=discount_request)
        except DomainError as exc:
            error = exc.message
    if info is None:
        info = checkout_preview(cart=cart, user=user)
    discounts = CheckoutDiscounts(request=discount_request, error=error)
    discounts.context = {
        "coupon_options": coupon_options_for_checkout(user=user, lines=info.selected_lines),
        "point_balance": point_balance(user=user),
        "discount_error": error,
        "chosen_coupon_ids": set(discount_request.all_coupon_ids),
        "points_requested": discount_request.points or "",
        "applied_discounts": discounts_fingerprint(discount_request)
        if not error
        else discounts_fingerprint(DiscountRequest()),
    }
    return info, discounts


def checkout_discounts_review(*, request: HttpRequest, discounts: CheckoutDiscounts) -> tuple[bool, str]:
    """Whether a POST must show the page again instead of paying, and the message to show.

    Yes when the shopper pressed 적용 (no message), when a choice was refused (its reason), or when the
    choices differ from those the shown total was computed with (so nobody pays an amount they did not see).
    """
    if APPLY_DISCOUNTS in request.POST:
        return True, ""
    if discounts.error:
        return True, discounts.error
    if request.POST.get("applied_discounts", discounts.fingerprint) != discounts.fingerprint:
        return True, _(DISCOUNTS_RECALCULATED)
    return False, ""
