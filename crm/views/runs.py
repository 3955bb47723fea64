"""Segmentation runs: the log, the 지금 다시 계산 button and a run's live progress (polled by htmx while it runs)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from config.errors import DomainError
from crm.backoffice import backoffice_view, denied
from crm.models import SegmentationRun
from crm.selectors.access import Seat
from crm.selectors.backoffice import can_start_runs, run_list, run_segment_results
from crm.selectors.runs import current_run, run_active, run_get
from crm.services.runs import segmentation_run_start

RUNS_PER_PAGE = 20
ACTIVE_STATUSES = frozenset({SegmentationRun.Status.PENDING, SegmentationRun.Status.RUNNING})


@require_safe
@backoffice_view
def run_list_view(request: HttpRequest, *, seat: Seat | None) -> HttpResponse:
    page = Paginator(run_list(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "runs": page.object_list,
        "active_run": run_active(),
        "current_run": current_run(),
        "can_start_runs": can_start_runs(request.user),
    }
    return TemplateResponse(request, "crm/run_list.html", context)


@require_POST
@backoffice_view
def run_start(request: HttpRequest, *, seat: Seat | None) -> HttpResponse:
    """Start a full recompute now. Refused politely (back to the log, with the running one linked) while another
    run holds the lock."""
    if not can_start_runs(request.user):
        return denied(request, _("다시 계산은 MD 리더, 마케터와 관리자만 시작할 수 있어요."))
    try:
        run = segmentation_run_start(kind=SegmentationRun.Kind.FULL, requested_by=request.user, trigger="manual")
    except DomainError as exc:
        messages.warning(request, exc.message)
        active = run_active()
        if active is not None:
            return redirect("crm:run_detail", pk=active.pk)
        return redirect("crm:run_list")
    messages.success(request, _("다시 계산을 시작했어요. 이 화면에서 진행 상황을 볼 수 있어요."))
    return redirect("crm:run_detail", pk=run.pk)


@require_safe
@backoffice_view
def run_detail(request: HttpRequest, pk: int, *, seat: Seat | None) -> HttpResponse:
    run = run_get(run_id=pk)
    if run is None:
        raise Http404
    context = {
        "run": run,
        "is_active": run.status in ACTIVE_STATUSES,
        "results": run_segment_results(run=run, user=request.user),
    }
    template = "crm/run_detail.html#run-progress" if request.htmx else "crm/run_detail.html"
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
