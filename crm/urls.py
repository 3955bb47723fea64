from django.urls import path

from crm.views import avatars

app_name = "crm"

urlpatterns = [
    path("avatar/<int:pk>.png", avatars.member_avatar, name="member_avatar"),
]
