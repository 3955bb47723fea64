"""Reads for 1:1 문의: who may open a conversation (and from which side), its history after a sequence number,
the shopper's list and the team inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from crm.models import Conversation, Message, SavedReply, Team, TeamMember

CUSTOMER = Message.Sender.CUSTOMER
STAFF = Message.Sender.STAFF

INBOX_FILTERS = ("all", "mine", "unassigned", "overdue", "resolved")


@dataclass(frozen=True)
class ChatAccess:
    """A user's way into one conversation: as its customer, or as staff of its team (or an admin)."""

    conversation: Conversation
    user: User
    side: str  # Message.Sender.CUSTOMER or STAFF

    @property
    def is_staff(self) -> bool:
        return self.side == STAFF


def first_response_target() -> timedelta:
    return timedelta(minutes=settings.CRM_CHAT_FIRST_RESPONSE_MINUTES)


def conversation_access(*, user: User, pk: int) -> ChatAccess | None:
    """The user's access to conversation `pk`, or None (callers answer 404 and close sockets with 4404).

    The customer sees only their own; a member of the conversation's team and an admin see it as staff."""
    if not user.is_authenticated:
        return None
    conversation = Conversation.objects.select_related("team", "customer", "assignee", "store").filter(pk=pk).first()
    if conversation is None:
        return None
    if conversation.customer_id == user.pk:
        return ChatAccess(conversation=conversation, user=user, side=CUSTOMER)
    if user.is_superuser or TeamMember.objects.filter(team_id=conversation.team_id, user=user).exists():
        return ChatAccess(conversation=conversation, user=user, side=STAFF)
    return None


def messages_after(*, conversation_id: int, side: str, after_seq: int, limit: int = 500) -> list[Message]:
    """The conversation's messages with seq > after_seq in order; the customer's side never sees internal notes."""
    qs = Message.objects.filter(conversation_id=conversation_id, seq__gt=after_seq)
    if side != STAFF:
        qs = qs.filter(is_internal=False)
    return list(qs.select_related("sender", "image").order_by("seq")[:limit])


def message_payload(message: Message, *, conversation_id: int | None = None) -> dict:
    """The JSON-safe description of one message that sockets, the API and the page's first render share."""
    sender_name = ""
    if message.sender_kind == STAFF and message.sender is not None:
        sender_name = f"{message.sender.last_name}{message.sender.first_name}".strip() or message.sender.display_name
    return {
        "type": "chat.message",
        "conversation": conversation_id or message.conversation_id,
        "seq": message.seq,
        "sender": message.sender_kind,
        "sender_name": sender_name,
        "body": message.body,
        "image": message.image.src if message.image is not None else "",
        "internal": message.is_internal,
        "key": message.client_key,
        "created_at": message.created_at.isoformat(),
    }


def conversations_for_customer(*, customer: User) -> QuerySet[Conversation]:
    """내 문의: the shopper's conversations, latest activity first."""
    return (
        Conversation.objects.filter(customer=customer)
        .select_related("team", "store")
        .order_by("-last_message_at", "-pk")
    )


def inbox_conversations(
    *, team: Team, user: User, filter_name: str, store_id: int | None, now: datetime
) -> QuerySet[Conversation]:
    """The team's inbox: open and pending conversations (resolved under their own filter), oldest waiting first
    under "overdue", else latest activity first. Every row carries what the list shows (customer, assignee, shop)."""
    qs = Conversation.objects.filter(team=team).select_related("customer", "assignee", "store")
    if filter_name == "resolved":
        qs = qs.filter(status=Conversation.Status.RESOLVED)
    else:
        qs = qs.exclude(status=Conversation.Status.RESOLVED)
    if filter_name == "mine":
        qs = qs.filter(assignee=user)
    elif filter_name == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif filter_name == "overdue":
        qs = qs.filter(overdue_q(now=now)).order_by("created_at", "pk")
    if store_id is not None:
        qs = qs.filter(store_id=store_id)
    if filter_name == "overdue":
        return qs
    return qs.order_by("-last_message_at", "-pk")


def overdue_q(*, now: datetime) -> Q:
    """Waiting for a first answer longer than the target (CRM_CHAT_FIRST_RESPONSE_MINUTES)."""
    return Q(
        first_response_at__isnull=True,
        status=Conversation.Status.OPEN,
        created_at__lt=now - first_response_target(),
    )


def conversation_is_overdue(conversation: Conversation, *, now: datetime) -> bool:
    return (
        conversation.first_response_at is None
        and conversation.status == Conversation.Status.OPEN
        and conversation.created_at < now - first_response_target()
    )


def saved_replies_for(*, team: Team) -> list[SavedReply]:
    return list(SavedReply.objects.filter(team=team).order_by("title", "pk"))


def team_cs_members(*, team: Team) -> list[TeamMember]:
    """Who a conversation can be assigned to: the team's members (CS first), with their users."""
    members = TeamMember.objects.filter(team=team).select_related("user").order_by("sort_order", "pk")
    return sorted(members, key=lambda m: m.role != TeamMember.Role.CS)


def conversation_url(conversation: Conversation, *, side: str) -> str:
    if side == STAFF:
        return reverse("crm:inbox_conversation", kwargs={"slug": conversation.team.slug, "pk": conversation.pk})
    return reverse("chat:conversation", kwargs={"pk": conversation.pk})
