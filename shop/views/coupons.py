"""The coupon wallet (쿠폰함): usable and past coupons, and the code-entry form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from config.ratelimit import RateLimited, client_ip
from shop.selectors.coupons import coupon_wallet
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
