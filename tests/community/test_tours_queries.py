"""집들이 pages and API keep a constant number of queries whatever the number of tours, photos, pins or comments
(the worst path: caches empty, see the assert_constant_queries fixture)."""

import pytest
from django.urls import reverse

from community.services import social
from tests.accounts.factories import UserFactory
from tests.community.factories import (
    DraftTourFactory,
    TourCommentFactory,
    TourFactory,
    TourPhotoFactory,
    TourPinFactory,
)
from tests.conftest_helpers import returning_visitor

pytestmark = pytest.mark.django_db


def _grow_tours(n: int) -> None:
    reader = UserFactory(username="reader")
    for tour in TourFactory.create_batch(n):
        social.tour_scrap_set(tour_id=tour.pk, user=reader, scrapped=True)


def test_listing_keeps_constant_queries(client, assert_constant_queries):
    """Guards the listing: one query for the page of tours (author and cover joined), one count, one for scraps."""
    _grow_tours(3)
    client.force_login(UserFactory(username="reader"))

    def render():
        assert client.get(reverse("community:tour_list") + "?sort=new").status_code == 200

    assert_constant_queries(render, lambda: _grow_tours(27))


def test_listing_for_visitors_keeps_constant_queries(client, assert_constant_queries):
    returning_visitor(client)
    _grow_tours(3)
    assert_constant_queries(lambda: client.get(reverse("community:tour_list")), lambda: _grow_tours(27))


def test_my_scraps_keeps_constant_queries(client, assert_constant_queries):
    """Guards 내 스크랩: scrapped tours with author and cover in one query, whatever their number."""
    _grow_tours(3)
    client.force_login(UserFactory(username="reader"))

    def render():
        response = client.get(reverse("community:my_scraps"))
        assert response.status_code == 200

    assert_constant_queries(render, lambda: _grow_tours(27))


def test_tour_page_comments_and_pins_keep_constant_queries(client, assert_constant_queries):
    """Guards the tour page: comments with replies, photos, pins and pinned products are a fixed set of queries."""
    tour = TourFactory()
    client.force_login(tour.author)

    def grow(n: int) -> None:
        for _ in range(n):
            top = TourCommentFactory(tour=tour)
            TourCommentFactory(tour=tour, parent=top)
            TourPinFactory(photo=TourPhotoFactory(tour=tour))

    grow(3)
    assert_constant_queries(lambda: client.get(tour.get_absolute_url()), lambda: grow(27))


def test_comments_partial_keeps_constant_queries(client, assert_constant_queries):
    tour = TourFactory()
    client.force_login(UserFactory())
    url = reverse("community:tour_comment_create", args=[tour.pk])

    def grow(n: int) -> None:
        for _ in range(n):
            TourCommentFactory(tour=tour, parent=TourCommentFactory(tour=tour))

    grow(3)
    assert_constant_queries(lambda: client.post(url, {"body": ""}, HTTP_HX_REQUEST="true"), lambda: grow(27))


def test_editor_keeps_constant_queries(client, assert_constant_queries):
    tour = DraftTourFactory()
    client.force_login(tour.author)

    def grow(n: int) -> None:
        for _ in range(n):
            TourPinFactory(photo=TourPhotoFactory(tour=tour))

    grow(2)
    assert_constant_queries(lambda: client.get(reverse("community:tour_edit", args=[tour.pk])), lambda: grow(20))


def test_following_and_my_tours_keep_constant_queries(client, assert_constant_queries):
    me = UserFactory()
    client.force_login(me)

    def grow(n: int) -> None:
        for _ in range(n):
            host = TourFactory().author
            social.follow_set(follower=me, followee_id=host.pk, following=True)
            TourFactory(author=me)
            DraftTourFactory(author=me)

    grow(2)
    assert_constant_queries(lambda: client.get(reverse("community:my_following")), lambda: grow(15))
    assert_constant_queries(lambda: client.get(reverse("community:my_tours")), lambda: grow(15))


def test_api_list_keeps_constant_queries(client, assert_constant_queries):
    _grow_tours(3)
    assert_constant_queries(lambda: client.get("/api/community/tours/"), lambda: _grow_tours(20))
