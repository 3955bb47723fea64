from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from shop.hooks import product_panels
from shop.models import Category, Product, Store


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/home.html")


def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/categories.html", {"categories": Category.objects.filter(is_active=True)})


def category(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "shop/category.html", {"category": get_object_or_404(Category, slug=slug)})


def product(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Product.objects.select_related("store", "category"), pk=pk, is_active=True)
    return render(request, "shop/product.html", {"product": obj, "panels": product_panels(request, obj)})


def store(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "shop/store.html", {"store": get_object_or_404(Store, slug=slug)})


def search(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/search.html", {"q": request.GET.get("q", "")})
