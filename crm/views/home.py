"""/crm/: a member goes straight to their (first) team; an admin sees every team at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from crm.backoffice import backoffice_view
from crm.selectors.access import Seat, teams_for
from crm.selectors.backoffice import team_overview
from crm.selectors.runs import current_run, run_active


@require_safe
@backoffice_view
def home(request: HttpRequest, *, seat: Seat | None) -> HttpResponse:
    if not request.user.is_superuser:
        # backoffice_view let them in, so they are in at least one team.
        team = teams_for(request.user).first()
        return redirect("crm:team", slug=team.slug)
    context = {"overview": list(team_overview()), "current_run": current_run(), "active_run": run_active()}
    return TemplateResponse(request, "crm/home.html", context)
