from django.urls import path

from feed import api

urlpatterns = [
    path("events/", api.events_collect, name="feed-events"),
]
