"""1:1 문의 writes: start a conversation, post a message, read receipts, status, assignment, rating.

Every message is stored with the conversation's next sequence number (allocated under the conversation's row lock)
before anyone is told; the live push goes out after commit and may be dropped — a reconnecting client asks for
everything after the last seq it saw (crm.selectors.chat.messages_after), so the socket is never the record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ForeignKey
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from community.images import image_store, image_upload_discard
from community.models import CommunityImage
from community.ratelimit import ratelimit_hit
from config.errors import DomainError
from crm.feed_messages import CHAT_REPLY
from crm.models import Conversation, Message, SavedReply, Team, TeamMember
from crm.selectors.chat import CUSTOMER, STAFF, ChatAccess, conversation_url, message_payload
from crm.services.chat_push import group_conversation, group_team, push_event, send_on_commit
from crm.services.chat_routing import (
    chat_assignee_pick,
    chat_context_resolve,
    chat_team_for,
    opening_text,
    team_hours_cached,
    team_is_open,
    team_next_opening,
)
from feed.models import FeedItem
from feed.services.items import feed_item_create

logger = logging.getLogger(__name__)

BODY_MAX = 2000
AUTO_REPLY_EVERY = timedelta(hours=12)  # one "we're closed" note per closed stretch, not one per message
PRESENCE_SECONDS = 3600

MESSAGE_EMPTY = gettext_noop("보낼 내용을 적어 주세요.")
MESSAGE_TOO_LONG = gettext_noop("메시지는 2,000자까지 보낼 수 있어요.")
NOTE_ONLY_STAFF = gettext_noop("내부 메모는 팀원만 남길 수 있어요.")
AUTO_REPLY = gettext_noop("지금은 상담 시간이 아니에요. 남겨 주신 문의는 %(when)s부터 차례로 답변드릴게요.")
RATING_INVALID = gettext_noop("만족도는 1점부터 5점까지 골라 주세요.")
RATING_NOT_RESOLVED = gettext_noop("상담이 끝난 뒤에 만족도를 남길 수 있어요.")
STATUS_INVALID = gettext_noop("바꿀 수 없는 상태예요.")
SAVED_REPLY_INVALID = gettext_noop("제목과 내용을 모두 적어 주세요.")
SAVED_REPLY_DUPLICATE = gettext_noop("같은 제목의 답변이 이미 있어요.")
ASSIGNEE_NOT_MEMBER = gettext_noop("이 팀의 팀원에게만 맡길 수 있어요.")


@dataclass(frozen=True)
class MessagePosted:
    message: Message
    created: bool  # False: the same client key was already stored, this is that message


# --- the live push --------------------------------------------------------------------------------------------------
def inbox_payload(conversation: Conversation) -> dict[str, Any]:
    customer = conversation.customer
    return {
        "type": "inbox.update",
        "conversation": conversation.pk,
        "status": conversation.status,
        "assignee": conversation.assignee_id,
        "customer_name": customer.display_name,
        "context_label": conversation.context_label,
        "excerpt": conversation.last_message_excerpt,
        "last_seq": conversation.last_seq,
        "staff_read_seq": conversation.staff_read_seq,
        "last_message_at": conversation.last_message_at.isoformat(),
        "url": conversation_url(conversation, side=STAFF),
    }


def _notify_message(conversation: Conversation, message: Message) -> None:
    payload = message_payload(message)
    # An internal note reaches the customer's socket only as a "skip", so it never waits for that seq to arrive.
    customer_payload = {"type": "chat.skip", "seq": message.seq} if message.is_internal else None
    send_on_commit(
        (group_conversation(conversation.pk), push_event(payload, customer_payload=customer_payload)),
        (group_team(conversation.team_id), push_event(inbox_payload(conversation))),
    )


# --- presence: is the shopper looking at a chat socket right now? ----------------------------------------------------
def _presence_key(user_id: int) -> str:
    return f"chat:online:{user_id}"


def chat_presence_change(*, user_id: int, delta: int) -> None:
    """Count the user's open chat sockets (+1 on connect, -1 on disconnect) in the shared cache."""
    key = _presence_key(user_id)
    try:
        cache.add(key, 0, PRESENCE_SECONDS)
        value = cache.incr(key, delta)
        if value <= 0:
            cache.delete(key)
        else:
            cache.touch(key, PRESENCE_SECONDS)
    except Exception:
        logger.warning("chat presence unavailable for %s", user_id, exc_info=True)


def chat_is_online(*, user_id: int) -> bool:
    try:
        return int(cache.get(_presence_key(user_id)) or 0) > 0
    except Exception:
        return False


