"""The checkout page: address, order summary, payment. Thin: the form checks input, services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import DomainError
from shop.cart_session import request_cart
from shop.checkout_discounts import checkout_discounts_review, checkout_preview_with_discounts
from shop.forms import NEW_ADDRESS, AddressChoiceForm
from shop.models import OrderStatus, PaymentMethod
from shop.payment_context import widget_context, widget_payment_payload
from shop.payments import demo_payments_configured, payment_provider
from shop.payments.demo import DEMO_DECLINE
from shop.selectors.orders import addresses_for_user, order_for_idempotency_key
from shop.services.checkout import (
    IN_PROGRESS_RETRY_AFTER,
    CheckoutChanged,
    CheckoutInProgress,
    ShippingAddress,
    checkout_complete,
    seen_lines_decode,
    seen_lines_encode,
)

DEMO_OUTCOME_NOT_ALLOWED = gettext_lazy("결제 결과는 데모 결제에서만 고를 수 있어요.")
WIDGET_NEEDS_SCRIPT = gettext_lazy(
    "결제창을 열려면 자바스크립트가 필요해요. 브라우저에서 자바스크립트를 켜고 새로고침해 주세요."
)


class CheckoutForm(AddressChoiceForm):
    save_address = forms.BooleanField(label=gettext_lazy("이 배송지를 저장할게요"), required=False, initial=True)
    payment_method = forms.ChoiceField(
        label=gettext_lazy("결제 수단"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CARD,
        widget=forms.RadioSelect,
    )
    demo_outcome = forms.ChoiceField(
        label=gettext_lazy("데모 카드 결제 결과"),
        choices=[("approve", gettext_lazy("승인")), (DEMO_DECLINE, gettext_lazy("거절"))],
        initial="approve",
        required=False,
        widget=forms.RadioSelect,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def shipping_address(self) -> ShippingAddress:
        """The order's address: the saved one chosen (this order's memo, else the saved memo) or the one typed in."""
        saved = self.saved_address
        if saved is None:
            return self.typed_address()
        return ShippingAddress(
            recipient_name=saved.recipient_name,
            phone=saved.phone,
            postal_code=saved.postal_code,
            address1=saved.address1,
            address2=saved.address2,
            memo=self.cleaned_data.get("memo") or saved.memo,
        )

    @property
    def uses_saved_address(self) -> bool:
        return self.saved_address is not None


def _render(
    request: HttpRequest, *, form: CheckoutForm, info, changes=None, status: int = 200, discounts=None
) -> HttpResponse:
    context = {"form": form, "info": info, "changes": changes or [], "addresses": list(form.addresses.values())}
    context["POSTCODE_SCRIPT_URL"] = settings.POSTCODE_SCRIPT_URL  # 우편번호 찾기 (static/js/postcode.js)
    # The payment gateway's widget (static/js/toss-checkout.js) is drawn on this page only.
    context["toss"] = widget_context(request) if payment_provider().uses_widget else None
    if discounts is not None:
        context.update(discounts.context)  # coupon choices and points block (shop.checkout_discounts)
    return TemplateResponse(request, "shop/checkout.html", context, status=status)


def _wants_json(request: HttpRequest) -> bool:
    """The widget's script posts the form with fetch() and reads the order to pay from JSON."""
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request: HttpRequest, *, form: CheckoutForm, info, discounts, message: str, status: int = 400):
    if _wants_json(request):
        return JsonResponse({"detail": str(message)}, status=status)
    form.add_error(None, message)
    return _render(request, form=form, info=info, status=status, discounts=discounts)


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    """GET shows the summary with a fresh idempotency key and a snapshot of the prices shown;
    POST places and pays. A changed price or stock re-renders the page with the changes listed."""
    cart = request_cart(request)
    info, discounts = checkout_preview_with_discounts(request=request, cart=cart)
    if request.method == "POST":
        # Read after the cart: a double submit whose first request already emptied the cart finds its order here.
        already = order_for_idempotency_key(user=request.user, key=request.POST.get("idempotency_key", ""))
        if already is not None:
            if _wants_json(request):
                return JsonResponse(widget_payment_payload(request, already))
            return redirect("shop:order_complete", number=already.number)
    addresses = addresses_for_user(user=request.user)
    if not info.selected_lines:
        messages.info(request, _("주문할 상품을 장바구니에서 골라 주세요."))
        return redirect("shop:cart")
    if request.method != "POST" and not info.can_order:
        messages.warning(request, _("품절되었거나 재고가 부족한 상품이 있어요. 장바구니에서 수량을 확인해 주세요."))
        return redirect("shop:cart")
    if request.method != "POST":
        default = next((address for address in addresses if address.is_default), None)
        form = CheckoutForm(
            addresses=addresses,
            initial={
                "idempotency_key": uuid.uuid4(),
                "seen": seen_lines_encode(info),
                "address_choice": str(default.pk) if default else NEW_ADDRESS,
                "memo": default.memo if default else "",
                "recipient_name": "" if default else request.user.get_full_name() or request.user.display_name,
                "phone": "" if default else request.user.phone,
            },
        )
        return _render(request, form=form, info=info, discounts=discounts)

    review, review_message = checkout_discounts_review(request=request, discounts=discounts)
    if review and _wants_json(request):
        # The widget's script submits the form natively instead, so the page shows the new total.
        return JsonResponse({"detail": review_message, "resubmit": True}, status=409)
    if review:
        # Show the new total (or why a coupon/points were refused) before anything is paid.
        form = CheckoutForm(initial=request.POST.dict(), addresses=addresses)
        discounts.context["discount_error"] = review_message
        return _render(request, form=form, info=info, discounts=discounts, status=400 if discounts.error else 200)

    form = CheckoutForm(request.POST, addresses=addresses)
    if not form.is_valid():
        if _wants_json(request):
            errors = [str(message) for messages_ in form.errors.values() for message in messages_]
            return JsonResponse({"detail": errors[0], "errors": errors}, status=400)
        return _render(request, form=form, info=info, status=400, discounts=discounts)
    data = form.cleaned_data
    uses_widget = payment_provider().uses_widget
    if data.get("demo_outcome") and not demo_payments_configured():
        return _refuse(request, form=form, info=info, discounts=discounts, message=DEMO_OUTCOME_NOT_ALLOWED)
    if uses_widget and not _wants_json(request):
        return _refuse(request, form=form, info=info, discounts=discounts, message=WIDGET_NEEDS_SCRIPT)
    try:
        result = checkout_complete(
            user=request.user,
            cart=cart,
            idempotency_key=data["idempotency_key"],
            address=form.shipping_address(),
            seen_lines=seen_lines_decode(data.get("seen") or ""),
            payment_method=data["payment_method"],
            demo_outcome=data.get("demo_outcome") or "",
            save_address=bool(data.get("save_address")) and not form.uses_saved_address,
            discount_request=discounts.request,
        )
    except CheckoutInProgress as exc:
        if _wants_json(request):
            return JsonResponse(
                {"detail": exc.message, "code": exc.code},
                status=409,
                headers={"Retry-After": str(IN_PROGRESS_RETRY_AFTER)},
            )
        messages.info(request, exc.message)
        return redirect("shop:order_complete", number=exc.order.number)
    except CheckoutChanged as exc:
        if _wants_json(request):
            return JsonResponse({"detail": exc.message, "code": exc.code, "changes": exc.changes}, status=409)
        fresh, discounts = checkout_preview_with_discounts(request=request, cart=cart)
        post = request.POST.copy()
        post["seen"] = seen_lines_encode(fresh)
        form = CheckoutForm(post, addresses=addresses)
        form.is_valid()
        return _render(request, form=form, info=fresh, changes=exc.changes, status=409, discounts=discounts)
    except DomainError as exc:
        return _refuse(request, form=form, info=info, discounts=discounts, message=exc.message)
    order = result.order
    if uses_widget:
        return JsonResponse(widget_payment_payload(request, order))
    if order.status == OrderStatus.CANCELLED and result.created:
        messages.error(request, order.payment.message or _("결제가 승인되지 않았어요."))
        return redirect("shop:checkout")
    return redirect("shop:order_complete", number=order.number)
