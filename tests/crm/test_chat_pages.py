"""1:1 문의 over HTTP: 내 문의 and the inbox show only what the viewer may see (others get 404), anonymous visitors
are asked to log in, the inbox list costs the same number of queries for 3 and 30 conversations, and the API follows
the same rule."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from community.models import CommunityImage
from crm.models import Conversation
from crm.services.chat import conversation_start, conversation_status_set, message_post
from tests.accounts.factories import UserFactory
from tests.community.factories import ProductQuestionFactory, jpeg_bytes
from tests.crm.chat_helpers import access_of, ask_about_order, chat_world
from tests.crm.factories import CsMemberFactory, TeamFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def inbox_url(world, conversation=None):
    if conversation is None:
        return reverse("crm:inbox", kwargs={"slug": world.team.slug})
    return reverse("crm:inbox_conversation", kwargs={"slug": world.team.slug, "pk": conversation.pk})


def test_an_anonymous_visitor_is_asked_to_log_in_before_asking(client):
    response = client.get(reverse("chat:new") + "?about=product&ref=1")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_shopper_starts_a_conversation_about_an_order_and_lands_on_it(client):
    world = chat_world()
    client.force_login(world.shopper)
    response = client.post(
        reverse("chat:new"), {"about": "order", "ref": world.order.number, "body": "배송 언제 와요?", "key": "k1"}
    )
    conversation = Conversation.objects.get(customer=world.shopper)
    assert response["Location"] == reverse("chat:conversation", kwargs={"pk": conversation.pk})
    page = client.get(response["Location"]).content.decode()
    assert "배송 언제 와요?" in page
    assert world.order.number in page


def test_an_empty_question_is_a_form_error_not_a_500(client):
    world = chat_world()
    client.force_login(world.shopper)
    response = client.post(reverse("chat:new"), {"about": "order", "ref": world.order.number, "body": "  "})
    assert response.status_code == 400
    assert "보낼 내용을 적어 주세요." in response.content.decode()


def test_a_shopper_cannot_open_another_shoppers_conversation(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(UserFactory())
    assert client.get(reverse("chat:conversation", kwargs={"pk": conversation.pk})).status_code == 404
    assert client.post(reverse("chat:rate", kwargs={"pk": conversation.pk}), {"rating": 5}).status_code == 404


def test_internal_notes_never_reach_the_shoppers_page(client):
    world = chat_world()
    conversation = ask_about_order(world)
    message_post(access=access_of(world.cs, conversation), body="VIP 고객이에요", key="n", is_internal=True)
    client.force_login(world.shopper)
    page = client.get(reverse("chat:conversation", kwargs={"pk": conversation.pk})).content.decode()
    assert "VIP 고객이에요" not in page


def test_a_member_of_another_team_gets_404_for_the_conversation(client):
    world = chat_world()
    conversation = ask_about_order(world)
    other_team = TeamFactory()
    client.force_login(CsMemberFactory(team=other_team).user)
    assert client.get(inbox_url(world, conversation)).status_code == 404
    other_inbox = reverse("crm:inbox_conversation", kwargs={"slug": other_team.slug, "pk": conversation.pk})
    assert client.get(other_inbox).status_code == 404


def test_the_teams_cs_member_sees_the_conversation_with_the_customer_beside_it(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(world.cs)
    page = client.get(inbox_url(world, conversation)).content.decode()
    assert "배송이 언제 오나요?" in page
    assert 'data-testid="inbox-360"' in page
    assert world.order.number in page


def test_the_inbox_filters_mine_unassigned_and_overdue(client):
    world = chat_world()
    mine = ask_about_order(world, body="내 담당 문의")
    Conversation.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(hours=2))
    unassigned = ask_about_order(world, body="아무도 안 맡은 문의")
    Conversation.objects.filter(pk=unassigned.pk).update(assignee=None)
    client.force_login(world.cs)

    def shown(filter_name):
        page = client.get(inbox_url(world) + f"?filter={filter_name}").content.decode()
        return {text for text in ("내 담당 문의", "아무도 안 맡은 문의") if text in page}

    assert shown("mine") == {"내 담당 문의"}
    assert shown("unassigned") == {"아무도 안 맡은 문의"}
    assert shown("overdue") == {"내 담당 문의"}
    assert "is-overdue" in client.get(inbox_url(world)).content.decode()


def test_status_and_assignment_change_from_the_inbox(client):
    world = chat_world()
    conversation = ask_about_order(world)
    colleague = CsMemberFactory(team=world.team).user
    client.force_login(world.cs)
    base = {"slug": world.team.slug, "pk": conversation.pk}
    client.post(reverse("crm:inbox_status", kwargs=base), {"status": "resolved"})
    client.post(reverse("crm:inbox_assign", kwargs=base), {"assignee": colleague.pk})
    conversation.refresh_from_db()
    assert conversation.status == "resolved"
    assert conversation.assignee == colleague


def test_unanswered_product_questions_of_the_teams_shops_appear_in_the_inbox(client):
    world = chat_world()
    ProductQuestionFactory(product=ProductFactory(store=world.store), body="이 세제 향이 강한가요?")
    ProductQuestionFactory(product=ProductFactory(), body="다른 팀 가게의 질문")
    client.force_login(world.cs)
    page = client.get(inbox_url(world)).content.decode()
    assert "이 세제 향이 강한가요?" in page
    assert "다른 팀 가게의 질문" not in page


def test_the_inbox_list_costs_the_same_queries_for_3_and_30_conversations(client, assert_constant_queries):
    """Guards the inbox list: customer, assignee and shop come with each row, never one query per row."""
    world = chat_world()
    client.force_login(world.cs)

    def grow_to(n):
        for i in range(n - Conversation.objects.count()):
            conversation_start(customer=UserFactory(), context_kind="shop", context_ref=world.store.slug, body=f"{i}")

    grow_to(3)
    client.get(inbox_url(world))  # the first visit remembers the team in the session (one write, once)
    assert_constant_queries(lambda: client.get(inbox_url(world)), lambda: grow_to(30))


def test_the_api_lists_messages_after_a_seq_and_refuses_outsiders(client):
    world = chat_world()
    conversation = ask_about_order(world)
    message_post(access=access_of(world.cs, conversation), body="답변", key="r")
    url = reverse("api-chat-messages", kwargs={"pk": conversation.pk})
    assert client.get(url).status_code in {401, 403}
    client.force_login(world.shopper)
    assert [m["seq"] for m in client.get(url + "?after=1").json()["messages"]] == [2]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_api_post_is_idempotent_by_key(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(world.shopper)
    url = reverse("api-chat-messages", kwargs={"pk": conversation.pk})
    first = client.post(url, {"body": "한 번만", "key": "once"}, content_type="application/json")
    again = client.post(url, {"body": "한 번만", "key": "once"}, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["seq"] == again.json()["seq"] == 2
    empty = client.post(url, {"body": ""}, content_type="application/json")
    assert empty.status_code == 400
    assert empty.json()["detail"] == "보낼 내용을 적어 주세요."


def test_a_photo_is_posted_through_the_api_stripped_and_numbered(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(world.shopper)
    url = reverse("api-chat-messages", kwargs={"pk": conversation.pk})
    photo = SimpleUploadedFile("box.jpg", jpeg_bytes(width=80, height=60), content_type="image/jpeg")
    response = client.post(url, {"image": photo, "key": "photo-1"})
    assert response.status_code == 201
    assert response.json()["seq"] == 2
    assert response.json()["image"]
    not_a_photo = SimpleUploadedFile("box.jpg", b"not a picture", content_type="image/jpeg")
    refused = client.post(url, {"image": not_a_photo, "key": "photo-2"})
    assert refused.status_code == 400
    assert refused.json()["detail"]


def _stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_a_photo_with_a_refused_message_is_not_kept(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(world.shopper)
    url = reverse("api-chat-messages", kwargs={"pk": conversation.pk})
    photo = SimpleUploadedFile("box.jpg", jpeg_bytes(width=80, height=60), content_type="image/jpeg")
    refused = client.post(url, {"image": photo, "key": "note-1", "internal": "1"})
    assert refused.status_code == 403
    assert _stored_files() == []
    assert not CommunityImage.objects.exists()


def test_a_photo_resent_under_a_stored_key_is_not_stored_twice(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(world.shopper)
    url = reverse("api-chat-messages", kwargs={"pk": conversation.pk})

    def post():
        photo = SimpleUploadedFile("box.jpg", jpeg_bytes(width=80, height=60), content_type="image/jpeg")
        return client.post(url, {"image": photo, "key": "photo-1"})

    assert post().status_code == 201
    stored = _stored_files()
    resent = post()
    assert (resent.status_code, resent.json()["seq"]) == (200, 2)
    assert _stored_files() == stored
    assert CommunityImage.objects.count() == 1


def test_my_inquiries_list_costs_the_same_queries_for_3_and_30_conversations(client, assert_constant_queries):
    """Guards 내 문의: each row's team comes with it, never one query per row."""
    world = chat_world()
    client.force_login(world.shopper)

    def grow_to(n):
        for i in range(n - Conversation.objects.count()):
            ask_about_order(world, body=f"질문 {i}")

    grow_to(3)
    client.get(reverse("chat:list"))
    assert_constant_queries(lambda: client.get(reverse("chat:list")), lambda: grow_to(30))


