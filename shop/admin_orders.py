"""Admin for orders (Korean): search by number or buyer, filters, lines and history inline, state actions.

Every action goes through the order services, so admin changes follow the transition table, lock the row,
record a status event and send the signals like any other change.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError
from shop.models import (
    Address,
    NotificationLog,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusEvent,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from shop.services.orders import order_cancel, order_transition
from shop.services.payments import (
    REFUND_ACCOUNT_INVALID,
    REFUND_ACCOUNT_NOT_NEEDED,
    payment_deposit_confirm,
    payment_refund,
    payment_refund_account_set,
    payment_refund_retry,
    refund_account_number_normalize,
)
from shop.services.shipping import order_ship_locked, tracking_number_normalize


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product_name", "store_name", "unit_price", "list_price", "quantity", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderStatusEventInline(admin.TabularInline):
    model = OrderStatusEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "previous", "current", "note_text", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PaymentInlineForm(forms.ModelForm):
    """Only the refund account is editable; it is checked like the shopper's and saved by
    payment_refund_account_set (OrderAdmin.save_formset), never by saving the whole payment row."""

    account_fields = ("refund_bank_code", "refund_account_number", "refund_account_holder")

    class Meta:
        model = Payment
        fields = ("refund_bank_code", "refund_account_number", "refund_account_holder")

    def clean(self):
        cleaned = super().clean()
        entered = [cleaned.get(name) for name in self.account_fields]
        if not self.has_changed() or not any(entered):
            return cleaned
        if self.instance.method != PaymentMethod.BANK_TRANSFER or self.instance.status == PaymentStatus.REFUNDED:
            raise forms.ValidationError(REFUND_ACCOUNT_NOT_NEEDED)
        if not all(entered):
            raise forms.ValidationError(REFUND_ACCOUNT_INVALID)
        try:
            cleaned["refund_account_number"] = refund_account_number_normalize(cleaned["refund_account_number"])
        except DomainError as exc:
            self.add_error("refund_account_number", exc.message)
        return cleaned


class PaymentInline(admin.StackedInline):
    model = Payment
    form = PaymentInlineForm
    extra = 0
    can_delete = False
    readonly_fields = (
        "provider",
        "method",
        "status",
        "amount",
        "refunded_amount",
        "bank_name",
        "account_number",
        "deposit_deadline",
        "provider_ref",
        "refund_error_code",
        "message",
    )
    fields = (*readonly_fields, "refund_bank_code", "refund_account_number", "refund_account_holder")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NotificationLogInline(admin.TabularInline):
    """The notices this order sent (e-mail, 알림톡): one row per event and channel."""

    model = NotificationLog
    fk_name = "order"
    extra = 0
    can_delete = False
    fields = ("created_at", "event", "channel", "status", "recipient", "attempts", "sent_at", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderStoreFilter(admin.SimpleListFilter):
    title = _("가게")
    parameter_name = "store"

    def lookups(self, request, model_admin):
        from shop.models import Store

        return [(store.pk, store.name) for store in Store.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(lines__store_id=self.value()).distinct()
        return queryset


class RefundProblemFilter(admin.SimpleListFilter):
    """Refunds that need staff: refused by the provider (fix the cause, then 환불 다시 시도) or not answered yet."""

    title = _("환불 문제")
    parameter_name = "refund_problem"

    def lookups(self, request, model_admin):
        return [
            (PaymentStatus.REFUND_FAILED, _("환불 실패 (확인 필요)")),
            (PaymentStatus.REFUND_REQUESTED, _("환불 처리 중")),
        ]

    def queryset(self, request, queryset):
        if self.value() in (PaymentStatus.REFUND_FAILED, PaymentStatus.REFUND_REQUESTED):
            return queryset.filter(payment__status=self.value())
        return queryset


def _refund_refused_says_so(order: Order) -> None:
    """After an action that refunds: a refund the provider refused is reported to staff, not counted as done."""
    payment = Payment.objects.filter(order_id=order.pk, status=PaymentStatus.REFUND_FAILED).first()
    if payment is not None:
        raise DomainError(
            _("환불이 거절됐어요 (%(code)s %(message)s). 원인을 고친 뒤 '환불 다시 시도'를 눌러 주세요.")
            % {"code": payment.refund_error_code, "message": payment.message}
        )


def _run(modeladmin, request: HttpRequest, queryset: QuerySet[Order], action, done_message) -> None:
    done, failed = 0, []
    for order in queryset.order_by("pk"):
        try:
            action(order)
            done += 1
        except DomainError as exc:
            failed.append(f"{order.number}: {exc.message}")
    if done:
        modeladmin.message_user(request, done_message.format(count=done), messages.SUCCESS)
    for failure in failed:
        modeladmin.message_user(request, failure, messages.WARNING)


def _transition_action(target: str, label: str):
    def action(modeladmin, request, queryset):
        _run(
            modeladmin,
            request,
            queryset,
            lambda order: order_transition(order=order, target=target, actor=request.user),
            str(_("{count}건을 '%(label)s'(으)로 바꿨어요.")) % {"label": label},
        )

    action.__name__ = f"mark_{target}"
    action.short_description = _("선택한 주문을 '%(label)s'(으)로 바꾸기") % {"label": label}
    return action


class OrderAdminForm(forms.ModelForm):
    """Staff ship an order by entering the carrier and the waybill number here (shop.services.shipping.order_ship)."""

    class Meta:
        model = Order
        fields = (
            "recipient_name",
            "phone",
            "postal_code",
            "address1",
            "address2",
            "memo",
            "carrier",
            "tracking_number",
        )

    def clean(self):
        cleaned = super().clean()
        carrier, number = cleaned.get("carrier"), cleaned.get("tracking_number")
        if not {"carrier", "tracking_number"} & set(self.changed_data):
            return cleaned
        if not carrier or not number:
            raise forms.ValidationError(_("택배사와 운송장 번호를 함께 적어 주세요."))
        try:
            cleaned["tracking_number"] = tracking_number_normalize(number)
        except DomainError as exc:
            self.add_error("tracking_number", exc.message)
        if self.instance.status not in (OrderStatus.PAID, OrderStatus.PREPARING, OrderStatus.SHIPPED):
            raise forms.ValidationError(
                _("결제가 끝나고 아직 배송 전인 주문만 발송할 수 있어요. (지금 상태: %(status)s)")
                % {"status": self.instance.get_status_display()}
            )
        return cleaned


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    form = OrderAdminForm
    list_display = (
        "number",
        "user",
        "recipient_name",
        "status",
        "total",
        "payment_method",
        "refund_flag",
        "placed_at",
    )
    list_filter = (
        "status",
        RefundProblemFilter,
        ("placed_at", admin.DateFieldListFilter),
        OrderStoreFilter,
        "payment__method",
    )
    search_fields = ("number", "user__username", "user__nickname", "user__email", "recipient_name", "phone")
    date_hierarchy = "placed_at"
    list_select_related = ("user", "payment")
    inlines = (OrderLineInline, PaymentInline, OrderStatusEventInline, NotificationLogInline)
    readonly_fields = (
        "number",
        "user",
        "status",
        "subtotal",
        "shipping_fee",
        "coupon_discount",
        "points_used",
        "total",
        "placed_at",
        "paid_at",
        "cancelled_at",
        "stock_released",
        "attribution_source",
        "shipped_at",
        "tracking_link",
    )
    fieldsets = (
        (
            _("주문"),
            {"fields": ("number", "user", "status", "placed_at", "paid_at", "cancelled_at", "attribution_source")},
        ),
        (
            _("금액"),
            {"fields": ("subtotal", "shipping_fee", "coupon_discount", "points_used", "total", "stock_released")},
        ),
        (_("배송지"), {"fields": ("recipient_name", "phone", "postal_code", "address1", "address2", "memo")}),
        (
            _("배송"),
            {
                "fields": ("carrier", "tracking_number", "shipped_at", "tracking_link"),
                "description": _(
                    "택배사와 운송장 번호를 넣고 저장하면 주문이 '배송 중'으로 바뀌고 고객에게 배송 시작 알림이 가요."
                ),
            },
        ),
    )
    actions = (
        "confirm_deposit",
        _transition_action(OrderStatus.PREPARING, str(OrderStatus.PREPARING.label)),
        _transition_action(OrderStatus.SHIPPED, str(OrderStatus.SHIPPED.label)),
        _transition_action(OrderStatus.DELIVERED, str(OrderStatus.DELIVERED.label)),
        "cancel_orders",
        "refund_orders",
        "retry_refunds",
    )

    @admin.display(description=_("환불"))
    def refund_flag(self, order: Order) -> str:
        payment = getattr(order, "payment", None)
        if payment is None or payment.status != PaymentStatus.REFUND_FAILED:
            return ""
        return format_html(
            '<strong style="color:#c62828" title="{}">{} · {}</strong>',
            payment.message,
            _("환불 실패"),
            payment.refund_error_code,
        )

    @admin.display(description=_("결제 수단"))
    def payment_method(self, order: Order) -> str:
        payment = getattr(order, "payment", None)
        return payment.get_method_display() if payment else "-"

    @admin.display(description=_("배송 조회"))
    def tracking_link(self, order: Order) -> str:
        if not order.tracking_url:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', order.tracking_url, _("열기")
        )

    def save_model(self, request, obj, form, change) -> None:
        shipping = {"carrier", "tracking_number"} & set(form.changed_data)
        if not shipping:
            super().save_model(request, obj, form, change)
            return
        carrier, number = obj.carrier, obj.tracking_number
        saved = Order.objects.get(pk=obj.pk)
        obj.carrier, obj.tracking_number = saved.carrier, saved.tracking_number
        if set(form.changed_data) - shipping:
            super().save_model(request, obj, form, change)
        # The admin's change view already runs in a transaction: the locking variant joins it.
        shipped = order_ship_locked(order=obj, carrier=carrier, tracking_number=number, actor=request.user)
        obj.carrier, obj.tracking_number, obj.status = shipped.carrier, shipped.tracking_number, shipped.status

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("입금 확인 (무통장 입금 → 결제 완료)"))
    def confirm_deposit(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda order: payment_deposit_confirm(order=order, actor=request.user),
            str(_("{count}건의 입금을 확인했어요.")),
        )

    @admin.action(description=_("선택한 주문 취소 (재고 되돌림, 결제 환불)"))
    def cancel_orders(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda order: _refund_refused_says_so(order_cancel(order=order, actor=request.user, by_customer=False)),
            str(_("{count}건을 취소했어요.")),
        )

    @admin.action(description=_("선택한 주문 환불 (배송 완료 후 반품)"))
    def refund_orders(self, request, queryset):
        def refund(order: Order) -> None:
            order_transition(order=order, target=OrderStatus.REFUNDED, actor=request.user, note="returned_refunded")
            payment_refund(order=order)
            _refund_refused_says_so(order)

        _run(self, request, queryset, refund, str(_("{count}건을 환불했어요.")))

    @admin.action(description=_("환불 다시 시도 (실패 원인을 고친 뒤)"))
    def retry_refunds(self, request, queryset):
        def retry(order: Order) -> None:
            payment_refund_retry(order=order)
            _refund_refused_says_so(order)

        _run(self, request, queryset, retry, str(_("{count}건의 환불을 다시 요청했어요.")))

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Payment:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's change message reads (formset.save() would have set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for payment_form in formset.forms:
            data = payment_form.cleaned_data
            if not payment_form.has_changed() or not data.get("refund_account_number"):
                continue
            formset.changed_objects.append((payment_form.instance, payment_form.changed_data))
            payment_refund_account_set(
                order=form.instance,
                bank_code=data["refund_bank_code"],
                account_number=data["refund_account_number"],
                holder_name=data["refund_account_holder"],
            )


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("user", "label", "recipient_name", "address1", "is_default")
    search_fields = ("user__username", "recipient_name", "address1", "phone")
    raw_id_fields = ("user",)
