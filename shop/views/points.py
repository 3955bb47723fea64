"""The points page (적립금): balance, what expires soon, and the ledger history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from shop.selectors.points import point_history, point_summary

ENTRIES_PER_PAGE = 20


@login_required
@require_GET
def points(request: HttpRequest) -> HttpResponse:
    page = Paginator(point_history(user=request.user), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "shop/points.html",
        {
            "summary": point_summary(user=request.user),
            "page": page,
            "entries": page.object_list,
            "earn_rate": settings.POINTS_EARN_RATE_PERCENT,
        },
    )
