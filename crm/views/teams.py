"""A team's page: its members and their roles, the shops it runs and the segments it owns."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from crm.backoffice import backoffice_view
from crm.selectors.access import MANAGE_SEGMENTS, Seat
from crm.selectors.backoffice import team_page
from crm.selectors.runs import current_run


@require_safe
@backoffice_view
def team(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    context = {
        "page": team_page(team=seat.team),
        "current_run": current_run(),
        "can_manage_segments": seat.can(MANAGE_SEGMENTS),
    }
    return TemplateResponse(request, "crm/team.html", context)