def test_product_order_and_shop_pages_offer_to_ask_with_their_context(client):
    world = chat_world()
    product = ProductFactory(store=world.store)
    client.force_login(world.shopper)
    pages = {
        f"/p/{product.pk}/": f"about=product&amp;ref={product.pk}",
        f"/orders/{world.order.number}/": f"about=order&amp;ref={world.order.number}",
        f"/s/{world.store.slug}/": f"about=shop&amp;ref={world.store.slug}",
    }
    for url, context in pages.items():
        page = client.get(url).content.decode()
        assert 'data-testid="ask-button"' in page, url
        assert context in page, url


def test_a_question_about_a_product_goes_to_the_team_running_its_shop(client):
    world = chat_world()
    product = ProductFactory(store=world.store, name="향기 좋은 세탁세제")
    client.force_login(world.shopper)
    client.post(reverse("chat:new"), {"about": "product", "ref": product.pk, "body": "향이 강한가요?"})
    conversation = Conversation.objects.get(customer=world.shopper)
    assert (conversation.team, conversation.context_label) == (world.team, "향기 좋은 세탁세제")


def test_after_resolution_the_shopper_rates_the_chat_from_its_page(client):
    world = chat_world()
    conversation = ask_about_order(world)
    url = reverse("chat:conversation", kwargs={"pk": conversation.pk})
    client.force_login(world.shopper)
    assert 'data-testid="rating-form"' not in client.get(url).content.decode()
    conversation_status_set(access=access_of(world.cs, conversation), status="resolved")
    assert 'data-testid="rating-form"' in client.get(url).content.decode()
    client.post(reverse("chat:rate", kwargs={"pk": conversation.pk}), {"rating": "5", "comment": "빨리 답해 주셨어요"})
    conversation.refresh_from_db()
    assert (conversation.rating, conversation.rating_comment) == (5, "빨리 답해 주셨어요")


def test_the_embedded_list_of_a_shopper_without_conversations_offers_to_start_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("chat:list") + "?embed=1")
    page = response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "아직 남긴 문의가 없어요." in page
    assert f'href="{reverse("chat:new")}?embed=1" data-testid="inquiry-new"' in page


def test_the_embedded_list_links_each_conversation_inside_the_sheet(client):
    world = chat_world()
    conversation = ask_about_order(world)
    client.force_login(world.shopper)
    page = client.get(reverse("chat:list") + "?embed=1").content.decode()
    assert f'href="{reverse("chat:conversation", kwargs={"pk": conversation.pk})}?embed=1"' in page
