"""Admin for 동네생활, Q&A, notices, 체험단 and moderation. Staff write notices and events and open 체험단 here;
user content is listed for lookups (moderators hide and restore it from /community/moderation/)."""

from django.contrib import admin

from community.models import (
    BoardPost,
    CommunityBan,
    LocalStore,
    Neighbourhood,
    Notice,
    ProductQuestion,
    Report,
    TrialApplication,
    TrialGroup,
)


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "city", "latitude", "longitude")
    search_fields = ("name", "district")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(LocalStore)
class LocalStoreAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "neighbourhood", "review_count", "rating_average", "is_hidden")
    list_filter = ("kind", "is_hidden", "neighbourhood")
    search_fields = ("name", "address")
    raw_id_fields = ("mall_store", "created_by")
    readonly_fields = ("review_count", "rating_average", "report_count")


@admin.register(BoardPost)
class BoardPostAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "topic",
        "neighbourhood",
        "author",
        "like_count",
        "comment_count",
        "report_count",
        "is_hidden",
        "created_at",
    )
    list_filter = ("topic", "is_hidden", "neighbourhood")
    search_fields = ("title", "body", "author__username")
    list_select_related = ("neighbourhood", "author")
    raw_id_fields = ("author", "local_store")
    readonly_fields = ("like_count", "comment_count", "report_count")


@admin.register(ProductQuestion)
class ProductQuestionAdmin(admin.ModelAdmin):
    list_display = ("product", "asker", "is_private", "answered_at", "is_hidden", "created_at")
    list_filter = ("is_private", "is_hidden")
    search_fields = ("body", "product__name")
    list_select_related = ("product", "asker")
    raw_id_fields = ("product", "asker", "answered_by")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "is_pinned", "is_published", "starts_at", "ends_at", "created_at")
    list_filter = ("kind", "is_pinned", "is_published")
    search_fields = ("title", "body")
    exclude = ("author", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


class TrialApplicationInline(admin.TabularInline):
    model = TrialApplication
    extra = 0
    fields = ("user", "status", "answers", "created_at", "decided_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(TrialGroup)
class TrialGroupAdmin(admin.ModelAdmin):
    """Open a 체험단 here (questions and aspects as JSON lists: ["피부 타입"]); select testers on its manage page."""

    list_display = ("title", "product", "slots", "selected_count", "apply_starts_at", "apply_ends_at")
    search_fields = ("title", "product__name")
    raw_id_fields = ("product",)
    readonly_fields = ("selected_count",)
    exclude = ("created_by", "created_at")
    inlines = (TrialApplicationInline,)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("content_type", "object_id", "reason", "reporter", "resolution", "created_at")
    list_filter = ("resolution", "reason", "content_type")
    raw_id_fields = ("reporter", "resolved_by")


@admin.register(CommunityBan)
class CommunityBanAdmin(admin.ModelAdmin):
    list_display = ("user", "reason", "ends_at", "lifted_at", "created_at")
    raw_id_fields = ("user", "created_by")
    search_fields = ("user__username", "reason")
