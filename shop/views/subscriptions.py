"""정기배송 pages: the customer's subscriptions with their actions, and signing up from a product page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import DomainError
from shop.forms import NEW_ADDRESS, AddressChoiceForm
from shop.models import Address, Product, Subscription
from shop.payment_context import billing_context
from shop.payments import payment_provider
from shop.selectors.subscriptions import subscription_for_user, subscriptions_for_user
from shop.services.checkout import ShippingAddress
from shop.services.subscriptions import (
    MAX_QUANTITY,
    subscription_address_change,
    subscription_cancel,
    subscription_change,
    subscription_create,
    subscription_pause,
    subscription_resume,
    subscription_skip_next,
)

ACTION_DONE = {
    "skip": gettext_lazy("다음 배송을 건너뛰었어요."),
    "pause": gettext_lazy("정기배송을 잠시 멈췄어요. 언제든 다시 시작할 수 있어요."),
    "resume": gettext_lazy("정기배송을 다시 시작했어요."),
    "cancel": gettext_lazy("정기배송을 해지했어요. 그동안 이용해 주셔서 고마워요."),
    "interval": gettext_lazy("배송 주기를 바꿨어요."),
}


class SubscribeForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    interval_weeks = forms.TypedChoiceField(
        label=gettext_lazy("배송 주기"),
        choices=Subscription.Interval.choices,
        coerce=int,
        initial=Subscription.Interval.FOUR_WEEKS,
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(label=gettext_lazy("수량"), min_value=1, max_value=MAX_QUANTITY, initial=1)
    address = forms.IntegerField(label=gettext_lazy("배송지"))
    first_date = forms.DateField(
        label=gettext_lazy("첫 배송일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SubscriptionAddressForm(AddressChoiceForm):
    def chosen(self) -> tuple[Address | None, ShippingAddress | None]:
        """(saved address, None) or (None, the new address typed in)."""
        saved = self.saved_address
        return saved, None if saved is not None else self.typed_address()


def _render_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    return TemplateResponse(
        request,
        "shop/subscriptions.html",
        {
            "subscriptions": subscriptions_for_user(user=request.user),
            "intervals": Subscription.Interval.choices,
            "billing": billing_context(request) if payment_provider().uses_widget else None,
        },
        status=status,
    )


@login_required
@require_GET
def subscriptions(request: HttpRequest) -> HttpResponse:
    return _render_page(request)


@login_required
@require_POST
def subscription_subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("정기배송 신청 내용을 다시 확인해 주세요."))
        return redirect(request.POST.get("next") or "shop:subscriptions")
    data = form.cleaned_data
    product = get_object_or_404(Product, pk=data["product"])
    address = Address.objects.filter(user=request.user, pk=data["address"]).first()
    try:
        subscription_create(
            user=request.user,
            product=product,
            interval_weeks=data["interval_weeks"],
            address=address,
            quantity=data["quantity"],
            first_date=data.get("first_date") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shop:product", pk=product.pk)
    messages.success(request, _("정기배송을 시작했어요. 배송 하루 전에 미리 알려 드릴게요."))
    return redirect("shop:subscriptions")


@login_required
@require_POST
def subscription_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    subscription = subscription_for_user(user=request.user, pk=pk)
    if subscription is None or action not in ACTION_DONE:
        raise Http404(_("정기배송을 찾을 수 없어요."))
    try:
        if action == "skip":
            subscription_skip_next(subscription=subscription)
        elif action == "pause":
            subscription_pause(subscription=subscription)
        elif action == "resume":
            subscription_resume(subscription=subscription)
        elif action == "cancel":
            subscription_cancel(subscription=subscription)
        else:
            raw = request.POST.get("interval_weeks", "")
            subscription_change(subscription=subscription, interval_weeks=int(raw) if raw.isdigit() else 0)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ACTION_DONE[action])
    return redirect("shop:subscriptions")


@login_required
@require_http_methods(["GET", "POST"])
def subscription_address(request: HttpRequest, pk: int) -> HttpResponse:
    """Change where a subscription's next boxes go: a saved address or a new one."""
    subscription = subscription_for_user(user=request.user, pk=pk)
    if subscription is None or subscription.status == Subscription.Status.CANCELLED:
        raise Http404(_("정기배송을 찾을 수 없어요."))
    addresses = list(Address.objects.filter(user=request.user))
    initial = {"address_choice": str(subscription.address_id) if subscription.address_id else NEW_ADDRESS}
    form = SubscriptionAddressForm(request.POST or None, addresses=addresses, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, new_address = form.chosen()
            try:
                subscription_address_change(subscription=subscription, address=saved, new_address=new_address)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("배송지를 바꿨어요. 다음 배송부터 새 주소로 보내 드려요."))
                return redirect("shop:subscriptions")
    return TemplateResponse(
        request,
        "shop/subscription_address.html",
        {
            "subscription": subscription,
            "addresses": addresses,
            "form": form,
            "choice": form["address_choice"].value() or NEW_ADDRESS,
            "POSTCODE_SCRIPT_URL": settings.POSTCODE_SCRIPT_URL,
        },
        status=status,
    )
