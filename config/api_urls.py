"""Every app's API under /api/: each app exposes `api_urlpatterns` in its api_urls module."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.api_urls")),
    path("", include("shop.api_urls")),
    path("", include("feed.api_urls")),
    path("crm/", include("crm.api_urls")),
    path("community/", include("community.api_urls")),
]
