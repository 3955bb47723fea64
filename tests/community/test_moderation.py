"""Moderation: reports with reasons, auto-hiding at the configured count, the moderator queue, suspensions."""

import pytest
from django.urls import reverse

from community.models import BoardPost, Report
from community.services.boards import comment_create
from community.services.moderation import ban_create, ban_lift, moderation_decide, report_create
from community.services.qna import question_ask
from config.errors import DomainError
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.community.factories import (
    BoardCommentFactory,
    BoardPostFactory,
    LocalStoreFactory,
    ProductQuestionFactory,
    ResidencyFactory,
)

pytestmark = pytest.mark.django_db


def _report_n(target, n, reason="spam"):
    for _ in range(n):
        report_create(reporter=UserFactory(), target=target, reason=reason)


def test_n_reports_hide_a_post(settings):
    settings.COMMUNITY_AUTO_HIDE_REPORTS = 3
    post = BoardPostFactory()
    _report_n(post, 2)
    post.refresh_from_db()
    assert (post.report_count, post.is_hidden) == (2, False)
    _report_n(post, 1)
    post.refresh_from_db()
    assert (post.report_count, post.is_hidden) == (3, True)


def test_default_auto_hide_count_is_five():
    post = BoardPostFactory()
    _report_n(post, 4)
    post.refresh_from_db()
    assert not post.is_hidden
    _report_n(post, 1)
    post.refresh_from_db()
    assert post.is_hidden


def test_report_twice_by_same_reader_is_refused():
    post = BoardPostFactory()
    reader = UserFactory()
    report_create(reporter=reader, target=post, reason="abuse")
    with pytest.raises(DomainError) as excinfo:
        report_create(reporter=reader, target=post, reason="abuse")
    assert excinfo.value.http_status == 409
    post.refresh_from_db()
    assert post.report_count == 1


def test_report_own_content_is_refused():
    post = BoardPostFactory()
    with pytest.raises(DomainError):
        report_create(reporter=post.author, target=post, reason="spam")


def test_report_rate_limit_is_a_message(client, settings):
    settings.COMMUNITY_RATE_LIMITS = {"report": (1, 3600)}
    reader = UserFactory()
    client.force_login(reader)
    first, second = BoardPostFactory(), BoardPostFactory()
    assert client.post(reverse("community:report", args=["boardpost", first.pk]), {"reason": "spam"}).status_code == 302
    response = client.post(reverse("community:report", args=["boardpost", second.pk]), {"reason": "spam"})
    assert response.status_code == 429
    assert "분 뒤에 다시 시도해 주세요" in response.content.decode()


def test_report_works_for_comments_reviews_questions_and_stores(settings):
    settings.COMMUNITY_AUTO_HIDE_REPORTS = 1
    for target in (BoardCommentFactory(), LocalStoreFactory(), ProductQuestionFactory()):
        _report_n(target, 1)
        target.refresh_from_db()
        assert target.is_hidden, type(target).__name__


def test_report_page_unknown_kind_is_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("community:report", args=["user", 1])).status_code == 404


def test_moderator_restore_shows_the_post_and_resets_the_count(settings):
    settings.COMMUNITY_AUTO_HIDE_REPORTS = 2
    post = BoardPostFactory()
    _report_n(post, 2)
    moderation_decide(moderator=StaffUserFactory(), target=post, action="restore")
    post.refresh_from_db()
    assert (post.is_hidden, post.report_count) == (False, 0)
    assert set(Report.objects.values_list("resolution", flat=True)) == {"dismissed"}
    _report_n(post, 1)
    post.refresh_from_db()
    assert not post.is_hidden


def test_moderator_hide_resolves_reports():
    post = BoardPostFactory()
    _report_n(post, 1)
    moderation_decide(moderator=StaffUserFactory(), target=post, action="hide")
    post.refresh_from_db()
    assert post.is_hidden
    assert Report.objects.get().resolution == "hidden"


def test_moderation_by_shopper_is_refused():
    with pytest.raises(DomainError):
        moderation_decide(moderator=UserFactory(), target=BoardPostFactory(), action="hide")


def test_moderation_queue_page_lists_reported_content_for_staff_only(client):
    post = BoardPostFactory(title="신고된 글")
    _report_n(post, 2, reason="abuse")
    client.force_login(UserFactory())
    assert client.get(reverse("community:moderation")).status_code == 302
    client.force_login(StaffUserFactory())
    html = client.get(reverse("community:moderation")).content.decode()
    assert f'data-testid="queue-boardpost-{post.pk}"' in html
    assert "신고된 글" in html
    response = client.post(reverse("community:moderation_decide", args=["boardpost", post.pk, "hide"]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_hidden
    assert "신고된 글" not in client.get(reverse("community:moderation")).content.decode()


def test_moderation_queue_keeps_constant_queries(client, assert_constant_queries):
    """The queue costs one query per kind of content, not per reported item."""
    client.force_login(StaffUserFactory())

    def grow():
        for _ in range(6):
            _report_n(BoardPostFactory(), 1)
            _report_n(BoardCommentFactory(), 1)

    _report_n(BoardPostFactory(), 1)
    _report_n(BoardCommentFactory(), 1)
    assert_constant_queries(lambda: client.get(reverse("community:moderation")), grow)


def test_suspended_user_cannot_post_comment_or_ask_until_lifted():
    resident = ResidencyFactory()
    user, neighbourhood = resident.user, resident.neighbourhood
    post = BoardPostFactory(neighbourhood=neighbourhood)
    ban = ban_create(user=user, moderator=StaffUserFactory(), reason="반복된 광고", days=None)
    with pytest.raises(DomainError) as excinfo:
        comment_create(post=post, author=user, body="광고")
    assert "이용이 제한된 계정이에요" in excinfo.value.message
    with pytest.raises(DomainError):
        question_ask(product=ProductQuestionFactory().product, asker=user, body="광고")
    ban_lift(ban=ban, moderator=StaffUserFactory())
    comment_create(post=post, author=user, body="다시 왔어요")


def test_suspension_page_bans_by_username(client):
    target = UserFactory(username="spammer")
    client.force_login(StaffUserFactory())
    response = client.post(reverse("community:bans"), {"username": "spammer", "reason": "광고 도배", "days": "7"})
    assert response.status_code == 302
    assert target.community_bans.get().ends_at is not None
    assert "spammer" in client.get(reverse("community:bans")).content.decode()


def test_hidden_post_stays_out_of_board_lists():
    from community.selectors.boards import board_posts

    post = BoardPostFactory()
    BoardPost.objects.filter(pk=post.pk).update(is_hidden=True)
    assert not board_posts(neighbourhood_ids=[post.neighbourhood_id]).exists()
