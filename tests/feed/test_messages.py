"""Feed items the system composes are a code (+ params) and read in each reader's language: on the feed page and in
the live push; people's words and rows older than the codes are shown as they were stored."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import translation

from config.asgi import application
from feed import messages
from feed.messages import SUBSCRIPTION_SOON, FeedMessage
from feed.models import FeedItem
from feed.services import feed_item_create
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.feed.factories import FeedItemFactory
from tests.feed.helpers import new_visitor

pytestmark = pytest.mark.django_db

KO_TITLE, EN_TITLE = "곧 정기배송이 출발해요", "Your subscription delivery is on its way soon"
KO_BODY = "유기농 쌀 정기배송이 곧 준비돼요. 바꿀 게 있으면 미리 알려 주세요."
EN_BODY = "Your 유기농 쌀 subscription will be ready soon. Let us know in advance if you want to change anything."


def _reminder(*, user=None, visitor_id=None, toast=False) -> FeedItem:
    """A subscription reminder made while a Korean page is being served."""
    with translation.override("ko"):
        return feed_item_create(
            kind=FeedItem.Kind.SUBSCRIPTION_REMINDER,
            user=user,
            visitor_id=visitor_id,
            message_code=SUBSCRIPTION_SOON,
            message_params={"name": "유기농 쌀"},
            toast=toast,
        )


def _feed_page(client, user, language: str) -> str:
    client.force_login(user)
    return client.get("/feed/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_item_made_in_korean_reads_in_english_for_an_english_reader_and_in_korean_for_a_korean_one(client):
    user = UserFactory()
    _reminder(user=user)
    english = _feed_page(client, user, "en")
    assert f'<p class="feed-item__title">{EN_TITLE}</p>' in english
    assert f'<p class="feed-item__body">{EN_BODY}</p>' in english
    korean = _feed_page(client, user, "ko")
    assert f'<p class="feed-item__title">{KO_TITLE}</p>' in korean
    assert f'<p class="feed-item__body">{KO_BODY}</p>' in korean


def test_item_made_while_english_is_active_stores_the_korean_text_and_its_code():
    with translation.override("en"):
        item = feed_item_create(
            kind=FeedItem.Kind.SUBSCRIPTION_REMINDER,
            user=UserFactory(),
            message_code=SUBSCRIPTION_SOON,
            message_params={"name": "유기농 쌀"},
        )
    item.refresh_from_db()
    assert (item.title, item.body) == (KO_TITLE, KO_BODY)
    assert (item.message_code, item.message_params) == (SUBSCRIPTION_SOON, {"name": "유기농 쌀"})


def test_peoples_words_and_rows_older_than_the_codes_are_shown_as_stored_to_an_english_reader(client):
    user = UserFactory()
    FeedItemFactory(user=user, title="이번 주 세제 할인", body="민지님을 위해 골랐어요.")
    FeedItemFactory(user=user, title="예전 알림", body="없어진 코드예요.", message_code="feed.retired_code")
    page = _feed_page(client, user, "en")
    assert '<p class="feed-item__title">이번 주 세제 할인</p>' in page
    assert '<p class="feed-item__body">민지님을 위해 골랐어요.</p>' in page
    assert '<p class="feed-item__title">예전 알림</p>' in page


def test_params_that_no_longer_fit_the_text_fall_back_to_the_stored_text():
    item = FeedItemFactory(
        user=UserFactory(), title="곧 출발해요", body="저장된 내용", message_code=SUBSCRIPTION_SOON, message_params={}
    )
    with translation.override("en"):
        assert item.title_text == EN_TITLE  # the title needs no param
        assert item.body_text == "저장된 내용"


def test_an_unknown_code_or_a_missing_param_is_refused_when_the_item_is_made():
    user = UserFactory()
    with pytest.raises(ValueError, match="unknown feed message"):
        feed_item_create(kind=FeedItem.Kind.NOTICE, user=user, message_code="feed.no_such_message")
    with pytest.raises(KeyError):
        feed_item_create(kind=FeedItem.Kind.NOTICE, user=user, message_code=SUBSCRIPTION_SOON)
    assert not FeedItem.objects.exists()


def test_a_code_cannot_be_registered_again_with_other_texts():
    with pytest.raises(ValueError, match="already registered"):
        messages.register({SUBSCRIPTION_SOON: FeedMessage(title="다른 제목")})


def test_feed_page_in_english_with_coded_items_does_not_grow_its_query_count(client, assert_constant_queries):
    """Guards the per-item rendering: a code becomes text from the registry and the catalogue, never a query."""
    user = UserFactory()
    client.force_login(user)

    def add(count):
        for _index in range(count):
            _reminder(user=user)
            FeedItemFactory(user=user)

    add(3)
    assert_constant_queries(lambda: client.get("/feed/", HTTP_ACCEPT_LANGUAGE="en"), lambda: add(27))


def test_admin_lists_a_coded_item_in_the_admins_language_and_keeps_its_code_read_only(client):
    item = _reminder(user=UserFactory())
    client.force_login(StaffUserFactory(is_superuser=True))
    listing = client.get("/admin/feed/feeditem/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert EN_TITLE in listing
    change = client.get(f"/admin/feed/feeditem/{item.pk}/change/").content.decode()
    assert 'name="message_code"' not in change
    assert SUBSCRIPTION_SOON in change


# -------------------------------------------------------------------------------------------------- live push


def _socket(visitor, **language) -> WebsocketCommunicator:
    cookie = f"dg_vid={visitor}"
    if "cookie" in language:
        cookie += f"; django_language={language['cookie']}"
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())]
    if "accept" in language:
        headers.append((b"accept-language", language["accept"].encode()))
    return WebsocketCommunicator(application, "/ws/feed/", headers=headers)


@pytest.mark.django_db(transaction=True)
def test_live_push_of_an_item_made_in_korean_speaks_each_sockets_language():
    async_to_sync(_push_in_each_language)()


async def _push_in_each_language():
    visitor = new_visitor()
    english_tab, korean_tab = _socket(visitor, accept="en-US,en;q=0.9"), _socket(visitor, cookie="ko")
    english_by_cookie = _socket(visitor, cookie="en", accept="ko")
    for tab in (english_tab, korean_tab, english_by_cookie):
        assert (await tab.connect())[0]
        assert await tab.receive_json_from() == {"type": "feed.ready"}
    await sync_to_async(_reminder)(visitor_id=visitor, toast=True)
    english, korean = await english_tab.receive_json_from(timeout=2), await korean_tab.receive_json_from(timeout=2)
    assert (english["title"], english["body"]) == (EN_TITLE, EN_BODY)
    assert (korean["title"], korean["body"]) == (KO_TITLE, KO_BODY)
    assert (await english_by_cookie.receive_json_from(timeout=2))["title"] == EN_TITLE
    for tab in (english_tab, korean_tab, english_by_cookie):
        await tab.disconnect()
