"""Django admin for loyalty: coupon rules (with issuing to customers), wallets, points, subscriptions, reviews.

Every write that carries an invariant goes through the services (coupon limits, point balance), never a bare save.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError
from shop.models import CouponRule, IssuedCoupon, PointEntry, Review, ReviewReply, Subscription, SubscriptionRun
from shop.services.coupons import coupon_issue
from shop.services.points import point_adjust


class CouponIssueForm(forms.Form):
    usernames = forms.CharField(
        label=_("받을 회원 아이디"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("한 줄에 한 명씩 적어 주세요."),
    )
    note = forms.CharField(label=_("발급 근거"), max_length=100, required=False)


@admin.register(CouponRule)
class CouponRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "discount_label",
        "min_order_amount",
        "scope",
        "issued_count",
        "total_issue_limit",
        "is_active",
    )
    list_filter = ("is_active", "scope", "discount_kind", "is_stackable")
    search_fields = ("name", "code")
    autocomplete_fields = ("store", "category", "product")
    readonly_fields = ("issued_count",)
    actions = ["issue_to_customers"]

    @admin.display(description=_("할인"))
    def discount_label(self, obj: CouponRule) -> str:
        return obj.discount_label

    def get_urls(self):
        return [
            path(
                "<int:pk>/issue/",
                self.admin_site.admin_view(self.issue_view),
                name="shop_couponrule_issue",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("선택한 쿠폰을 회원에게 발급하기"))
    def issue_to_customers(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("쿠폰 규칙을 하나만 골라 주세요."), messages.WARNING)
            return None
        return redirect(reverse("admin:shop_couponrule_issue", args=[queryset.get().pk]))

    def issue_view(self, request, pk: int):
        rule = CouponRule.objects.get(pk=pk)
        form = CouponIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            names = [line.strip() for line in form.cleaned_data["usernames"].splitlines() if line.strip()]
            users = {user.username: user for user in get_user_model().objects.filter(username__in=names)}
            issued, refused = 0, []
            for name in names:
                user = users.get(name)
                if user is None:
                    refused.append(f"{name}: {_('없는 회원이에요.')}")
                    continue
                try:
                    coupon_issue(
                        rule=rule, user=user, source=IssuedCoupon.Source.ADMIN, source_ref=form.cleaned_data["note"]
                    )
                    issued += 1
                except DomainError as exc:
                    refused.append(f"{name}: {exc.message}")
            self.message_user(request, _("%(count)d명에게 발급했어요.") % {"count": issued}, messages.SUCCESS)
            for line in refused[:20]:
                self.message_user(request, line, messages.WARNING)
            return redirect(reverse("admin:shop_couponrule_change", args=[rule.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "rule": rule, "title": _("쿠폰 발급")}
        return TemplateResponse(request, "admin/shop/couponrule/issue.html", context)


@admin.register(IssuedCoupon)
class IssuedCouponAdmin(admin.ModelAdmin):
    list_display = ("rule", "user", "source", "issued_at", "expires_at", "used_at", "order")
    list_filter = ("source", ("used_at", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "rule__name", "rule__code")
    list_select_related = ("rule", "user", "order")
    raw_id_fields = ("user", "order")
    readonly_fields = ("rule", "user", "source", "source_ref", "issued_at", "expires_at", "used_at", "order")

    def has_add_permission(self, request) -> bool:
        return False  # issue through the coupon rule's "발급하기" action so the limits hold


class PointAdjustForm(forms.ModelForm):
    class Meta:
        model = PointEntry
        fields = ("user", "amount", "note")


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "amount", "order", "note_text", "created_at", "expires_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "order__number", "note")
    list_select_related = ("user", "order")
    raw_id_fields = ("user", "order")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PointAdjustForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # the ledger is append-only
            return [field.name for field in PointEntry._meta.fields]
        return ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            entry = point_adjust(user=obj.user, amount=obj.amount, note=obj.note or "admin_adjust")
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = entry.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SubscriptionRunInline(admin.TabularInline):
    model = SubscriptionRun
    extra = 0
    can_delete = False
    readonly_fields = ("due_date", "outcome", "order", "message", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "product", "interval_weeks", "quantity", "status", "next_due_date")
    list_filter = ("status", "interval_weeks")
    search_fields = ("user__username", "product__name")
    list_select_related = ("user", "product")
    raw_id_fields = ("user", "product", "address")
    inlines = [SubscriptionRunInline]


class ReviewReplyInline(admin.StackedInline):
    model = ReviewReply
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "user", "rating", "helpful_count", "is_visible", "created_at")
    list_filter = ("rating", "is_visible")
    search_fields = ("product__name", "user__username", "body")
    list_select_related = ("product", "user")
    raw_id_fields = ("order_line", "product", "user")
    inlines = [ReviewReplyInline]
