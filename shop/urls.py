from django.urls import path

from shop.views import catalog

app_name = "shop"

urlpatterns = [
    path("", catalog.home, name="home"),
]
