"""Read-only catalog representations for /api/ (thin: every value comes from the selectors' querysets)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop.models import Category, Product, ProductImage, Store


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name", "slug", "kind", "replenishment_days", "parent", "sort_order")


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name", "slug", "kind")


class StoreSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Store
        fields = ("id", "name", "slug", "tagline", "team")


class StoreBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = ("id", "name", "slug")


class ProductImageSerializer(serializers.ModelSerializer):
    url = serializers.ImageField(source="image", read_only=True)

    class Meta:
        model = ProductImage
        fields = ("url", "alt", "sort_order")


class ProductSerializer(serializers.ModelSerializer):
    store = StoreBriefSerializer(read_only=True)
    category = CategoryBriefSerializer(read_only=True)
    discount_rate = serializers.IntegerField(read_only=True)
    in_stock = serializers.BooleanField(read_only=True)
    image = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = (
            "id",
            "name",
            "store",
            "category",
            "price",
            "list_price",
            "discount_rate",
            "in_stock",
            "is_subscribable",
            "review_count",
            "rating_average",
            "sold_count",
            "image",
            "created_at",
        )

    @extend_schema_field(serializers.URLField())
    def get_image(self, obj: Product) -> str:
        request = self.context.get("request")
        url = obj.card_image_url
        return request.build_absolute_uri(url) if request else url


class ProductDetailSerializer(ProductSerializer):
    images = ProductImageSerializer(many=True, read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = (*ProductSerializer.Meta.fields, "description", "stock", "images")
