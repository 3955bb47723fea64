"""내 문의 (the shopper's 1:1 문의 pages), mounted at /inquiries/ by config/urls.py."""

from django.urls import path

from crm.views import inquiries

app_name = "chat"

urlpatterns = [
    path("", inquiries.inquiry_list, name="list"),
    path("new/", inquiries.inquiry_new, name="new"),
    path("<int:pk>/", inquiries.inquiry_detail, name="conversation"),
    path("<int:pk>/rate/", inquiries.inquiry_rate, name="rate"),
]
