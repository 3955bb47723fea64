"""집들이 pages and API: the editor through HTTP, escaping of everything people type, other people's tours,
rate-limit messages and pins that credit the tour. Query counts: test_tours_queries.py; visitors' shared copies:
test_tours_shared_copies.py."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from community.models import Tour, TourComment, TourPhoto, TourPin
from community.services import social
from shop.models import Cart
from tests.accounts.factories import UserFactory
from tests.community.factories import (
    DraftTourFactory,
    TourFactory,
    TourPhotoFactory,
    TourPinFactory,
)
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

XSS_SCRIPT = '<script>alert("xss")</script>'
XSS_LINK = "javascript:alert(1)"
XSS_IMG = '<img src=x onerror="alert(2)">'


def _jpeg(color: str = "teal") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 150), color).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "room.jpg"
    return buffer


def _htmx(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true")


# -------------------------------------------------------------------------------------- the editor over HTTP


def test_editor_flow_draft_photos_caption_pin_publish(client):
    author = UserFactory()
    product = ProductFactory(name="원목 수납장")
    client.force_login(author)

    response = client.post(reverse("community:tour_new"), {"title": "빛 잘 드는 원룸", "home_type": "one_room"})
    tour = Tour.objects.get(author=author)
    assert response.status_code == 302
    assert response["Location"] == reverse("community:tour_edit", args=[tour.pk])

    response = _htmx(
        client, "post", reverse("community:tour_photo_add", args=[tour.pk]), {"photos": [_jpeg(), _jpeg("navy")]}
    )
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="editor-photo"') == 2
    first, second = TourPhoto.objects.filter(tour=tour).order_by("position")

    response = _htmx(
        client, "post", reverse("community:tour_photo_update", args=[tour.pk, first.pk]), {"caption": "창가"}
    )
    assert "저장했어요" in response.content.decode()

    response = _htmx(client, "get", reverse("community:tour_product_search", args=[tour.pk]) + "?q=수납")
    assert "원목 수납장" in response.content.decode()

    url = reverse("community:tour_pin_add", args=[tour.pk, second.pk])
    response = _htmx(client, "post", url, {"product_id": product.pk, "x": "25.5", "y": "60"})
    assert response.status_code == 200
    assert TourPin.objects.get(tour=tour).product_id == product.pk

    response = client.post(reverse("community:tour_publish", args=[tour.pk]))
    assert response.status_code == 302
    tour.refresh_from_db()
    assert tour.is_published

    page = client.get(tour.get_absolute_url()).content.decode()
    assert "이 집의 제품" in page
    assert "원목 수납장" in page
    assert 'data-testid="tour-pin"' in page
    assert "이 집들이를 보고 0명이 구매했어요" in page


def test_editor_upload_of_a_non_image_shows_the_message_and_keeps_the_good_ones(client):
    author = UserFactory()
    tour = DraftTourFactory(author=author)
    client.force_login(author)
    bad = io.BytesIO(b"just text")
    bad.name = "notes.txt"
    response = _htmx(client, "post", reverse("community:tour_photo_add", args=[tour.pk]), {"photos": [bad, _jpeg()]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "notes.txt: 사진 파일만 올릴 수 있어요" in body
    assert TourPhoto.objects.filter(tour=tour).count() == 1


def test_publish_without_photo_goes_back_to_the_editor_with_the_reason(client):
    author = UserFactory()
    tour = DraftTourFactory(author=author, cover=None)
    client.force_login(author)
    response = client.post(reverse("community:tour_publish", args=[tour.pk]), follow=True)
    assert "사진을 한 장 이상 올려 주세요." in response.content.decode()
    tour.refresh_from_db()
    assert not tour.is_published


# ------------------------------------------------------------------------------------ other people's tours


def test_another_members_editor_is_forbidden(client):
    tour = TourFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("community:tour_edit", args=[tour.pk])).status_code == 403
    response = client.post(reverse("community:tour_edit", args=[tour.pk]), {"title": "뺏은 집"})
    assert response.status_code == 403
    tour.refresh_from_db()
    assert tour.title != "뺏은 집"


@pytest.mark.parametrize(
    ("name", "extra", "data"),
    [
        ("community:tour_delete", [], {}),
        ("community:tour_photo_add", [], {"photos": [_jpeg()]}),
        ("community:tour_publish", [], {}),
    ],
)
def test_another_members_tour_cannot_be_deleted_or_changed_from_the_page(client, name, extra, data):
    tour = DraftTourFactory()
    client.force_login(UserFactory())
    response = client.post(reverse(name, args=[tour.pk, *extra]), data)
    assert response.status_code == 403
    tour.refresh_from_db()
    assert tour.status == Tour.Status.DRAFT
    assert not TourPhoto.objects.filter(tour=tour).exists()


def test_another_members_photo_and_pin_cannot_be_touched(client):
    pin = TourPinFactory()
    client.force_login(UserFactory())
    photo = pin.photo
    for url in (
        reverse("community:tour_photo_action", args=[pin.tour_id, photo.pk, "delete"]),
        reverse("community:tour_pin_delete", args=[pin.tour_id, pin.pk]),
        reverse("community:tour_photo_update", args=[pin.tour_id, photo.pk]),
    ):
        assert client.post(url, {"caption": "x"}).status_code == 403
    assert TourPin.objects.filter(pk=pin.pk).exists()
    photo.refresh_from_db()
    assert photo.caption != "x"


def test_another_members_draft_is_not_found(client):
    draft = DraftTourFactory()
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/api/community/tours/{draft.pk}/").status_code == 404


def test_api_another_members_tour_cannot_be_edited_or_deleted(client):
    tour = TourFactory(title="원래 제목")
    client.force_login(UserFactory())
    url = f"/api/community/tours/{tour.pk}/"
    response = client.patch(url, {"title": "바꾼 제목"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "내가 쓴 집들이만 고치거나 지울 수 있어요."
    response = client.delete(url)
    assert response.status_code == 403
    tour.refresh_from_db()
    assert tour.title == "원래 제목"


def test_api_author_edits_and_deletes_own_tour(client):
    tour = TourFactory(title="원래 제목")
    client.force_login(tour.author)
    url = f"/api/community/tours/{tour.pk}/"
    response = client.patch(url, {"title": "새 제목", "style": "minimal"}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["style"], response.json()["home_type"]) == (
        "새 제목",
        "minimal",
        "apartment",
    )
    assert client.patch(url, {"style": "castle"}, content_type="application/json").status_code == 400
    assert client.delete(url).status_code == 204
    assert not Tour.objects.filter(pk=tour.pk).exists()


def test_api_anonymous_edit_is_refused_with_json(client):
    tour = TourFactory()
    response = client.delete(f"/api/community/tours/{tour.pk}/")
    assert response.status_code in (401, 403)
    assert isinstance(response.json()["detail"], str)


def test_api_lists_published_tours_and_my_own_drafts(client):
    me = UserFactory()
    mine_draft, mine_published, other = DraftTourFactory(author=me), TourFactory(author=me), TourFactory()
    ids = [t["id"] for t in client.get("/api/community/tours/?sort=new").json()["results"]]
    assert set(ids) == {mine_published.pk, other.pk}
    assert client.get("/api/community/my/tours/").status_code in (401, 403)
    client.force_login(me)
    mine = [t["id"] for t in client.get("/api/community/my/tours/").json()["results"]]
    assert set(mine) == {mine_draft.pk, mine_published.pk}


def test_api_tour_detail_has_photos_in_order_with_pins():
    from rest_framework.test import APIClient

    pin = TourPinFactory(x=12.5, y=80)
    TourPhotoFactory(tour=pin.tour, position=pin.photo.position + 1, caption="두 번째")
    data = APIClient().get(f"/api/community/tours/{pin.tour_id}/").json()
    assert [p["caption"] for p in data["photos"]][1] == "두 번째"
    assert data["photos"][0]["pins"][0]["product"]["id"] == pin.product_id
    assert data["photos"][0]["pins"][0]["x"] == "12.50"


def test_openapi_schema_describes_the_tour_api_with_its_status_codes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    detail = schema["paths"]["/api/community/tours/{id}/"]
    assert {"get", "patch", "delete"} <= set(detail)
    assert {"200", "400", "403", "404"} <= set(detail["patch"]["responses"])
    assert {"204", "403", "404"} <= set(detail["delete"]["responses"])
    assert "/api/community/tours/" in schema["paths"]
    assert "/api/community/my/tours/" in schema["paths"]


# ------------------------------------------------------------------------------------------------ escaping


def test_published_tour_page_has_a_share_card_with_title_picture_and_description(client):
    tour = TourFactory(title="햇살 드는 24평 신혼집", body="화이트와 우드로 채운 거실 이야기예요.")
    TourPhotoFactory(tour=tour)
    tour.refresh_from_db()

    html = client.get(tour.get_absolute_url()).content.decode()

    assert '<meta property="og:title" content="햇살 드는 24평 신혼집">' in html
    assert '<meta property="og:description" content="화이트와 우드로 채운 거실 이야기예요.">' in html
    assert '<meta property="og:image" content="http' in html
    assert '<meta property="og:type" content="article">' in html
    assert "data-share-button" in html


def test_script_and_javascript_payloads_render_inert_everywhere(client):
    author = UserFactory(nickname="집주인")
    tour = TourFactory(author=author, title=f"{XSS_SCRIPT}{XSS_LINK}", body=f"{XSS_IMG}\n{XSS_LINK}")
    TourPhotoFactory(tour=tour, caption=f"{XSS_SCRIPT} {XSS_LINK}")
    social.tour_comment_create(tour_id=tour.pk, author=UserFactory(), body=f"{XSS_SCRIPT} {XSS_IMG} {XSS_LINK}")
    pages = [
        client.get(tour.get_absolute_url()),
        client.get(reverse("community:tour_list")),
        client.get(reverse("community:member", args=[author.pk])),
        client.get("/"),
    ]
    client.force_login(author)
    pages.append(client.get(reverse("community:tour_edit", args=[tour.pk])))
    pages.append(client.get(reverse("community:my_tours")))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert XSS_SCRIPT not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;" in html
    detail = pages[0].content.decode()
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in detail


def test_comment_with_markup_is_stored_as_typed_and_escaped(client):
    tour = TourFactory()
    client.force_login(UserFactory())
    _htmx(client, "post", reverse("community:tour_comment_create", args=[tour.pk]), {"body": XSS_SCRIPT})
    assert TourComment.objects.get(tour=tour).body == XSS_SCRIPT
    html = client.get(tour.get_absolute_url()).content.decode()
    assert XSS_SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


# --------------------------------------------------------------------------------------------- rate limits


def test_comment_rate_limit_answers_with_a_message_not_an_error(client, settings):
    settings.COMMUNITY_COMMENTS_PER_MINUTE = 1
    tour = TourFactory()
    client.force_login(UserFactory())
    url = reverse("community:tour_comment_create", args=[tour.pk])
    assert _htmx(client, "post", url, {"body": "첫 댓글"}).status_code == 200
    response = _htmx(client, "post", url, {"body": "두 번째"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "너무 자주 올리고 있어요" in body
    assert "두 번째" in body  # what they typed is kept in the box
    response = client.post(url, {"body": "세 번째"}, follow=True)
    assert response.status_code == 200
    assert "너무 자주 올리고 있어요" in response.content.decode()
    assert TourComment.objects.filter(tour=tour).count() == 1


def test_tour_rate_limit_answers_429_with_the_message(client, settings):
    settings.COMMUNITY_TOURS_PER_HOUR = 1
    client.force_login(UserFactory())
    assert client.post(reverse("community:tour_new"), {"title": "하나"}).status_code == 302
    response = client.post(reverse("community:tour_new"), {"title": "둘"})
    assert response.status_code == 429
    assert "너무 자주 올리고 있어요" in response.content.decode()


# ---------------------------------------------------------------------------------------- pins and readers


def test_pin_tap_shows_the_product_with_add_to_cart_and_remembers_the_tour_on_the_cart(client):
    pin = TourPinFactory(product=ProductFactory(name="라탄 조명", price=39000, list_price=None))
    response = _htmx(client, "post", reverse("community:tour_pin_open", args=[pin.tour_id, pin.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "라탄 조명" in html
    assert 'data-testid="add-to-cart"' in html
    assert reverse("shop:cart_add") in html
    cart = Cart.objects.get(pk=client.session["shop_cart_id"])
    assert cart.attribution_source == f"tour:{pin.tour_id}"


def test_pin_of_a_draft_is_not_found(client):
    pin = TourPinFactory(photo__tour=DraftTourFactory())
    response = _htmx(client, "post", reverse("community:tour_pin_open", args=[pin.tour_id, pin.pk]))
    assert response.status_code == 404
    assert not Cart.objects.exists()


def test_view_beacon_counts_a_visitor_once(client):
    tour = TourFactory()
    url = reverse("community:tour_view", args=[tour.pk])
    client.get(tour.get_absolute_url())  # gets the visitor cookie
    assert client.post(url).status_code == 204
    assert client.post(url).status_code == 204
    tour.refresh_from_db()
    assert tour.view_count == 1


def test_like_and_scrap_buttons_answer_with_the_new_state(client):
    tour = TourFactory()
    client.force_login(UserFactory())
    html = _htmx(client, "post", reverse("community:tour_like", args=[tour.pk]), {"on": "1"}).content.decode()
    assert 'aria-pressed="true"' in html
    html = _htmx(
        client, "post", reverse("community:tour_scrap", args=[tour.pk]), {"on": "1", "ui": "card"}
    ).content.decode()
    assert "스크랩 취소" in html
    tour.refresh_from_db()
    assert (tour.like_count, tour.scrap_count) == (1, 1)


def test_like_by_a_visitor_sends_them_to_log_in(client):
    tour = TourFactory()
    response = _htmx(client, "post", reverse("community:tour_like", args=[tour.pk]), {"on": "1"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_listing_filters_by_facets_and_answers_htmx_with_the_results_only(client):
    nordic = TourFactory(style="nordic", size_pyeong=24, budget=2_000_000)
    TourFactory(style="vintage", size_pyeong=24)
    TourFactory(style="nordic", size_pyeong=45)
    response = _htmx(client, "get", reverse("community:tour_list") + "?style=nordic&size=20s&budget=100to300")
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('class="tour-card"') == 1
    assert f'data-tour-id="{nordic.pk}"' in html
    assert response["Vary"].count("HX-Request") == 1


def test_home_page_shows_the_popular_tours_strip_and_the_community_tab(client):
    tour = TourFactory(title="요즘 뜨는 우리 집")
    html = client.get("/").content.decode()
    assert 'data-testid="home-tours"' in html
    assert "요즘 뜨는 우리 집" in html
    assert f'href="{reverse("community:home")}"' in html
    assert tour.get_absolute_url() in html


def test_community_tab_is_active_on_community_pages(client):
    html = client.get(reverse("community:tour_list")).content.decode()
    assert f'href="{reverse("community:home")}" class="tabbar__item is-active"' in html


def test_follow_notice_made_in_korean_reads_in_english_for_an_english_followee(client):
    reader, host = UserFactory(nickname="민지"), UserFactory()
    with translation.override("ko"):
        social.follow_set(follower=reader, followee_id=host.pk, following=True)
    client.force_login(host)
    english = client.get(reverse("feed:feed"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    korean = client.get(reverse("feed:feed"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<p class="feed-item__title">민지 started following you</p>' in english
    assert "Take a look at 민지&#x27;s house tours too." in english
    assert '<p class="feed-item__title">민지님이 나를 팔로우하기 시작했어요</p>' in korean
