from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from crm.models import Team, TeamMember


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