# --- writes ---------------------------------------------------------------------------------------------------------
def _excerpt(message: Message) -> str:
    return (message.body or (_("(사진)") if message.image_id else ""))[:120]


def _next_seq(
    conversation: Conversation, *, sender_kind: str, is_internal: bool, excerpt: str, now: Any
) -> Conversation:
    """Take the conversation's next seq and update its inbox row in ONE statement (UPDATE ... RETURNING): the row
    stays locked until commit, so seqs are handed out one at a time with no gaps (a rolled-back message returns its
    seq). Returns the row as it now is, with the related objects the caller already holds."""
    sets = ["last_seq = last_seq + 1"]
    params: list[Any] = []
    # The inbox row keeps showing the customer's words, not the team's automatic reply or an internal note.
    if not is_internal and sender_kind != Message.Sender.SYSTEM:
        sets += ["last_message_at = %s", "last_message_excerpt = %s"]
        params += [now, excerpt]
    if sender_kind == STAFF and not is_internal:
        sets.append("first_response_at = COALESCE(first_response_at, %s)")
        params.append(now)
    if sender_kind == CUSTOMER:  # a customer's message reopens a pending or resolved conversation
        sets += ["status = %s", "resolved_at = NULL"]
        params.append(Conversation.Status.OPEN)
    table = connection.ops.quote_name(Conversation._meta.db_table)
    pk = connection.ops.quote_name(cast(str, Conversation._meta.pk.column))  # a concrete field always has a column
    sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} = %s RETURNING *"  # noqa: S608 (fixed column names)
    (updated,) = Conversation.objects.raw(sql, [*params, conversation.pk])
    for relation in ("team", "customer", "assignee", "store"):
        field = Conversation._meta.get_field(relation)
        assert isinstance(field, ForeignKey)  # noqa: S101 (narrows the type; the four are foreign keys)
        if field.is_cached(conversation) and getattr(updated, field.attname) == getattr(conversation, field.attname):
            field.set_cached_value(updated, field.get_cached_value(conversation))
    return updated


def _append(
    conversation: Conversation,
    *,
    sender_kind: str,
    sender: User | None,
    body: str,
    key: str = "",
    image: CommunityImage | None = None,
    is_internal: bool = False,
) -> tuple[Conversation, Message]:
    """Store the next message of `conversation` (two statements: the seq, the row) and queue its push; returns the
    conversation as updated and the message."""
    now = timezone.now()
    message = Message(
        sender_kind=sender_kind,
        sender=sender,
        body=body,
        image=image,
        is_internal=is_internal,
        client_key=key,
        created_at=now,
    )
    conversation = _next_seq(
        conversation, sender_kind=sender_kind, is_internal=is_internal, excerpt=_excerpt(message), now=now
    )
    message.conversation = conversation
    message.seq = conversation.last_seq
    message.save(force_insert=True)
    _notify_message(conversation, message)
    return conversation, message


def _auto_reply_if_closed(conversation: Conversation) -> None:
    now = timezone.now()
    hours = team_hours_cached(conversation.team)
    if team_is_open(hours=hours, now=now):
        return
    if conversation.auto_replied_at is not None and conversation.auto_replied_at > now - AUTO_REPLY_EVERY:
        return
    opens = team_next_opening(hours=hours, now=now)
    if opens is None:
        return
    body = _(AUTO_REPLY) % {"when": opening_text(opens, now=now)}
    conversation, _reply = _append(conversation, sender_kind=Message.Sender.SYSTEM, sender=None, body=body)
    conversation.auto_replied_at = now
    conversation.save(update_fields=["auto_replied_at"])


def _clean_body(body: str, *, image: CommunityImage | None) -> str:
    body = (body or "").strip()
    if not body and image is None:
        raise DomainError(_(MESSAGE_EMPTY), code="empty")
    if len(body) > BODY_MAX:
        raise DomainError(_(MESSAGE_TOO_LONG), code="too_long")
    return body


def _existing(conversation_id: int, user: User, key: str) -> Message | None:
    if not key:
        return None
    return Message.objects.filter(conversation_id=conversation_id, sender=user, client_key=key).first()


