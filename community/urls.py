from django.urls import path  # noqa: F401 (routes are added per area)

app_name = "community"

urlpatterns: list = []
