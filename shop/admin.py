"""Django admin for shop, in Korean. Sections per area; each area keeps to its own section."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shop.models import Category, Product, ProductImage, Store

# Orders (payments, saved addresses) and loyalty (coupons, points, subscriptions, reviews) register their admin
# classes in their own modules; importing them here is what makes admin autodiscovery find them.
from shop import admin_loyalty, admin_orders  # noqa: F401  isort: skip

# --- catalog: categories, corner shops, products -------------------------------------------------------------


class ChangedFieldsOnlyAdminMixin:
    """Save only the fields the editor changed, so an admin edit never overwrites a concurrent stock or
    sold_count update made by checkout in between (STYLE.md: never a bare save() on an existing row).

    Fields in `track_initial_fields` carry their value as shown to the editor in a hidden input, so "changed"
    means "the editor typed something else", not "differs from the row as it is now".
    """

    track_initial_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.track_initial_fields:
            formfield.show_hidden_initial = True
        return formfield

    def save_model(self, request, obj, form, change):
        if change and form.changed_data:
            obj.full_clean()
            fields = [name for name in form.changed_data if name in {f.name for f in obj._meta.concrete_fields}]
            obj.save(update_fields=fields or None)
        elif not change:
            super().save_model(request, obj, form, change)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "kind", "replenishment_days", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("kind", "is_active", ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "tagline", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("team",)
    search_fields = ("name", "slug", "team__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("team",)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1
    fields = ("image", "alt", "sort_order")
    ordering = ("sort_order", "pk")


@admin.register(Product)
class ProductAdmin(ChangedFieldsOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "store",
        "category",
        "price",
        "list_price",
        "discount_display",
        "stock",
        "is_active",
        "sold_count",
        "created_at",
    )
    list_editable = ("price", "stock", "is_active")
    track_initial_fields = ("price", "list_price", "stock", "is_active")
    list_filter = (
        "is_active",
        "category__kind",
        "is_subscribable",
        "store",
        ("category", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("store", "category")
    search_fields = ("name", "description", "store__name")
    autocomplete_fields = ("store", "category")
    readonly_fields = ("sold_count", "review_count", "rating_average", "created_at")
    inlines = (ProductImageInline,)
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("store", "category", "name", "description")}),
        (_("가격과 재고"), {"fields": ("price", "list_price", "stock", "is_active", "is_subscribable")}),
        (_("판매 현황"), {"fields": ("sold_count", "review_count", "rating_average", "created_at")}),
    )

    @admin.display(description=_("할인율"))
    def discount_display(self, obj: Product) -> str:
        return f"{obj.discount_rate}%" if obj.discount_rate else "-"
