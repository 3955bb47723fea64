"""Visitors share one copy of each 집들이 page and listing (community.page_cache): a repeat view costs no query, and
every change a visitor would notice, made through the services, shows on the next view.

Services replace a page's stamp after their transaction commits, so each change here runs inside
django_capture_on_commit_callbacks(execute=True), as a real commit would."""

import re
import time

import pytest
from django.urls import reverse

from community.images import image_renditions_make, image_store_bytes
from community.services import social
from community.services import tours as services
from community.services.moderation import moderation_decide, report_create
from community.views import tours as tour_views
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.community.factories import (
    DraftTourFactory,
    TourCommentFactory,
    TourFactory,
    TourPhotoFactory,
    TourPinFactory,
    jpeg_bytes,
)
from tests.conftest_helpers import returning_visitor
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _page(client, tour) -> str:
    response = client.get(tour.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _likes_shown(html: str) -> str:
    return re.search(r'data-testid="tour-like">.*?<strong>([\d,]+)</strong>', html, re.S).group(1)


def _listing(client, query: str = "") -> str:
    return client.get(reverse("community:tour_list") + query).content.decode()


# ---------------------------------------------------------------------------------------------- the tour page


def test_a_repeat_visit_costs_no_query(client, count_queries):
    tour = TourPinFactory(product=ProductFactory(name="라탄 조명")).tour
    TourCommentFactory(tour=tour)
    first = count_queries(lambda: _page(client, tour))
    assert first >= 5
    assert count_queries(lambda: _page(client, tour)) == 0
    assert "라탄 조명" in _page(client, tour)


def test_a_visitors_copy_follows_likes_scraps_and_comments(client, django_capture_on_commit_callbacks):
    tour = TourFactory()
    reader = UserFactory()
    assert _likes_shown(_page(client, tour)) == "0"
    with django_capture_on_commit_callbacks(execute=True):
        social.tour_like_set(tour_id=tour.pk, user=reader, liked=True)
    assert _likes_shown(_page(client, tour)) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        social.tour_scrap_set(tour_id=tour.pk, user=reader, scrapped=True)
    assert re.search(r'data-testid="tour-scrap">.*?<strong>1</strong>', _page(client, tour), re.S)
    with django_capture_on_commit_callbacks(execute=True):
        comment = social.tour_comment_create(tour_id=tour.pk, author=reader, body="방금 단 댓글")
    assert "방금 단 댓글" in _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        social.tour_comment_delete(comment_id=comment.pk, user=reader)
    assert "방금 단 댓글" not in _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        social.tour_like_set(tour_id=tour.pk, user=reader, liked=False)
    assert _likes_shown(_page(client, tour)) == "0"


def test_a_visitors_copy_follows_the_authors_edits(client, django_capture_on_commit_callbacks):
    photo = TourPhotoFactory()
    tour = photo.tour
    _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_photo_caption_set(tour_id=tour.pk, user=tour.author, photo_id=photo.pk, caption="새 설명이에요")
    assert "새 설명이에요" in _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_pin_add(
            tour_id=tour.pk,
            user=tour.author,
            photo_id=photo.pk,
            product_id=ProductFactory(name="원목 협탁").pk,
            x=10,
            y=20,
        )
    assert "원목 협탁" in _page(client, tour)
    facts = services.TourFacts(title="새 제목의 우리 집", body=tour.body, home_type=tour.home_type)
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_update(tour_id=tour.pk, user=tour.author, facts=facts)
    html = _page(client, tour)
    assert "새 제목의 우리 집" in html
    assert '<meta property="og:title" content="새 제목의 우리 집">' in html


def test_a_visitors_copy_gets_the_display_sizes_once_they_are_made(client, django_capture_on_commit_callbacks):
    picture = image_store_bytes(data=jpeg_bytes(width=1000, height=750))  # its display sizes come after commit
    tour = TourFactory(cover=picture)
    TourPhotoFactory(tour=tour, image=picture)
    assert "480w" not in _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        image_renditions_make(image_id=picture.pk)
    assert "480w" in _page(client, tour)


def test_a_draft_is_not_shown_until_published_and_then_at_once(client, django_capture_on_commit_callbacks):
    tour = DraftTourFactory(title="막 발행한 집")
    TourPhotoFactory(tour=tour)
    assert client.get(tour.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_publish(tour_id=tour.pk, user=tour.author)
    assert "막 발행한 집" in _page(client, tour)


def test_moderation_hides_a_tour_or_a_comment_from_the_shared_copy(
    client, settings, django_capture_on_commit_callbacks
):
    settings.COMMUNITY_AUTO_HIDE_REPORTS = 1
    tour = TourFactory()
    comment = TourCommentFactory(tour=tour, body="광고 댓글이에요")
    assert "광고 댓글이에요" in _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        report_create(reporter=UserFactory(), target=comment, reason="spam")
    assert "광고 댓글이에요" not in _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(moderator=StaffUserFactory(), target=tour, action="hide")
    assert client.get(tour.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(moderator=StaffUserFactory(), target=tour, action="restore")
    assert client.get(tour.get_absolute_url()).status_code == 200


def test_deleting_the_authors_account_removes_the_shared_copy(client, django_capture_on_commit_callbacks):
    tour = TourFactory()
    _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        tour.author.delete()
    assert client.get(tour.get_absolute_url()).status_code == 404


def test_a_member_sees_their_own_like_while_visitors_share_the_count(client, django_capture_on_commit_callbacks):
    tour = TourFactory()
    reader = UserFactory()
    _page(client, tour)
    with django_capture_on_commit_callbacks(execute=True):
        social.tour_like_set(tour_id=tour.pk, user=reader, liked=True)
    visitor_html = _page(client, tour)
    assert 'data-testid="tour-like">' in visitor_html
    assert 'aria-pressed="true" data-testid="tour-like"' not in visitor_html
    assert "csrfmiddlewaretoken" not in visitor_html.split('id="tour"', 1)[1].split("</article>", 1)[0]
    client.force_login(reader)
    member_html = _page(client, tour)
    assert 'aria-pressed="true" data-testid="tour-like"' in member_html
    assert _likes_shown(member_html) == "1"


def test_members_reuse_the_photos_and_products_but_get_their_own_state(
    client, count_queries, django_capture_on_commit_callbacks
):
    pin = TourPinFactory(product=ProductFactory(name="라탄 조명"))
    tour = pin.tour
    client.force_login(UserFactory())
    first = count_queries(lambda: _page(client, tour))
    again = count_queries(lambda: _page(client, tour))
    assert again <= first - 3  # no photo, pin or product query
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_photo_caption_set(tour_id=tour.pk, user=tour.author, photo_id=pin.photo_id, caption="고친 설명")
    html = _page(client, tour)
    assert "고친 설명" in html
    assert "라탄 조명" in html
    assert "csrfmiddlewaretoken" in html.split('id="tour-actions"', 1)[1]


def test_visitor_tour_page_keeps_constant_queries(client, assert_constant_queries):
    """The copy's first rendering (caches empty): tour, photos, pins, products and comments are a fixed set."""
    returning_visitor(client)
    tour = TourFactory()

    def grow(n: int) -> None:
        for _ in range(n):
            TourCommentFactory(tour=tour, parent=TourCommentFactory(tour=tour))
            TourPinFactory(photo=TourPhotoFactory(tour=tour))

    grow(2)
    assert_constant_queries(lambda: _page(client, tour), lambda: grow(15))


# ------------------------------------------------------------------------------------------------- the listing


def test_a_repeat_visit_to_the_listing_costs_no_query(client, count_queries):
    TourFactory.create_batch(3)
    assert count_queries(lambda: _listing(client)) >= 2
    assert count_queries(lambda: _listing(client)) == 0
    assert count_queries(lambda: client.get(reverse("community:tour_list"), HTTP_HX_REQUEST="true")) >= 2
    assert count_queries(lambda: client.get(reverse("community:tour_list"), HTTP_HX_REQUEST="true")) == 0


def test_the_listing_follows_publishing_edits_hiding_and_deleting(client, django_capture_on_commit_callbacks):
    shown = TourFactory(title="원래 제목")
    draft = DraftTourFactory(title="새로 발행한 집")
    TourPhotoFactory(tour=draft)
    assert "원래 제목" in _listing(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_publish(tour_id=draft.pk, user=draft.author)
    assert "새로 발행한 집" in _listing(client, "?sort=new")
    facts = services.TourFacts(title="고친 제목", body=shown.body, home_type=shown.home_type)
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_update(tour_id=shown.pk, user=shown.author, facts=facts)
    assert "고친 제목" in _listing(client)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(moderator=StaffUserFactory(), target=shown, action="hide")
    assert "고친 제목" not in _listing(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.tour_delete(tour_id=draft.pk, user=draft.author)
    assert "새로 발행한 집" not in _listing(client, "?sort=new")


def test_a_cards_counts_follow_a_scrap_within_the_listings_short_lifetime(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """Scraps and likes do not replace the listing's stamp (a busy tour would re-render every listing): the copy
    lives LIST_SECONDS (shortened here to one second, in the shared cache and in process memory)."""
    monkeypatch.setattr(tour_views, "LIST_SECONDS", 1)
    tour = TourFactory()
    assert "스크랩 0" in _listing(client)
    with django_capture_on_commit_callbacks(execute=True):
        social.tour_scrap_set(tour_id=tour.pk, user=UserFactory(), scrapped=True)
    assert "스크랩 0" in _listing(client)
    time.sleep(1.2)
    assert "스크랩 1" in _listing(client)


def test_visitor_listing_is_shared_but_a_member_sees_their_own_scraps(client):
    tour = TourFactory()
    reader = UserFactory()
    social.tour_scrap_set(tour_id=tour.pk, user=reader, scrapped=True)
    visitor_html = _listing(client)
    assert "스크랩 취소" not in visitor_html
    client.force_login(reader)
    member_html = _listing(client)
    assert "스크랩 취소" in member_html
    assert "csrfmiddlewaretoken" in member_html
