"""1:1 문의 under real concurrency (PostgreSQL, threads released by a barrier): the conversation's row lock hands out
every sequence number once and without gaps, and a message resent at the same moment under the same key is stored
once."""

import pytest

from crm.models import Message
from crm.services.chat import message_post
from tests.concurrency.test_checkout_concurrency import run_concurrently
from tests.crm.chat_helpers import access_of, ask_about_order, chat_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_messages_from_both_sides_get_every_seq_once(settings):
    settings.CRM_CHAT_MESSAGES_PER_MINUTE = 1000
    world = chat_world()
    conversation = ask_about_order(world)
    shopper, staff = access_of(world.shopper, conversation), access_of(world.cs, conversation)

    def post(n: int) -> int:
        access = shopper if n % 2 else staff
        return message_post(access=access, body=f"메시지 {n}", key=f"k-{n}").message.seq

    results, errors = run_concurrently(40, post, workers=10)
    assert errors == []
    assert sorted(results) == list(range(2, 42))
    assert list(Message.objects.filter(conversation=conversation).order_by("seq").values_list("seq", flat=True)) == (
        list(range(1, 42))
    )


def test_the_same_key_sent_at_the_same_moment_is_stored_once():
    world = chat_world()
    conversation = ask_about_order(world)
    shopper = access_of(world.shopper, conversation)

    def post(_n: int) -> int:
        return message_post(access=shopper, body="한 번만 보내져야 해요", key="same-key").message.seq

    results, errors = run_concurrently(8, post, workers=8)
    assert errors == []
    assert set(results) == {2}
    assert Message.objects.filter(conversation=conversation, client_key="same-key").count() == 1
