"""Admin: greetings (with a preview of what a customer would see), time slots, nudge rules with their
measurement (fired / shown / clicked / claimed / ordered, treatment vs control, uplift), feed items."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feed import audiences, selectors
from feed.models import Exposure, FeedItem, Greeting, NudgeRule, TimeSlot


class GreetingForm(forms.ModelForm):
    audience = forms.ChoiceField(label=_("대상"), choices=())

    class Meta:
        model = Greeting
        exclude: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = audiences.choices()


class PreviewForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("고객 (비우면 비회원)"), queryset=get_user_model().objects.order_by("pk"), required=False
    )
    when = forms.DateTimeField(
        label=_("날짜와 시각 (서울)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), required=False
    )


def _measure(qs, prefix: str):
    """Annotate treatment/control counts of each funnel step through the `exposures` relation."""
    annotations = {}
    for group, control in (("t", False), ("c", True)):
        base = Q(**{f"{prefix}__is_control": control})
        annotations[f"{group}_fired"] = Count(prefix, filter=base)
        annotations[f"{group}_ordered"] = Count(prefix, filter=base & Q(**{f"{prefix}__ordered_at__isnull": False}))
    annotations["t_shown"] = Count(
        prefix, filter=Q(**{f"{prefix}__is_control": False, f"{prefix}__shown_at__isnull": False})
    )
    annotations["t_clicked"] = Count(
        prefix, filter=Q(**{f"{prefix}__is_control": False, f"{prefix}__clicked_at__isnull": False})
    )
    annotations["t_claimed"] = Count(
        prefix, filter=Q(**{f"{prefix}__is_control": False, f"{prefix}__claimed_at__isnull": False})
    )
    return qs.annotate(**annotations)


def _rate(ordered: int, fired: int) -> float | None:
    return ordered / fired if fired else None


def uplift_label(obj) -> str:
    treatment, control = _rate(obj.t_ordered, obj.t_fired), _rate(obj.c_ordered, obj.c_fired)
    if treatment is None:
        return "-"
    if control is None:
        return f"{treatment:.1%} (대조군 없음)"
    return f"{treatment:.1%} vs {control:.1%} ({(treatment - control) * 100:+.1f}%p)"


class MeasuredAdmin(admin.ModelAdmin):
    @admin.display(description=_("발생"))
    def fired(self, obj) -> int:
        return obj.t_fired

    @admin.display(description=_("노출"))
    def shown(self, obj) -> int:
        return obj.t_shown

    @admin.display(description=_("클릭"))
    def clicked(self, obj) -> int:
        return obj.t_clicked

    @admin.display(description=_("쿠폰 받음"))
    def claimed(self, obj) -> int:
        return obj.t_claimed

    @admin.display(description=_("주문 (대조군)"))
    def ordered(self, obj) -> str:
        return f"{obj.t_ordered} ({obj.c_ordered}/{obj.c_fired})"

    @admin.display(description=_("주문 전환율 향상"))
    def uplift(self, obj) -> str:
        return uplift_label(obj)

    def get_queryset(self, request):
        return _measure(super().get_queryset(request), "exposures")


@admin.register(TimeSlot)
class TimeSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "start_hour", "end_hour"]


@admin.register(Greeting)
class GreetingAdmin(MeasuredAdmin):
    form = GreetingForm
    list_display = [
        "name",
        "audience",
        "priority",
        "day_kind",
        "is_active",
        "benefit",
        "fired",
        "claimed",
        "ordered",
        "uplift",
    ]
    list_filter = ["is_active", "audience", "day_kind"]
    filter_horizontal = ["time_slots"]
    list_select_related = ["benefit"]
    change_list_template = "admin/feed/greeting/change_list.html"

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="feed_greeting_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        form = PreviewForm(request.GET or None)
        result = None
        when = None
        if form.is_valid():
            when = form.cleaned_data["when"] or timezone.now()
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
            result = selectors.greeting_for(user=form.cleaned_data["customer"], visitor_id=None, now=when)
        context = {
            **self.admin_site.each_context(request),
            "title": _("인사말 미리보기"),
            "form": form,
            "result": result,
            "when": when,
            "submitted": form.is_bound and form.is_valid(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/feed/greeting/preview.html", context)


@admin.register(NudgeRule)
class NudgeRuleAdmin(MeasuredAdmin):
    list_display = [
        "name",
        "event_type",
        "priority",
        "is_active",
        "is_promotional",
        "control_percent",
        "fired",
        "shown",
        "clicked",
        "claimed",
        "ordered",
        "uplift",
    ]
    list_filter = ["is_active", "event_type", "is_promotional"]
    list_select_related = ["coupon_rule"]
    raw_id_fields = ["category", "product"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "priority", "starts_at", "ends_at"]}),
        (
            _("언제 (행동 조건)"),
            {
                "fields": [
                    "event_type",
                    "category",
                    "product",
                    "search_term",
                    "utm_source",
                    "min_count",
                    "window_minutes",
                    "min_dwell_seconds",
                ]
            },
        ),
        (_("누구에게"), {"fields": ["audience", "tenure"]}),
        (_("무엇을"), {"fields": ["title", "message", "link", "coupon_rule", "is_promotional"]}),
        (_("얼마나 자주"), {"fields": ["cooldown_minutes", "control_percent"]}),
    ]


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    list_display = ["shown_title", "kind", "user", "visitor_id", "is_promotional", "read_at", "created_at"]
    list_filter = ["kind", "is_promotional"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "coupon", "claimable_rule", "exposure"]
    # A coded item is rendered from its code in each reader's language; its stored title and body are the fallback.
    readonly_fields = ["message_code", "message_params"]
    date_hierarchy = "created_at"

    @admin.display(description=_("제목"), ordering="title")
    def shown_title(self, item: FeedItem) -> str:
        return item.title_text


@admin.register(Exposure)
class ExposureAdmin(admin.ModelAdmin):
    list_display = [
        "rule",
        "greeting",
        "user",
        "is_control",
        "fired_at",
        "shown_at",
        "clicked_at",
        "claimed_at",
        "ordered_at",
    ]
    list_filter = ["is_control", "rule", "greeting"]
    list_select_related = ["rule", "greeting", "user"]
    raw_id_fields = ["user"]
