"""The team inbox at /crm/inbox/: conversations (filters: mine, unassigned, overdue, by shop, resolved), one open
conversation with the customer 360 beside it, status and assignment changes, saved replies, and the community's
unanswered product questions of the team's shops.

Access: backoffice_view resolves the team in the URL (no seat -> 404); a conversation of another team is 404 too.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from community.selectors.qna import questions_unanswered_for
from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.models import Conversation
from crm.selectors.access import Seat, teams_for
from crm.selectors.chat import (
    INBOX_FILTERS,
    STAFF,
    ChatAccess,
    conversation_access,
    conversation_is_overdue,
    first_response_target,
    inbox_conversations,
    messages_after,
    saved_replies_for,
    team_cs_members,
)
from crm.selectors.customer_360 import customer_360
from crm.selectors.runs import current_run_id
from crm.services.chat import conversation_assign, conversation_status_set, saved_reply_create
from shop.models import Store

LIST_LIMIT = 50
QUESTIONS_LIMIT = 10


@backoffice_view
def inbox_home(request: HttpRequest, seat: Seat | None) -> HttpResponse:
    """/crm/inbox/: the inbox of the team last visited, else the user's first team."""
    teams = list(teams_for(request.user))
    last = request.session.get("crm_team")
    team = next((t for t in teams if t.slug == last), teams[0] if teams else None)
    if team is None:
        raise Http404
    return HttpResponseRedirect(reverse("crm:inbox", kwargs={"slug": team.slug}))


def _access(seat: Seat, pk: int) -> ChatAccess:
    access = conversation_access(user=seat.user, pk=pk)
    if access is None or access.side != STAFF or access.conversation.team_id != seat.team.pk:
        raise Http404
    return access


def _store_id(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["shop"])
    except (KeyError, ValueError):
        return None


def _inbox(request: HttpRequest, seat: Seat, access: ChatAccess | None) -> TemplateResponse:
    now = timezone.now()
    filter_name = request.GET.get("filter", "all")
    filter_name = filter_name if filter_name in INBOX_FILTERS else "all"
    store_id = _store_id(request)
    rows = list(
        inbox_conversations(team=seat.team, user=seat.user, filter_name=filter_name, store_id=store_id, now=now)[
            :LIST_LIMIT
        ]
    )
    for row in rows:
        row.is_overdue = conversation_is_overdue(row, now=now)
        row.is_unread = row.staff_read_seq < row.last_seq
    questions = list(questions_unanswered_for(user=seat.user).filter(product__store__team=seat.team)[:QUESTIONS_LIMIT])
    context = {
        "rows": rows,
        "filter": filter_name,
        "filters": INBOX_FILTERS,
        "store_id": store_id,
        "stores": list(Store.objects.filter(team=seat.team).order_by("name").only("pk", "name")),
        "questions": questions,
        "target_minutes": int(first_response_target().total_seconds() // 60),
        "query": request.GET.urlencode(),
    }
    if access is not None:
        conversation = access.conversation
        context.update(
            access=access,
            conversation=conversation,
            history=messages_after(conversation_id=conversation.pk, side=STAFF, after_seq=0),
            saved_replies=saved_replies_for(team=seat.team),
            members=team_cs_members(team=seat.team),
            statuses=Conversation.Status.choices,
            overdue=conversation_is_overdue(conversation, now=now),
            c360=customer_360(
                seat=seat, customer=conversation.customer, run_id=current_run_id(), today=timezone.localdate()
            ),
        )
    return TemplateResponse(request, "crm/inbox.html", context)


@backoffice_view
def inbox(request: HttpRequest, seat: Seat) -> HttpResponse:
    return _inbox(request, seat, None)


@backoffice_view
def inbox_conversation(request: HttpRequest, seat: Seat, pk: int) -> HttpResponse:
    return _inbox(request, seat, _access(seat, pk))


def _back(seat: Seat, pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("crm:inbox_conversation", kwargs={"slug": seat.team.slug, "pk": pk}))


@require_POST
@backoffice_view
def inbox_status(request: HttpRequest, seat: Seat, pk: int) -> HttpResponse:
    try:
        conversation_status_set(access=_access(seat, pk), status=request.POST.get("status", ""))
    except DomainError as error:
        messages.error(request, error.message)
    return _back(seat, pk)


@require_POST
@backoffice_view
def inbox_assign(request: HttpRequest, seat: Seat, pk: int) -> HttpResponse:
    raw = request.POST.get("assignee", "")
    try:
        conversation_assign(access=_access(seat, pk), assignee_id=int(raw) if raw.isdigit() else None)
    except DomainError as error:
        messages.error(request, error.message)
    return _back(seat, pk)


@require_POST
@backoffice_view
def saved_reply_add(request: HttpRequest, seat: Seat) -> HttpResponse:
    try:
        saved_reply_create(team=seat.team, title=request.POST.get("title", ""), body=request.POST.get("body", ""))
    except DomainError as error:
        messages.error(request, error.message)
    back = request.POST.get("next", "")
    if not back.startswith("/crm/"):
        back = reverse("crm:inbox", kwargs={"slug": seat.team.slug})
    return HttpResponseRedirect(back)
