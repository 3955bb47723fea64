"""community's API under /api/community/ (included from config/api_urls.py)."""

from django.urls import path

from community.api import boards, tours

urlpatterns: list = [
    # tours (H6)
    path("tours/", tours.TourListView.as_view(), name="api-community-tours"),
    path("tours/<int:pk>/", tours.TourDetailView.as_view(), name="api-community-tour"),
    path("my/tours/", tours.MyTourListView.as_view(), name="api-community-my-tours"),
    # boards (H7)
    path("dong/<str:slug>/posts/", boards.NeighbourhoodPostListView.as_view(), name="api-community-board-posts"),
    path("posts/<int:pk>/", boards.BoardPostDetailView.as_view(), name="api-community-post"),
    path("my/posts/", boards.MyPostListView.as_view(), name="api-community-my-posts"),
]
