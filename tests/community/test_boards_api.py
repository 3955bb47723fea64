"""동네생활 API: lists, a post with comments, my posts; only the author edits or deletes; constant queries."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from community.models import BoardPost
from tests.accounts.factories import UserFactory
from tests.community.factories import BoardCommentFactory, BoardPostFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def mangwon():
    return NeighbourhoodFactory(name="망원동", slug="mangwon", latitude=Decimal("37.556"), longitude=Decimal("126.901"))


def test_board_posts_api_lists_visible_posts_of_the_neighbourhood(api, mangwon):
    BoardPostFactory(neighbourhood=mangwon, title="보이는 글")
    BoardPostFactory(neighbourhood=mangwon, title="숨긴 글", is_hidden=True)
    response = api.get(f"/api/community/dong/{mangwon.slug}/posts/")
    assert response.status_code == 200
    assert [p["title"] for p in response.json()["results"]] == ["보이는 글"]


def test_board_posts_api_unknown_neighbourhood_is_404_json(api):
    response = api.get("/api/community/dong/nowhere/posts/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_board_post_api_reads_post_with_comments(api, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    BoardCommentFactory(post=post, body="반가워요")
    BoardCommentFactory(post=post, body="숨은 댓글", is_hidden=True)
    data = api.get(f"/api/community/posts/{post.pk}/").json()
    assert data["title"] == post.title
    assert [c["body"] for c in data["comments"]] == ["반가워요", ""]


def test_board_post_api_hidden_post_is_404_for_others(api, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon, is_hidden=True)
    assert api.get(f"/api/community/posts/{post.pk}/").status_code == 404
    api.force_authenticate(post.author)
    assert api.get(f"/api/community/posts/{post.pk}/").status_code == 200


def test_board_post_api_another_user_cannot_edit_or_delete(api, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon, title="원래 제목")
    api.force_authenticate(UserFactory())
    response = api.patch(f"/api/community/posts/{post.pk}/", {"title": "바꿈"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "내가 쓴 글만 고치거나 지울 수 있어요."
    assert api.delete(f"/api/community/posts/{post.pk}/").status_code == 403
    post.refresh_from_db()
    assert post.title == "원래 제목"


def test_board_post_api_anonymous_edit_is_401(api, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    assert api.patch(f"/api/community/posts/{post.pk}/", {"title": "x"}, format="json").status_code in (401, 403)


def test_board_post_api_author_edits_and_deletes(api, mangwon):
    post = BoardPostFactory(neighbourhood=mangwon)
    api.force_authenticate(post.author)
    response = api.patch(f"/api/community/posts/{post.pk}/", {"title": "고친 제목"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "고친 제목"
    response = api.patch(f"/api/community/posts/{post.pk}/", {"title": "  "}, format="json")
    assert response.status_code == 400
    assert api.delete(f"/api/community/posts/{post.pk}/").status_code == 204
    assert not BoardPost.objects.filter(pk=post.pk).exists()


def test_my_posts_api_lists_only_mine_and_needs_login(api, mangwon):
    me = UserFactory()
    BoardPostFactory(neighbourhood=mangwon, author=me, title="내 글")
    BoardPostFactory(neighbourhood=mangwon, title="남의 글")
    assert api.get("/api/community/my/posts/").status_code in (401, 403)
    api.force_authenticate(me)
    assert [p["title"] for p in api.get("/api/community/my/posts/").json()["results"]] == ["내 글"]


def test_board_posts_api_keeps_constant_queries(api, mangwon, assert_constant_queries):
    """The list API reads posts with author, 동 and store in one query, whatever the page length."""
    BoardPostFactory.create_batch(3, neighbourhood=mangwon)
    url = f"/api/community/dong/{mangwon.slug}/posts/?near=1"
    assert_constant_queries(lambda: api.get(url), lambda: BoardPostFactory.create_batch(20, neighbourhood=mangwon))


def test_board_post_api_comments_keep_constant_queries(api, mangwon, assert_constant_queries):
    post = BoardPostFactory(neighbourhood=mangwon)
    BoardCommentFactory.create_batch(2, post=post)
    url = f"/api/community/posts/{post.pk}/"
    assert_constant_queries(lambda: api.get(url), lambda: BoardCommentFactory.create_batch(20, post=post))
