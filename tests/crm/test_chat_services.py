"""1:1 문의 services: routing, round-robin, sequence numbers, idempotent resends, auto-reply, feed item, rating."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from config.errors import DomainError
from crm.models import ChatDuty, Conversation, Message, TeamMember
from crm.services.chat import (
    AUTO_REPLY,
    RATING_NOT_RESOLVED,
    chat_presence_change,
    conversation_rate,
    conversation_start,
    conversation_status_set,
    message_post,
)
from crm.services.chat_routing import business_hours_set
from feed.models import FeedItem
from tests.accounts.factories import UserFactory
from tests.crm.chat_helpers import access_of, ask_about_order, chat_world
from tests.crm.factories import CsMemberFactory, SegmentFactory, SegmentMembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_order_question_goes_to_the_team_running_the_orders_shop_with_its_context():
    world = chat_world()
    TeamFactory()  # another team, older or not, must not get it
    conversation = ask_about_order(world)
    assert conversation.team == world.team
    assert conversation.store == world.store
    assert conversation.context_kind == "order"
    assert world.order.number in conversation.context_label
    assert conversation.assignee == world.cs
    assert list(conversation.messages.values_list("seq", "sender_kind", "body")) == [
        (1, "customer", "배송이 언제 오나요?")
    ]


def test_a_question_without_a_shop_goes_to_the_team_owning_the_customers_segment():
    world = chat_world()
    segment_team = TeamFactory(name="주방 MD팀")
    SegmentMembershipFactory(segment=SegmentFactory(team=segment_team), user=world.shopper)
    conversation = conversation_start(customer=world.shopper, context_kind="page", context_ref="/", body="안녕하세요")
    assert conversation.team == segment_team


def test_a_question_without_shop_or_segment_goes_to_the_default_team(settings):
    world = chat_world()
    default = TeamFactory(slug="cs-center")
    settings.CRM_CHAT_DEFAULT_TEAM = "cs-center"
    conversation = conversation_start(customer=world.shopper, context_kind="", context_ref="", body="문의해요")
    assert conversation.team == default


def test_new_conversations_go_round_robin_among_cs_members_on_duty():
    world = chat_world()
    second = CsMemberFactory(team=world.team).user
    off_duty = CsMemberFactory(team=world.team)
    ChatDuty.objects.create(member=off_duty, is_on_duty=False)
    TeamMember.objects.create(team=world.team, user=UserFactory(is_staff=True), role=TeamMember.Role.MARKETER)
    assignees = [ask_about_order(world, body=f"질문 {n}").assignee for n in range(4)]
    assert assignees == [world.cs, second, world.cs, second]


def test_a_product_question_about_a_missing_product_is_refused_with_404():
    world = chat_world()
    with pytest.raises(DomainError) as error:
        conversation_start(customer=world.shopper, context_kind="product", context_ref="999999", body="재입고 되나요?")
    assert error.value.http_status == 404


def test_someone_elses_order_cannot_be_the_context():
    world = chat_world()
    with pytest.raises(DomainError):
        conversation_start(customer=UserFactory(), context_kind="order", context_ref=world.order.number, body="?")


def test_messages_get_consecutive_sequence_numbers_per_conversation():
    world = chat_world()
    conversation = ask_about_order(world)
    other = ask_about_order(world, body="다른 질문")
    staff = access_of(world.cs, conversation)
    seqs = [message_post(access=staff, body=f"답변 {n}", key=f"s{n}").message.seq for n in range(3)]
    assert seqs == [2, 3, 4]
    assert other.messages.get().seq == 1
    conversation.refresh_from_db()
    assert conversation.last_seq == 4
    assert conversation.first_response_at is not None


def test_a_resend_with_the_same_key_is_stored_once_and_returns_the_same_seq():
    world = chat_world()
    conversation = ask_about_order(world)
    shopper = access_of(world.shopper, conversation)
    first = message_post(access=shopper, body="사진 보낼게요", key="abc")
    again = message_post(access=shopper, body="사진 보낼게요", key="abc")
    assert first.created
    assert not again.created
    assert again.message.pk == first.message.pk
    assert conversation.messages.filter(client_key="abc").count() == 1


def test_a_message_costs_two_statements_its_seq_and_its_row():
    world = chat_world()
    conversation = ask_about_order(world)
    shopper = access_of(world.shopper, conversation)
    with CaptureQueriesContext(connection) as captured:
        posted = message_post(access=shopper, body="하나 더 물어볼게요", key="more")
    statements = [q["sql"].split()[0] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements == ["UPDATE", "INSERT"]
    assert posted.message.seq == 2
    conversation.refresh_from_db()
    assert (conversation.last_seq, conversation.last_message_excerpt) == (2, "하나 더 물어볼게요")


def test_a_resend_past_the_rate_limit_still_returns_the_stored_message(settings):
    world = chat_world()
    conversation = ask_about_order(world)
    shopper = access_of(world.shopper, conversation)
    first = message_post(access=shopper, body="둘", key="2")
    settings.CRM_CHAT_MESSAGES_PER_MINUTE = 1
    again = message_post(access=shopper, body="둘", key="2")
    assert (again.created, again.message.pk) == (False, first.message.pk)
    with pytest.raises(DomainError):
        message_post(access=shopper, body="셋", key="3")
    conversation.refresh_from_db()
    assert conversation.last_seq == 2


def test_the_database_refuses_a_second_row_with_the_same_key():
    world = chat_world()
    conversation = ask_about_order(world)
    with pytest.raises(IntegrityError):
        Message.objects.create(
            conversation=conversation,
            seq=9,
            sender_kind="customer",
            sender=world.shopper,
            body="x",
            client_key=conversation.messages.get(seq=1).client_key,
        )


def test_an_internal_note_is_refused_from_the_shopper():
    world = chat_world()
    conversation = ask_about_order(world)
    with pytest.raises(DomainError):
        message_post(access=access_of(world.shopper, conversation), body="메모", is_internal=True)


def test_messages_past_the_rate_limit_are_refused_with_429(settings):
    settings.CRM_CHAT_MESSAGES_PER_MINUTE = 3
    world = chat_world()
    conversation = ask_about_order(world)  # the first message counts too
    shopper = access_of(world.shopper, conversation)
    message_post(access=shopper, body="둘", key="2")
    message_post(access=shopper, body="셋", key="3")
    with pytest.raises(DomainError) as error:
        message_post(access=shopper, body="넷", key="4")
    assert error.value.http_status == 429


@time_machine.travel(datetime(2026, 11, 30, 14, 0, tzinfo=UTC), tick=False)  # Monday 23:00 in Seoul
def test_outside_business_hours_the_customer_gets_an_automatic_reply_saying_when():
    world = chat_world()
    business_hours_set(team=world.team, weekdays=[0, 1, 2, 3, 4], opens_at=time(10), closes_at=time(18))
    conversation = ask_about_order(world)
    message_post(access=access_of(world.shopper, conversation), body="하나 더요", key="more")
    replies = list(conversation.messages.filter(sender_kind="system"))
    assert len(replies) == 1, "one automatic reply per closed stretch"
    assert replies[0].seq == 2
    assert replies[0].body == AUTO_REPLY % {"when": "내일 오전 10:00"}


@time_machine.travel(datetime(2026, 11, 30, 3, 0, tzinfo=UTC), tick=False)  # Monday 12:00 in Seoul
def test_inside_business_hours_there_is_no_automatic_reply():
    world = chat_world()
    business_hours_set(team=world.team, weekdays=[0, 1, 2, 3, 4], opens_at=time(10), closes_at=time(18))
    conversation = ask_about_order(world)
    assert not conversation.messages.filter(sender_kind="system").exists()


def test_a_staff_reply_to_an_offline_shopper_becomes_a_feed_item():
    world = chat_world()
    conversation = ask_about_order(world)
    message_post(access=access_of(world.cs, conversation), body="내일 도착해요", key="r1")
    item = FeedItem.objects.get(user=world.shopper)
    assert item.title == "답변이 도착했어요"
    assert "내일 도착해요" in item.body
    assert item.link == f"/inquiries/{conversation.pk}/"
    with translation.override("en"):  # a code, so an English reader gets English around the team's own words
        assert item.title_text == "You have a reply"
        assert item.body_text == f"{world.team.name}: 내일 도착해요"


def test_a_staff_reply_to_a_connected_shopper_makes_no_feed_item():
    world = chat_world()
    conversation = ask_about_order(world)
    chat_presence_change(user_id=world.shopper.pk, delta=1)
    message_post(access=access_of(world.cs, conversation), body="내일 도착해요", key="r1")
    message_post(access=access_of(world.cs, conversation), body="메모", key="n1", is_internal=True)
    assert not FeedItem.objects.filter(user=world.shopper).exists()


def test_rating_is_refused_before_resolution_and_kept_after():
    world = chat_world()
    conversation = ask_about_order(world)
    with pytest.raises(DomainError, match=RATING_NOT_RESOLVED):
        conversation_rate(access=access_of(world.shopper, conversation), rating=5)
    conversation_status_set(access=access_of(world.cs, conversation), status=Conversation.Status.RESOLVED)
    rated = conversation_rate(access=access_of(world.shopper, conversation), rating=4, comment="친절했어요")
    assert (rated.rating, rated.rating_comment) == (4, "친절했어요")


def test_a_customer_message_reopens_a_resolved_conversation():
    world = chat_world()
    conversation = ask_about_order(world)
    conversation_status_set(access=access_of(world.cs, conversation), status=Conversation.Status.RESOLVED)
    message_post(access=access_of(world.shopper, conversation), body="하나만 더요", key="again")
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN


def test_the_same_start_form_sent_twice_starts_one_conversation():
    world = chat_world()
    first = ask_about_order(world, key="start-form")
    again = ask_about_order(world, key="start-form")
    assert again.pk == first.pk
    assert Conversation.objects.filter(customer=world.shopper).count() == 1
