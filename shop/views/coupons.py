"""The coupon wallet (쿠폰함): usable and past coupons, and the code-entry form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from config.ratelimit import RateLimited, client_ip
from shop.models import Cart
from shop.selectors.cart import CheckoutInfo
from shop.selectors.coupons import coupon_options_for_checkout, coupon_wallet
from shop.selectors.points import point_balance
from shop.services.checkout import DiscountRequest, checkout_preview
from shop.services.coupons import coupon_claim_by_code


class CouponCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("쿠폰 코드"),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "placeholder": gettext_lazy("예: WELCOME2026"),
                "autocomplete": "off",
                "autocapitalize": "characters",
            }
        ),
    )


def _render(request: HttpRequest, *, form: CouponCodeForm, status: int = 200, notice: str = "") -> HttpResponse:
    response = TemplateResponse(
        request,
        "shop/wallet.html#wallet-body" if request.htmx else "shop/wallet.html",
        {"form": form, "wallet": coupon_wallet(user=request.user), "notice": notice},
        status=status,
    )
    response["Vary"] = "HX-Request"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wallet(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, form=CouponCodeForm())
    form = CouponCodeForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    try:
        coupon = coupon_claim_by_code(code=form.cleaned_data["code"], user=request.user, ip=client_ip(request))
    except DomainError as exc:
        form.add_error("code", exc.message)
        response = _render(request, form=form, status=exc.http_status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    notice = _("'%(name)s' 쿠폰을 쿠폰함에 넣어 드렸어요.") % {"name": coupon.rule.name}
    if request.htmx:
        return _render(request, form=CouponCodeForm(), notice=notice)
    messages.success(request, notice)
    return redirect("shop:wallet")


# --- The coupon and points block of the checkout page (used by shop.views.checkout) ---------------------------

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
