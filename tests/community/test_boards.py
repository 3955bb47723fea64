"""동네생활: verification by location, resident-only posting, owner-only edits, comments, 공감, XSS, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from community.models import BoardPost, Residency
from community.services.boards import comment_create, post_create, post_like_toggle
from community.services.moderation import ban_create
from community.services.neighbourhoods import residency_verify
from config.errors import DomainError
from feed.models import FeedItem
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.community.factories import (
    BoardCommentFactory,
    BoardPostFactory,
    LocalStoreFactory,
    NeighbourhoodFactory,
    ResidencyFactory,
)
from tests.conftest_helpers import returning_visitor

pytestmark = pytest.mark.django_db

# 망원동's centroid; 합정동 is about 1.6 km east; 잠실동 is across the city.
MANGWON = (37.556000, 126.901000)
HAPJEONG = (37.549500, 126.914000)
JAMSIL = (37.508000, 127.083000)
XSS_TITLE = '<script>alert("x")</script>'
XSS_BODY = '<a href="javascript:alert(1)">눌러 보세요</a><img src=x onerror=alert(1)>'


@pytest.fixture
def mangwon():
    return NeighbourhoodFactory(
        name="망원동", slug="mangwon", latitude=Decimal("37.556000"), longitude=Decimal("126.901000")
    )


@pytest.fixture
def hapjeong():
    return NeighbourhoodFactory(
        name="합정동", slug="hapjeong", latitude=Decimal("37.549500"), longitude=Decimal("126.914000")
    )


@pytest.fixture
def resident(mangwon):
    return ResidencyFactory(neighbourhood=mangwon).user


# --- verification ---


def test_residency_verify_within_radius_verifies_and_stores_no_coordinates(mangwon, settings):
    settings.COMMUNITY_NEIGHBOURHOOD_RADIUS_M = 1000
    user = UserFactory()
    residency = residency_verify(user=user, latitude=37.5585, longitude=126.9030, neighbourhood=mangwon)
    assert residency.neighbourhood == mangwon
    assert residency.verified_at is not None
    # Nothing about where the browser was survives: only the 동, the user and when.
    stored = {f.name for f in Residency._meta.get_fields() if f.concrete}
    assert stored == {"id", "user", "neighbourhood", "verified_at"}
    row = Residency.objects.filter(pk=residency.pk).values().get()
    assert "37.5585" not in str(row)
    assert "126.903" not in str(row)


def test_residency_verify_outside_radius_is_refused_with_the_distance(mangwon, settings):
    settings.COMMUNITY_NEIGHBOURHOOD_RADIUS_M = 1000
    user = UserFactory()
    with pytest.raises(DomainError) as excinfo:
        residency_verify(user=user, latitude=HAPJEONG[0], longitude=HAPJEONG[1], neighbourhood=mangwon)
    assert excinfo.value.code == "too_far"
    assert "망원동에서 1.4km 떨어져 있어요" in excinfo.value.message
    assert not Residency.objects.filter(user=user).exists()


def test_residency_verify_radius_is_configurable(mangwon, settings):
    settings.COMMUNITY_NEIGHBOURHOOD_RADIUS_M = 2000
    residency = residency_verify(user=UserFactory(), latitude=HAPJEONG[0], longitude=HAPJEONG[1], neighbourhood=mangwon)
    assert residency.neighbourhood == mangwon


def test_residency_verify_without_a_choice_takes_the_nearest_neighbourhood(mangwon, hapjeong):
    residency = residency_verify(user=UserFactory(), latitude=37.5500, longitude=126.9130)
    assert residency.neighbourhood == hapjeong


def test_residency_verify_far_from_every_neighbourhood_is_refused(mangwon, hapjeong):
    with pytest.raises(DomainError) as excinfo:
        residency_verify(user=UserFactory(), latitude=JAMSIL[0], longitude=JAMSIL[1])
    assert excinfo.value.code == "no_neighbourhood"


@pytest.mark.parametrize(("lat", "lng"), [("abc", "1"), ("95", "126.9"), ("nan", "126.9"), (None, None)])
def test_residency_verify_rejects_invalid_coordinates(mangwon, lat, lng):
    with pytest.raises(DomainError) as excinfo:
        residency_verify(user=UserFactory(), latitude=lat, longitude=lng)
    assert excinfo.value.code == "invalid_location"


def test_verify_page_posts_location_and_answers_json(client, mangwon):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("community:verify"), {"latitude": "37.556100", "longitude": "126.901200", "neighbourhood": "mangwon"}
    )
    assert response.status_code == 200
    assert response.json()["neighbourhood"] == "mangwon"
    assert Residency.objects.get(user=user).neighbourhood == mangwon


def test_verify_page_too_far_answers_400_with_message(client, mangwon):
    client.force_login(UserFactory())
    response = client.post(
        reverse("community:verify"), {"latitude": JAMSIL[0], "longitude": JAMSIL[1], "neighbourhood": "mangwon"}
    )
    assert response.status_code == 400
    assert "떨어져 있어요" in response.json()["detail"]


def test_verify_page_renders_for_anonymous_and_logged_in(client, mangwon):
    assert client.get(reverse("community:verify")).status_code == 200
    client.force_login(UserFactory())
    response = client.get(reverse("community:verify"))
    assert response.status_code == 200
    assert b"locate.js" in response.content


# --- posting ---


def test_post_create_by_unverified_user_is_refused(mangwon):
    with pytest.raises(DomainError) as excinfo:
        post_create(author=UserFactory(), neighbourhood=mangwon, topic="news", title="안녕하세요", body="처음 왔어요")
    assert excinfo.value.http_status == 403
    assert "망원동 주민 인증을 한 이웃만" in excinfo.value.message


def test_post_create_by_resident_of_another_neighbourhood_is_refused(mangwon, hapjeong):
    neighbour = ResidencyFactory(neighbourhood=hapjeong).user
    with pytest.raises(DomainError):
        post_create(author=neighbour, neighbourhood=mangwon, topic="news", title="안녕", body="옆 동네예요")


def test_post_create_by_resident_is_stored_as_plain_text(resident, mangwon):
    post = post_create(
        author=resident,
        neighbourhood=mangwon,
        topic="question",
        title=" 세탁소 추천해 주세요 ",
        body="이불 빨래\r\n맡길 곳\x00",
    )
    assert post.title == "세탁소 추천해 주세요"
    assert post.body == "이불 빨래\n맡길 곳"


def test_post_create_page_by_unverified_user_redirects_to_verification(client, mangwon):
    client.force_login(UserFactory())
    response = client.post(
        reverse("community:post_new", args=["mangwon"]), {"topic": "news", "title": "t", "body": "b"}
    )
    assert response.status_code == 302
    assert reverse("community:verify") in response["Location"]
    assert not BoardPost.objects.exists()


def test_post_create_page_by_resident_creates_the_post(client, resident, mangwon):
    client.force_login(resident)
    response = client.post(
        reverse("community:post_new", args=["mangwon"]),
        {"topic": "news", "title": "시장 소식", "body": "오늘 장날이에요"},
    )
    post = BoardPost.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


def test_post_create_suspended_resident_is_refused(resident, mangwon):
    ban_create(user=resident, moderator=StaffUserFactory(), reason="욕설", days=7)
    with pytest.raises(DomainError) as excinfo:
        post_create(author=resident, neighbourhood=mangwon, topic="news", title="t", body="b")
    assert excinfo.value.code == "banned"


def test_post_create_rate_limit_shows_a_message_not_a_500(client, resident, mangwon, settings):
    settings.COMMUNITY_RATE_LIMITS = {"post": (2, 600)}
    client.force_login(resident)
    url = reverse("community:post_new", args=["mangwon"])
    for i in range(2):
        assert client.post(url, {"topic": "news", "title": f"소식 {i}", "body": "본문"}).status_code == 302
    response = client.post(url, {"topic": "news", "title": "세 번째", "body": "본문"})
    assert response.status_code == 429
    assert "너무 자주 올리고 있어요" in response.content.decode()
    assert BoardPost.objects.count() == 2


def test_post_with_store_from_another_neighbourhood_is_refused(resident, mangwon, hapjeong):
    store = LocalStoreFactory(neighbourhood=hapjeong)
    with pytest.raises(DomainError):
        post_create(author=resident, neighbourhood=mangwon, topic="recommend", title="t", body="b", local_store=store)


# --- ownership ---


def test_post_edit_page_by_another_user_is_forbidden(client, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon, title="원래 제목")
    client.force_login(ResidencyFactory(neighbourhood=mangwon).user)
    url = reverse("community:post_edit", args=[post.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"topic": "news", "title": "바꾼 제목", "body": "바꿈"}).status_code == 403
    post.refresh_from_db()
    assert post.title == "원래 제목"


def test_post_delete_page_by_another_user_is_forbidden(client, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    client.force_login(UserFactory())
    assert client.post(reverse("community:post_delete", args=[post.pk])).status_code == 403
    assert BoardPost.objects.filter(pk=post.pk).exists()


def test_post_edit_and_delete_by_author_work(client, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    client.force_login(post.author)
    response = client.post(
        reverse("community:post_edit", args=[post.pk]), {"topic": "question", "title": "고친 제목", "body": "고친 내용"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.topic) == ("고친 제목", "question")
    assert client.post(reverse("community:post_delete", args=[post.pk])).status_code == 302
    assert not BoardPost.objects.filter(pk=post.pk).exists()


def test_comment_delete_by_another_user_is_forbidden(client, mangwon):
    comment = BoardCommentFactory(post=BoardPostFactory(neighbourhood=mangwon))
    client.force_login(UserFactory())
    assert client.post(reverse("community:comment_delete", args=[comment.pk])).status_code == 403


# --- comments and 공감 ---


def test_comment_create_by_nearby_resident_counts_and_notifies_author(mangwon, hapjeong):
    post = BoardPostFactory(neighbourhood=mangwon)
    neighbour = ResidencyFactory(neighbourhood=hapjeong).user
    comment_create(post=post, author=neighbour, body="저도 가 볼게요")
    post.refresh_from_db()
    assert post.comment_count == 1
    item = FeedItem.objects.get(user=post.author)
    assert item.kind == FeedItem.Kind.COMMUNITY
    assert "댓글" in item.title


def test_comment_create_by_unverified_user_is_refused(mangwon):
    with pytest.raises(DomainError):
        comment_create(post=BoardPostFactory(neighbourhood=mangwon), author=UserFactory(), body="안녕")


def test_post_like_toggle_counts_once_and_undoes(mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    reader = UserFactory()
    assert post_like_toggle(post=post, user=reader) == (True, 1)
    assert post_like_toggle(post=post, user=reader) == (False, 0)
    assert post_like_toggle(post=post, user=reader) == (True, 1)


def test_post_like_page_with_htmx_returns_the_button(client, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    client.force_login(UserFactory())
    response = client.post(reverse("community:post_like", args=[post.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()


# --- reading ---


def test_board_shows_own_neighbourhood_and_nearby_on_request(client, mangwon, hapjeong):
    far = NeighbourhoodFactory(
        name="잠실동", slug="jamsil", latitude=Decimal(str(JAMSIL[0])), longitude=Decimal(str(JAMSIL[1]))
    )
    BoardPostFactory(neighbourhood=mangwon, title="망원 소식")
    BoardPostFactory(neighbourhood=hapjeong, title="합정 소식")
    BoardPostFactory(neighbourhood=far, title="잠실 소식")
    own = client.get(reverse("community:board", args=["mangwon"])).content.decode()
    assert "망원 소식" in own
    assert "합정 소식" not in own
    near = client.get(reverse("community:board", args=["mangwon"]) + "?near=1").content.decode()
    assert "망원 소식" in near
    assert "합정 소식" in near
    assert "잠실 소식" not in near


def test_board_home_redirects_a_resident_to_their_board(client, resident):
    client.force_login(resident)
    response = client.get(reverse("community:boards"))
    assert response.status_code == 302
    assert response["Location"] == reverse("community:board", args=["mangwon"])


def test_board_filters_by_topic(client, mangwon):
    BoardPostFactory(neighbourhood=mangwon, topic="lost", title="강아지를 찾아요")
    BoardPostFactory(neighbourhood=mangwon, topic="meetup", title="러닝 모임")
    page = client.get(reverse("community:board", args=["mangwon"]) + "?topic=lost").content.decode()
    assert "강아지를 찾아요" in page
    assert "러닝 모임" not in page


def test_hidden_post_is_not_listed_and_its_page_says_so(client, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon, title="숨겨질 글", is_hidden=True)
    assert "숨겨질 글" not in client.get(reverse("community:board", args=["mangwon"])).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(post.author)
    assert client.get(post.get_absolute_url()).status_code == 200


def test_xss_payloads_in_title_body_and_comments_render_inert(client, resident, mangwon):
    post = post_create(author=resident, neighbourhood=mangwon, topic="news", title=XSS_TITLE, body=XSS_BODY)
    comment_create(post=post, author=resident, body=XSS_BODY)
    for url in (post.get_absolute_url(), reverse("community:board", args=["mangwon"])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert 'href="javascript:' not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_board_list_keeps_constant_queries(client, mangwon, assert_constant_queries):
    """The board page reads posts with author, 동 and store in one query, whatever the page length."""
    reader = ResidencyFactory(neighbourhood=mangwon).user
    client.force_login(reader)
    BoardPostFactory.create_batch(3, neighbourhood=mangwon, local_store=LocalStoreFactory(neighbourhood=mangwon))
    url = reverse("community:board", args=["mangwon"]) + "?near=1"
    assert_constant_queries(
        lambda: client.get(url),
        lambda: BoardPostFactory.create_batch(
            15, neighbourhood=mangwon, local_store=LocalStoreFactory(neighbourhood=mangwon)
        ),
    )


def test_post_comments_keep_constant_queries(client, mangwon, assert_constant_queries):
    """A post page reads its comments with their authors in one query, however many there are."""
    post = BoardPostFactory(neighbourhood=mangwon)
    BoardCommentFactory.create_batch(3, post=post)
    client.force_login(UserFactory())
    assert_constant_queries(
        lambda: client.get(post.get_absolute_url()), lambda: BoardCommentFactory.create_batch(20, post=post)
    )


# --- local stores ---


def test_local_store_review_by_resident_updates_the_average(client, resident, mangwon):
    store = LocalStoreFactory(neighbourhood=mangwon)
    other = ResidencyFactory(neighbourhood=mangwon).user
    client.force_login(resident)
    assert client.post(store.get_absolute_url(), {"rating": 5, "body": "크루아상이 최고예요"}).status_code == 302
    client.force_login(other)
    assert client.post(store.get_absolute_url(), {"rating": 4, "body": "식빵도 맛있어요"}).status_code == 302
    store.refresh_from_db()
    assert store.review_count == 2
    assert store.rating_average == Decimal("4.5")


def test_local_store_review_by_unverified_user_shows_a_message(client, mangwon):
    store = LocalStoreFactory(neighbourhood=mangwon)
    client.force_login(UserFactory())
    response = client.post(store.get_absolute_url(), {"rating": 5, "body": "좋아요"})
    assert response.status_code == 403
    assert "동네 인증" in response.content.decode()


def test_local_store_create_page_by_resident(client, resident, mangwon):
    client.force_login(resident)
    response = client.post(
        reverse("community:local_store_new", args=["mangwon"]),
        {"name": "망원 세탁", "kind": "laundry", "address": "망원로 1", "hours": "09:00~20:00"},
    )
    assert response.status_code == 302


def test_local_store_list_keeps_constant_queries(client, mangwon, assert_constant_queries):
    returning_visitor(client)
    LocalStoreFactory.create_batch(3, neighbourhood=mangwon)
    url = reverse("community:local_stores", args=["mangwon"])
    assert_constant_queries(lambda: client.get(url), lambda: LocalStoreFactory.create_batch(20, neighbourhood=mangwon))


def test_board_pages_render(client, resident, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    store = LocalStoreFactory(neighbourhood=mangwon)
    client.force_login(resident)
    for url in (
        reverse("community:boards") + "?choose=1",
        reverse("community:board", args=["mangwon"]),
        reverse("community:post_new", args=["mangwon"]),
        post.get_absolute_url(),
        reverse("community:local_stores", args=["mangwon"]),
        reverse("community:local_store_new", args=["mangwon"]),
        store.get_absolute_url(),
        reverse("community:my_posts"),
    ):
        assert client.get(url).status_code == 200, url
