"""Read-only catalog API: categories, shops and products (filter by category, shop, price range, search)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Prefetch, Q, QuerySet
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from shop.api.serializers_catalog import (
    CategorySerializer,
    ProductDetailSerializer,
    ProductSerializer,
    StoreSerializer,
)
from shop.models import Category, Product, ProductImage, Store
from shop.selectors.catalog import SORT_RELEVANCE, ProductFilters, product_cards, product_search


class WonFilter(django_filters.NumberFilter):
    """Prices are whole won: the filter takes an integer (the schema says so) and refuses 0.5."""

    field_class = forms.IntegerField


class TrueFalseField(forms.TypedChoiceField):
    """A query flag is "true" or "false" (the schema's boolean); "null", "yes" or "2" are a 400, not ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true")
        super().__init__(*args, empty_value=None, **kwargs)


class TrueFalseFilter(django_filters.BooleanFilter):
    field_class = TrueFalseField


class ProductFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(method="filter_category", label="카테고리 슬러그 (하위 카테고리 포함)")
    store = django_filters.CharFilter(field_name="store__slug", label="가게 슬러그")
    price_min = WonFilter(field_name="price", lookup_expr="gte", label="최소 가격(원)")
    price_max = WonFilter(field_name="price", lookup_expr="lte", label="최대 가격(원)")
    in_stock = TrueFalseFilter(method="filter_in_stock", label="구매 가능한 상품만")
    q = django_filters.CharFilter(method="filter_search", label="검색어 (이름·설명, 부분 일치)")

    class Meta:
        model = Product
        fields: list[str] = []

    def filter_category(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        return queryset.filter(Q(category__slug=value) | Q(category__parent__slug=value))

    def filter_in_stock(self, queryset: QuerySet[Product], name: str, value: bool) -> QuerySet[Product]:
        return queryset.filter(stock__gt=0) if value else queryset

    def filter_search(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        matches = product_search(query=value, filters=ProductFilters(sort=SORT_RELEVANCE))
        return queryset.filter(pk__in=matches.values("pk"))


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Active categories (the tree: `parent` is null for top-level ones)."""

    serializer_class = CategorySerializer
    permission_classes = (AllowAny,)
    queryset = Category.objects.filter(is_active=True).order_by("parent_id", "sort_order", "name")
    filterset_fields = ("kind", "parent")
    lookup_field = "slug"


class StoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Open corner shops and the MD team that runs each."""

    serializer_class = StoreSerializer
    permission_classes = (AllowAny,)
    queryset = Store.objects.filter(is_active=True).select_related("team").order_by("name")
    filterset_fields: tuple[str, ...] = ()
    lookup_field = "slug"


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Products on sale, most sold first."""

    permission_classes = (AllowAny,)
    filterset_class = ProductFilter

    def get_queryset(self) -> QuerySet[Product]:
        if self.action == "retrieve":
            images = Prefetch("images", queryset=ProductImage.objects.order_by("sort_order", "pk"))
            return product_cards().defer(None).prefetch_related(images)
        return product_cards().order_by("-sold_count", "-pk")

    def get_serializer_class(self):
        return ProductDetailSerializer if self.action == "retrieve" else ProductSerializer