def message_post(
    *, access: ChatAccess, body: str, key: str = "", image: CommunityImage | None = None, is_internal: bool = False
) -> MessagePosted:
    """Post one message as `access.user` on their side of the conversation and return it with its seq.

    Check: the body (or an image), internal notes only from staff, the per-user rate limit
    (CRM_CHAT_MESSAGES_PER_MINUTE; DomainError 429). Do, in one transaction of two statements: take seq =
    last_seq + 1 while updating the conversation (UPDATE ... RETURNING, which locks the row), and insert the
    message. If this user already stored `key` in the conversation, the insert hits the unique key, the transaction
    (seq included) rolls back and that message is returned (created=False): a resend after a timeout posts nothing
    twice, and is answered even when the rate limit would refuse a new message. After a customer's message outside
    business hours add the team's automatic reply. Notify after commit: the message to the conversation's group
    (an internal note reaches the customer only as a "skip"), the inbox row to the team's group, and a
    "답변이 도착했어요" feed item when a staff reply finds the shopper without an open chat socket.
    """
    key = (key or "")[:64]
    body = _clean_body(body, image=image)
    if is_internal and not access.is_staff:
        raise DomainError(_(NOTE_ONLY_STAFF), code="forbidden", http_status=403)
    try:
        limit = settings.CRM_CHAT_MESSAGES_PER_MINUTE
        ratelimit_hit(key=f"chat:user:{access.user.pk}", limit=limit, window_seconds=60)
    except DomainError:
        already = _existing(access.conversation.pk, access.user, key)
        if already is None:
            raise
        return MessagePosted(message=already, created=False)
    try:
        with transaction.atomic():
            conversation, message = _append(
                access.conversation,
                sender_kind=access.side,
                sender=access.user,
                body=body,
                key=key,
                image=image,
                is_internal=is_internal and access.is_staff,
            )
            if access.side == CUSTOMER:
                _auto_reply_if_closed(conversation)
            elif not message.is_internal and not chat_is_online(user_id=conversation.customer_id):
                feed_item_create(
                    kind=FeedItem.Kind.MD_MESSAGE,
                    message_code=CHAT_REPLY,
                    message_params={"team": conversation.team.name, "message": message.body[:380]},
                    link=conversation_url(conversation, side=CUSTOMER),
                    user=conversation.customer,
                )
    except IntegrityError:
        already = _existing(access.conversation.pk, access.user, key)
        if already is None:
            raise
        return MessagePosted(message=already, created=False)
    return MessagePosted(message=message, created=True)


def message_post_with_upload(
    *, access: ChatAccess, body: str, key: str = "", upload: Any = None, is_internal: bool = False
) -> MessagePosted:
    """message_post() with a picture uploaded in the same request, stored only together with its message.

    A resend of a stored key returns that message and stores nothing. The picture (checked by the upload pipeline,
    whose DomainError is raised as it is) and the message are written in one transaction: when the message is
    refused (DomainError) or turns out to be a resend after all, the transaction rolls back, the renditions task is
    never queued and the stashed file is deleted, so no picture stays stored without a message.
    """
    if upload is None:
        return message_post(access=access, body=body, key=key, is_internal=is_internal)
    already = _existing(access.conversation.pk, access.user, (key or "")[:64])
    if already is not None:
        return MessagePosted(message=already, created=False)
    image = None
    try:
        with transaction.atomic():
            image = image_store(upload=upload, owner=access.user)
            posted = message_post(access=access, body=body, key=key, image=image, is_internal=is_internal)
            if not posted.created:
                transaction.set_rollback(True)
    except DomainError:
        if image is not None:
            image_upload_discard(image=image)
        raise
    if not posted.created:
        image_upload_discard(image=image)
    return posted


def conversation_start(
    *, customer: User, context_kind: str, context_ref: str, body: str, key: str = ""
) -> Conversation:
    """Open a conversation about a product, order, shop or page (or nothing) with its first message.

    Routes it (crm.services.chat_routing.chat_team_for), assigns it round-robin among the team's CS members on
    duty under the team's row lock, then posts `body` through `message_post` (same checks, same push). The new
    row reaches the team inbox's socket after commit. A second call with the same `key` returns the conversation
    the first one started. Raises DomainError for a missing context or an empty body."""
    _clean_body(body, image=None)
    if key:
        first = Message.objects.filter(sender=customer, client_key=key[:64], seq=1).select_related("conversation")
        started = first.first()
        if started is not None:  # the same form sent twice (a double tap, a retry): the conversation it made
            return started.conversation
    context = chat_context_resolve(customer=customer, kind=context_kind, ref=context_ref)
    team = chat_team_for(customer=customer, store=context.store)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        conversation = Conversation(
            customer=customer,
            team=team,
            assignee=chat_assignee_pick(team=team, now=timezone.now()),
            context_kind=context.kind,
            context_id=context.object_id,
            context_label=context.label,
            context_url=context.url,
            store=context.store,
        )
        conversation.full_clean(exclude=["customer", "team", "assignee", "store"])
        conversation.save()
        message_post(access=ChatAccess(conversation=conversation, user=customer, side=CUSTOMER), body=body, key=key)
    return conversation


