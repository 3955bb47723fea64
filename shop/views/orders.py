"""Order confirmation, history and detail, and cancellation before shipping."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.errors import DomainError
from shop.forms import RefundAccountForm
from shop.models import PaymentStatus
from shop.selectors.orders import order_get_for_user, order_list_for_user
from shop.services.orders import order_cancel
from shop.services.payments import payment_refund_account_provide

ORDERS_PER_PAGE = 10


def _order_or_404(request: HttpRequest, number: str):
    try:
        return order_get_for_user(user=request.user, number=number)
    except DomainError as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def order_complete(request: HttpRequest, number: str) -> HttpResponse:
    return TemplateResponse(request, "shop/order_confirmation.html", {"order": _order_or_404(request, number)})


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(order_list_for_user(user=request.user), ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "shop/order_list.html", {"page": page, "orders": page.object_list})


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    return TemplateResponse(
        request, "shop/order_detail.html", {"order": _order_or_404(request, number), "refund_form": RefundAccountForm()}
    )


@login_required
@require_POST
def order_refund_account_view(request: HttpRequest, number: str) -> HttpResponse:
    """The refund account a refused virtual-account refund needs; the refund is sent again with it."""
    order = _order_or_404(request, number)
    form = RefundAccountForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "shop/order_detail.html", {"order": order, "refund_form": form}, status=400)
    try:
        payment = payment_refund_account_provide(order=order, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return TemplateResponse(request, "shop/order_detail.html", {"order": order, "refund_form": form}, status=400)
    if payment.status == PaymentStatus.REFUNDED:
        messages.success(request, _("환불했어요. 입력하신 계좌로 돈이 들어가요."))
    elif payment.status == PaymentStatus.REFUND_FAILED:
        messages.error(request, _("환불하지 못했어요: %(reason)s") % {"reason": payment.message})
    else:
        messages.info(request, _("환불 계좌를 받았어요. 환불이 끝나면 알려 드릴게요."))
    return redirect("shop:order_detail", number=number)


@login_required
@require_POST
def order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(request, number)
    try:
        order_cancel(order=order, actor=request.user, by_customer=True)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("주문을 취소했어요. 결제하신 금액은 결제 수단으로 돌려드려요."))
    return redirect("shop:order_detail", number=number)
