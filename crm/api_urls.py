"""The back office's API, mounted at /api/crm/ by config/api_urls.py."""

from django.urls import path

from crm import api, api_chat

urlpatterns = [
    path("teams/<str:slug>/customers/", api.TeamCustomerListView.as_view(), name="api-crm-customers"),
    path(
        "teams/<str:slug>/customers/<int:customer_id>/",
        api.TeamCustomerDetailView.as_view(),
        name="api-crm-customer",
    ),
    path("chat/<int:pk>/messages/", api_chat.ChatMessagesView.as_view(), name="api-chat-messages"),
    path("teams/<str:slug>/segments/", api.TeamSegmentListView.as_view(), name="api-crm-segments"),
]
