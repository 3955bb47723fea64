"""Shared set-up for the 1:1 문의 tests: a shop run by a team with one CS member on duty, and a shopper."""

import uuid
from dataclasses import dataclass

from accounts.models import User
from crm.models import Conversation, Team
from crm.selectors.chat import ChatAccess, conversation_access
from crm.services.chat import conversation_start
from shop.models import Order, Store
from tests.accounts.factories import UserFactory
from tests.crm.factories import CsMemberFactory, TeamFactory
from tests.shop.factories import PlacedOrderFactory, PlacedOrderLineFactory, ProductFactory, StoreFactory


@dataclass
class ChatWorld:
    team: Team
    store: Store
    cs: User
    shopper: User
    order: Order


def chat_world() -> ChatWorld:
    team = TeamFactory(name="생활 MD팀", slug="living")
    store = StoreFactory(team=team, name="동네 생활용품점")
    cs = CsMemberFactory(team=team, user__first_name="하늘", user__last_name="김").user
    shopper = UserFactory(nickname="민지")
    order = PlacedOrderFactory(user=shopper)
    PlacedOrderLineFactory(order=order, product=ProductFactory(store=store))
    return ChatWorld(team=team, store=store, cs=cs, shopper=shopper, order=order)


def ask_about_order(world: ChatWorld, body: str = "배송이 언제 오나요?", key: str | None = None) -> Conversation:
    """Start a conversation about the world's order; each call is a new form unless `key` repeats one."""
    return conversation_start(
        customer=world.shopper,
        context_kind="order",
        context_ref=world.order.number,
        body=body,
        key=key or uuid.uuid4().hex,
    )


def access_of(user: User, conversation: Conversation) -> ChatAccess:
    access = conversation_access(user=user, pk=conversation.pk)
    assert access is not None
    return access
