from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from crm.models import (
    BusinessHours,
    Campaign,
    ChatDuty,
    Conversation,
    LifecycleThresholds,
    SavedReply,
    SegmentationRun,
    Team,
    TeamMember,
)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 1
    fields = ("user", "role", "photo", "introduction", "sort_order")
    raw_id_fields = ("user",)
    ordering = ("sort_order", "pk")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "member_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TeamMemberInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("members"))

    @admin.display(description=_("팀원 수"), ordering="_member_count")
    def member_count(self, obj: Team) -> int:
        return obj._member_count


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("team", "role", "user", "sort_order")
    list_filter = ("role", "team")
    list_select_related = ("team", "user")
    search_fields = ("user__username", "user__nickname", "user__last_name", "team__name")
    raw_id_fields = ("user",)


# --- segmentation (the back office at /crm/ is the everyday tool; these are for admins) ---------------------------
@admin.register(LifecycleThresholds)
class LifecycleThresholdsAdmin(admin.ModelAdmin):
    """The one thresholds row: it can be edited, never added twice or deleted (the next run applies it)."""

    list_display = (
        "__str__",
        "new_days",
        "vip_min_orders",
        "vip_min_spend",
        "at_risk_days",
        "dormant_days",
        "updated_at",
    )
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request) -> bool:
        return not LifecycleThresholds.objects.filter(pk=1).exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        from django.utils import timezone

        obj.pk = 1
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(SegmentationRun)
class SegmentationRunAdmin(admin.ModelAdmin):
    """Runs are written by the engine only: admins read them here (start runs from the back office or beat)."""

    list_display = (
        "pk",
        "kind",
        "status",
        "trigger",
        "created_at",
        "started_at",
        "finished_at",
        "progress",
        "customers_total",
    )
    list_filter = ("kind", "status", "trigger")
    list_select_related = ("requested_by",)
    ordering = ("-created_at", "-pk")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in SegmentationRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("진행률(%)"))
    def progress(self, obj: SegmentationRun) -> int:
        return obj.progress_percent


# --- campaigns: created and launched in the back office (role-checked); admins may look and fix a typo -----------
@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "segment", "status", "scheduled_at", "audience_size", "control_percent")
    list_filter = ("status", "team", "is_promotional")
    list_select_related = ("team", "segment")
    search_fields = ("title",)
    raw_id_fields = ("segment", "coupon_rule", "created_by")
    readonly_fields = ("status", "audience_size", "launched_at", "finished_at", "created_at", "created_by")


# --- 1:1 문의: teams keep their hours, saved replies and who is on duty here; conversations are read-only (the inbox
# writes them through crm.services.chat, which numbers messages under a lock).
@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ("team", "weekday", "opens_at", "closes_at")
    list_filter = ("team", "weekday")


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "team")
    list_filter = ("team",)
    search_fields = ("title", "body")


@admin.register(ChatDuty)
class ChatDutyAdmin(admin.ModelAdmin):
    list_display = ("member", "is_on_duty", "last_assigned_at")
    list_editable = ("is_on_duty",)
    list_select_related = ("member__team", "member__user")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("pk", "customer", "team", "assignee", "status", "last_message_at", "rating")
    list_filter = ("status", "team")
    list_select_related = ("customer", "team", "assignee")
    readonly_fields = [field.name for field in Conversation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
