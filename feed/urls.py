from django.urls import path

from feed import views

app_name = "feed"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("items/<int:pk>/read/", views.item_read, name="item_read"),
    path("items/<int:pk>/claim/", views.item_claim, name="item_claim"),
    path("items/<int:pk>/go/", views.item_go, name="item_go"),
    path("items/<int:pk>/seen/", views.item_seen, name="item_seen"),
    path("greetings/<int:pk>/claim/", views.greeting_claim, name="greeting_claim"),
]
