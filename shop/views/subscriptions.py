"""정기배송 pages: the customer's subscriptions with their actions, and signing up from a product page."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from config.errors import DomainError
from shop.models import Address, Product, Subscription
from shop.payments import payment_provider
from shop.selectors.subscriptions import subscription_for_user, subscriptions_for_user
from shop.services.subscriptions import (
    MAX_QUANTITY,
    subscription_cancel,
    subscription_change,
    subscription_create,
    subscription_pause,
    subscription_resume,
    subscription_skip_next,
)
from shop.views.payments import billing_context

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
