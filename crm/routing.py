from django.urls import path

from crm.consumers import ChatConsumer, InboxConsumer

websocket_urlpatterns = [
    path("ws/chat/<int:pk>/", ChatConsumer.as_asgi()),
    path("ws/crm/inbox/<str:slug>/", InboxConsumer.as_asgi()),
]
