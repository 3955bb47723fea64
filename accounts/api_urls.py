from django.urls import path

from accounts.api import MeView, TokenObtainView

urlpatterns = [
    path("me/", MeView.as_view(), name="accounts-api-me"),
    path("token/", TokenObtainView.as_view(), name="accounts-api-token"),
]
