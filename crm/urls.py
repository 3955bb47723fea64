from django.urls import path

from crm import views

app_name = "crm"

urlpatterns = [
    path("avatar/<int:pk>.png", views.member_avatar, name="member_avatar"),
]
