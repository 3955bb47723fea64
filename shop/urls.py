from django.urls import path

from shop.views import catalog

app_name = "shop"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("categories/", catalog.categories, name="categories"),
    path("c/<str:slug>/", catalog.category, name="category"),
    path("p/<int:pk>/", catalog.product, name="product"),
    path("s/<str:slug>/", catalog.store, name="store"),
    path("search/", catalog.search, name="search"),
]
