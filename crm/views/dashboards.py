"""Dashboards: a team's (every member of the team) and the admins' across all teams; each panel's table as CSV."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from crm.backoffice import backoffice_view
from crm.models import Team
from crm.selectors.access import Seat
from crm.selectors.dashboards import dashboard_panel, dashboard_panels

UTF8_BOM = "\ufeff"


def _page(request: HttpRequest, team: Team | None) -> TemplateResponse:
    context = {"panels": dashboard_panels(team=team, now=timezone.now()), "scope_team": team}
    return TemplateResponse(request, "crm/dashboard.html", context)


def _csv(team: Team | None, panel_key: str) -> HttpResponse:
    panel = dashboard_panel(team=team, key=panel_key, now=timezone.now())
    if panel is None:
        raise Http404
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    csv.writer(buffer).writerows(panel.csv_rows())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{team.slug if team else 'all'}-{panel.key}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_safe
@backoffice_view
def team_dashboard(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    return _page(request, seat.team)


@require_safe
@backoffice_view
def team_dashboard_csv(request: HttpRequest, panel: str, *, seat: Seat) -> HttpResponse:
    return _csv(seat.team, panel)


@require_safe
@backoffice_view(admin_only=True)
def admin_dashboard(request: HttpRequest, *, seat: Seat | None) -> HttpResponse:
    return _page(request, None)


@require_safe
@backoffice_view(admin_only=True)
def admin_dashboard_csv(request: HttpRequest, panel: str, *, seat: Seat | None) -> HttpResponse:
    return _csv(None, panel)
