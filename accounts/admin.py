from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Household, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "nickname", "email", "household", "marketing_consented_at", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "gender", "tracking_opted_out")
    search_fields = ("username", "nickname", "email", "phone")
    list_select_related = ("household",)
    autocomplete_fields = ("household",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("프로필"), {"fields": ("nickname", "email", "birth_date", "gender", "phone", "household")}),
        (
            _("수신 동의와 추천"),
            {"fields": ("marketing_consented_at", "night_marketing_consented_at", "tracking_opted_out")},
        ),
        (_("권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("주요 일시"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "nickname", "email", "password1", "password2")}),
    )


class MemberInline(admin.TabularInline):
    model = User
    fk_name = "household"
    fields = ("username", "nickname", "email", "date_joined")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("구성원")
    verbose_name_plural = _("구성원")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("name", "size", "has_children", "has_pets", "invite_code", "created_at")
    list_filter = ("has_children", "has_pets", "size")
    search_fields = ("name", "invite_code")
    readonly_fields = ("invite_code", "created_at")
    inlines = [MemberInline]