def inbox_read_payload(conversation: Conversation) -> dict[str, Any]:
    """The team's inbox rows learn that staff read up to here (the unread dot goes, the row stays where it is)."""
    return {
        "type": "inbox.read",
        "conversation": conversation.pk,
        "last_seq": conversation.last_seq,
        "staff_read_seq": conversation.staff_read_seq,
    }


def conversation_mark_read(*, access: ChatAccess, seq: int) -> int:
    """Move this side's read marker forward to `seq` (never back, never past the last message); tell the other side
    after commit, and when staff read, the team's inbox lists too (every open tab of every member). Returns the
    marker."""
    field = "staff_read_seq" if access.is_staff else "customer_read_seq"
    conversation_id = access.conversation.pk
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation_id)
        seq = max(0, min(int(seq), conversation.last_seq))
        if seq <= getattr(conversation, field):
            return getattr(conversation, field)
        setattr(conversation, field, seq)
        conversation.save(update_fields=[field])
        payload = {"type": "chat.read", "side": access.side, "seq": seq}
        other = CUSTOMER if access.is_staff else STAFF
        send_on_commit((group_conversation(conversation_id), push_event(payload, to=other)))
        if access.is_staff:
            send_on_commit((group_team(conversation.team_id), push_event(inbox_read_payload(conversation))))
    return seq


def chat_typing_event(*, access: ChatAccess) -> tuple[str, dict[str, Any]]:
    """Where a typing signal goes and the event (nothing is stored: it is gone in seconds)."""
    other = CUSTOMER if access.is_staff else STAFF
    payload = {"type": "chat.typing", "side": access.side}
    return group_conversation(access.conversation.pk), push_event(payload, to=other)


def conversation_status_set(*, access: ChatAccess, status: str) -> Conversation:
    """Staff set open / pending / resolved; resolving stamps resolved_at (the shopper may then rate it)."""
    if not access.is_staff or status not in Conversation.Status.values:
        raise DomainError(_(STATUS_INVALID), code="invalid")
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=access.conversation.pk)
        )
        conversation.status = status
        conversation.resolved_at = timezone.now() if status == Conversation.Status.RESOLVED else None
        conversation.save(update_fields=["status", "resolved_at"])
        status_payload = {"type": "chat.status", "status": status}
        send_on_commit(
            (group_conversation(conversation.pk), push_event(status_payload)),
            (group_team(conversation.team_id), push_event(inbox_payload(conversation))),
        )
    return conversation


def conversation_assign(*, access: ChatAccess, assignee_id: int | None) -> Conversation:
    """Hand the conversation to one of its team's members (or to nobody)."""
    if not access.is_staff:
        raise DomainError(_(ASSIGNEE_NOT_MEMBER), code="forbidden", http_status=403)
    conversation = access.conversation
    if (
        assignee_id is not None
        and not TeamMember.objects.filter(team_id=conversation.team_id, user_id=assignee_id).exists()
    ):
        raise DomainError(_(ASSIGNEE_NOT_MEMBER), code="invalid")
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(assignee_id=assignee_id)
        conversation = Conversation.objects.select_related("customer").get(pk=conversation.pk)
        send_on_commit((group_team(conversation.team_id), push_event(inbox_payload(conversation))))
    return conversation


def conversation_rate(*, access: ChatAccess, rating: int, comment: str = "") -> Conversation:
    """The shopper's 1 to 5 satisfaction rating with an optional comment, once the conversation is resolved."""
    if access.is_staff or access.conversation.status != Conversation.Status.RESOLVED:
        raise DomainError(_(RATING_NOT_RESOLVED), code="not_resolved")
    if rating not in range(1, 6):
        raise DomainError(_(RATING_INVALID), code="invalid")
    Conversation.objects.filter(pk=access.conversation.pk).update(rating=rating, rating_comment=(comment or "")[:500])
    return Conversation.objects.get(pk=access.conversation.pk)


def saved_reply_create(*, team: Team, title: str, body: str) -> SavedReply:
    """A reply the team types often, picked from the composer. Titles are unique per team."""
    reply = SavedReply(team=team, title=(title or "").strip(), body=(body or "").strip())
    try:
        reply.full_clean(exclude=["team"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError(_(SAVED_REPLY_INVALID), code="invalid") from error
    if SavedReply.objects.filter(team=team, title=reply.title).exists():
        raise DomainError(_(SAVED_REPLY_DUPLICATE), code="duplicate")
    reply.save()
    return reply
