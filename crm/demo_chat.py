"""Demo 1:1 문의: every demo team answers weekdays 10:00-18:00, keeps two saved replies, and has two conversations
with shoppers who ordered from its shops (one answered, one waiting), so /crm/inbox/ and 내 문의 show something
right after `make run`.

Runs after crm.demo. Conversations go through crm.services.chat (routing, round-robin, seq, auto-reply); a re-run
adds none once any exists, and saved replies are upserted by title.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import time

from crm.models import Conversation, SavedReply, Team
from crm.selectors.chat import STAFF, ChatAccess
from crm.services.chat import conversation_start, message_post
from crm.services.chat_routing import business_hours_set
from shop.models import Order

SAVED_REPLIES = [
    ("배송 안내", "주문하신 상품은 오후 2시 전 결제 건이면 오늘 출발해요. 운송장이 나오면 바로 알려 드릴게요."),
    (
        "교환·반품",
        "받으신 날부터 7일 안에 주문 상세에서 교환·반품을 신청하실 수 있어요. 사진을 함께 보내 주시면 더 빨라요.",
    ),
]
QUESTIONS = [
    ("배송이 언제쯤 도착할까요? 주말 전에 받고 싶어요.", "내일 오전에 도착할 예정이에요. 조금만 기다려 주세요."),
    ("상품 포장이 조금 찢어져서 왔어요. 사진 보내 드릴까요?", ""),
]


def seed(*, rng: random.Random, scale: int, log: Callable[[str], None]) -> list[tuple[str, str, str]]:
    made = 0
    # An order's conversation goes to the team of its first line's shop, which need not be the team being seeded:
    # so a re-run adds none once any conversation exists, rather than per team.
    seed_conversations = not Conversation.objects.exists()
    for team in Team.objects.order_by("pk"):
        business_hours_set(team=team, weekdays=[0, 1, 2, 3, 4], opens_at=time(10), closes_at=time(18))
        for title, body in SAVED_REPLIES:
            SavedReply.objects.update_or_create(team=team, title=title, defaults={"body": body})
        if not seed_conversations:
            continue
        orders = list(
            Order.objects.filter(lines__store__team=team, user__is_staff=False)
            .select_related("user")
            .distinct()
            .order_by("pk")[:10]
        )
        rng.shuffle(orders)
        shoppers = {order.user_id: order for order in orders}  # one conversation per shopper
        for order, (question, answer) in zip(shoppers.values(), QUESTIONS, strict=False):
            conversation = conversation_start(
                customer=order.user, context_kind="order", context_ref=order.number, body=question
            )
            made += 1
            if answer and conversation.assignee is not None:
                access = ChatAccess(conversation=conversation, user=conversation.assignee, side=STAFF)
                message_post(access=access, body=answer)
    log(f"crm: 1:1 문의 {Conversation.objects.count()}개 (새로 {made}개), 상담 시간 평일 10:00-18:00")
    return []
