"""오늘 챙길 단골: a team member's morning round (built on first opening if the 07:30 task has not yet), and its
one-tap actions: a personal feed message, a note, or leaving the customer be today. A refused action shows the
page again with the member's text kept (status 400/409), never a lost draft."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.selectors.access import WRITE_NOTES, Seat
from crm.selectors.rounds import round_rows
from crm.services.rounds import round_entry_message, round_entry_note, round_entry_skip, rounds_build


def _page(request: HttpRequest, seat: Seat, *, status: int = 200, failed: dict | None = None) -> TemplateResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    rounds_build(team=seat.team, member=seat.user, today=today, now=now)
    rows = round_rows(team=seat.team, member=seat.user, day=today)
    context = {
        "rows": rows,
        "today": today,
        "done_count": sum(1 for row in rows if row.is_done),
        "can_write_notes": seat.can(WRITE_NOTES),
        "failed": failed or {},
    }
    return TemplateResponse(request, "crm/round_today.html", context, status=status)


@require_safe
@backoffice_view
def round_today(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    return _page(request, seat)


def _act(request: HttpRequest, seat: Seat, pk: int, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404 from exc
        failed = {"pk": pk, "kind": request.resolver_match.url_name, "message": exc.message}
        failed["body"] = request.POST.get("body", "")
        return _page(request, seat, status=exc.http_status, failed=failed)
    messages.success(request, done)
    return redirect(f"{reverse('crm:round_today', kwargs={'slug': seat.team.slug})}#round-{pk}")


@require_POST
@backoffice_view
def round_message(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    def send() -> object:
        return round_entry_message(
            seat=seat,
            entry_id=pk,
            body=request.POST.get("body", ""),
            promotional=request.POST.get("promotional") == "on",
            now=timezone.now(),
        )

    return _act(request, seat, pk, send, _("피드로 메시지를 보냈어요."))


@require_POST
@backoffice_view(permission=WRITE_NOTES)
def round_note(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    def note() -> object:
        return round_entry_note(seat=seat, entry_id=pk, body=request.POST.get("body", ""), now=timezone.now())

    return _act(request, seat, pk, note, _("메모를 남겼어요."))


@require_POST
@backoffice_view
def round_skip(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    def skip() -> object:
        return round_entry_skip(seat=seat, entry_id=pk, now=timezone.now())

    return _act(request, seat, pk, skip, _("오늘은 넘겼어요."))
