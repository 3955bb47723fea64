"""내 문의: the shopper's side of 1:1 문의 — start one about a product, an order, a shop or a page, the list of their
conversations, one conversation (live over ws/chat/<pk>/), and the satisfaction rating after resolution.

`?embed=1` renders the same pages without the mall's shell, for the sheet that opens over a product, order or shop
page; there the list stands alone (with its 새 문의 button and the empty state) until a conversation is picked. A
conversation that is not the shopper's own is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from config.errors import DomainError
from crm.models import Conversation
from crm.selectors.chat import CUSTOMER, ChatAccess, conversation_access, conversations_for_customer, messages_after
from crm.services.chat import conversation_rate, conversation_start

LIST_LIMIT = 50


def _embed(request: HttpRequest) -> bool:
    return request.GET.get("embed") == "1" or request.POST.get("embed") == "1"


def _with_embed(url: str, request: HttpRequest) -> str:
    return f"{url}?embed=1" if _embed(request) else url


def _own(request: HttpRequest, pk: int) -> ChatAccess:
    access = conversation_access(user=request.user, pk=pk)
    if access is None or access.side != CUSTOMER:
        raise Http404
    return access


def _page(request: HttpRequest, context: dict, *, status: int = 200) -> TemplateResponse:
    context.setdefault("conversations", list(conversations_for_customer(customer=request.user)[:LIST_LIMIT]))
    context["embed"] = _embed(request)
    context["section"] = "accounts"
    return TemplateResponse(request, "crm/inquiries.html", context, status=status)


@xframe_options_sameorigin
@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    return _page(request, {})


@xframe_options_sameorigin  # the 문의하기 sheet frames these pages on our own pages
@login_required
def inquiry_new(request: HttpRequest) -> HttpResponse:
    about = request.GET.get("about", request.POST.get("about", ""))
    ref = request.GET.get("ref", request.POST.get("ref", ""))
    if about not in Conversation.Context.values:
        about, ref = "", ""
    context = {"about": about, "ref": ref, "about_label": dict(Conversation.Context.choices).get(about, "")}
    if request.method == "POST":
        try:
            conversation = conversation_start(
                customer=request.user,
                context_kind=about,
                context_ref=ref,
                body=request.POST.get("body", ""),
                key=request.POST.get("key", ""),
            )
        except DomainError as error:
            context.update(error=error.message, body=request.POST.get("body", ""))
            return _page(request, {"new": context}, status=error.http_status)
        return HttpResponseRedirect(_with_embed(reverse("chat:conversation", kwargs={"pk": conversation.pk}), request))
    return _page(request, {"new": context})


@xframe_options_sameorigin
@login_required
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _own(request, pk)
    history = messages_after(conversation_id=pk, side=CUSTOMER, after_seq=0)
    return _page(request, {"access": access, "conversation": access.conversation, "history": history})


@xframe_options_sameorigin
@login_required
@require_POST
def inquiry_rate(request: HttpRequest, pk: int) -> HttpResponse:
    access = _own(request, pk)
    try:
        rating = int(request.POST.get("rating", "0"))
    except ValueError:
        rating = 0
    try:
        conversation_rate(access=access, rating=rating, comment=request.POST.get("comment", ""))
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(_with_embed(reverse("chat:conversation", kwargs={"pk": pk}), request))
