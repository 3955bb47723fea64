"""A team's segments: the list with figures, the no-code editor with its live count, and one segment's page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST, require_safe

from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.forms import SegmentForm, definition_validate
from crm.models import Segment
from crm.selectors.access import LAUNCH_CAMPAIGNS, MANAGE_SEGMENTS, Seat
from crm.selectors.runs import current_run
from crm.selectors.segments import (
    DEFAULT_SORT,
    condition_catalogue,
    definition_describe,
    segment_get_for_team,
    segment_history,
    segment_rows_for_team,
)
from crm.services.conditions import segment_count_preview
from crm.services.segments import segment_create as segment_create_service
from crm.services.segments import segment_update

EMPTY_DEFINITION = {"match": "all", "conditions": []}
# (sort key, column heading, numeric?) in table order; numbers sort biggest first on the first click.
SORT_COLUMNS = (
    ("name", gettext_lazy("세그먼트"), False),
    ("size", gettext_lazy("고객 수"), True),
    ("revenue", gettext_lazy("매출"), True),
    ("aov", gettext_lazy("평균 주문 금액"), True),
    ("repeat", gettext_lazy("재구매율"), True),
    ("essentials", gettext_lazy("필수품 점유율"), True),
)


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    numeric: bool
    url: str
    direction: str  # "ascending", "descending" or "" (aria-sort)


def _sort_headers(*, sort: str, query: str) -> list[SortHeader]:
    headers = []
    for key, label, numeric in SORT_COLUMNS:
        if sort == key:
            direction, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            direction, next_sort = "descending", key
        else:
            direction, next_sort = "", f"-{key}" if numeric else key
        params = {"sort": next_sort, **({"q": query} if query else {})}
        headers.append(
            SortHeader(key=key, label=str(label), numeric=numeric, url=f"?{urlencode(params)}", direction=direction)
        )
    return headers


def builder_text() -> dict[str, str]:
    """The condition builder's words in the active language (static/js/crm.js keeps Korean defaults)."""
    return {
        "match_all": _("모든 조건 (AND)"),
        "match_any": _("하나라도 (OR)"),
        "match_label_root": _("조건을 묶는 방법"),
        "match_label_group": _("이 묶음의 조건을 묶는 방법"),
        "empty": _("아직 조건이 없어요. 아래에서 추가해 주세요."),
        "add_condition": _("+ 조건 추가"),
        "add_group": _("+ 조건 묶음 추가"),
        "head_root_before": pgettext("condition builder", "다음"),
        "head_root_after": _("을 만족하는 고객"),
        "head_group_before": _("이 묶음은"),
        "head_group_after": _("을 만족해요"),
        "remove_group": _("묶음 지우기"),
        "field": _("조건 항목"),
        "unknown_field": _("알 수 없는 항목"),
        "op": _("비교 방법"),
        "remove": _("이 조건 지우기"),
        "category": _("카테고리"),
        "value": _("값"),
        "min": _("최솟값"),
        "max": _("최댓값"),
        "yes": _("예"),
        "no": _("아니요"),
        "recent": _("최근"),
        "days_label": _("며칠 동안"),
        "days_during": _("일 동안"),
        "count_label": _("몇 번"),
        "times": _("번"),
        "purchase_days_label": _("며칠 동안 (비우면 전체 기간)"),
        "days_comma": _("일,"),
        "min_spend_label": _("최소 금액 (원)"),
        "won_or_more": _("원 이상"),
    }


def _segment_or_404(seat: Seat, pk: int) -> Segment:
    segment = segment_get_for_team(team=seat.team, pk=pk)
    if segment is None:
        raise Http404
    return segment


@require_safe
@backoffice_view
def segment_list(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    sort = request.GET.get("sort") or DEFAULT_SORT
    query = (request.GET.get("q") or "").strip()[:60]
    rows = segment_rows_for_team(team=seat.team, sort=sort, query=query)
    context = {
        "rows": rows,
        "sort": sort,
        "sort_headers": _sort_headers(sort=sort, query=query),
        "query": query,
        "current_run": current_run(),
        "can_manage_segments": seat.can(MANAGE_SEGMENTS),
    }
    return TemplateResponse(request, "crm/segment_list.html", context)


def _editor(
    request: HttpRequest, *, seat: Seat, form: SegmentForm, segment: Segment | None, status: int = 200
) -> TemplateResponse:
    context = {
        "form": form,
        "segment": segment,
        "catalogue": condition_catalogue(),
        "builder_text": builder_text(),
        "can_manage_segments": True,
    }
    return TemplateResponse(request, "crm/segment_form.html", context, status=status)


def _save(request: HttpRequest, *, seat: Seat, form: SegmentForm, segment: Segment | None) -> HttpResponse:
    if not form.is_valid():
        return _editor(request, seat=seat, form=form, segment=segment, status=400)
    data = form.cleaned_data
    try:
        if segment is None:
            segment = segment_create_service(
                team=seat.team,
                name=data["name"],
                description=data["description"],
                definition=data["definition"],
                created_by=request.user,
            )
            messages.success(request, _("세그먼트를 만들었어요. 다음 계산 때부터 고객이 채워져요."))
        else:
            segment = segment_update(
                segment=segment,
                name=data["name"],
                description=data["description"],
                definition=data["definition"],
                is_active=data["is_active"],
            )
            messages.success(request, _("세그먼트를 고쳤어요. 바뀐 조건은 다음 계산 때부터 적용돼요."))
    except DomainError as exc:
        form.add_error("name" if exc.code and exc.code.startswith("segment_name") else None, exc.message)
        return _editor(request, seat=seat, form=form, segment=segment, status=400)
    return redirect("crm:segment_detail", slug=seat.team.slug, pk=segment.pk)


@backoffice_view(permission=MANAGE_SEGMENTS)
def segment_create(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    if request.method == "POST":
        return _save(request, seat=seat, form=SegmentForm(request.POST), segment=None)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = SegmentForm(initial={"definition": json.dumps(EMPTY_DEFINITION, ensure_ascii=False), "is_active": True})
    return _editor(request, seat=seat, form=form, segment=None)


@backoffice_view(permission=MANAGE_SEGMENTS)
def segment_edit(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    segment = _segment_or_404(seat, pk)
    if request.method == "POST":
        return _save(request, seat=seat, form=SegmentForm(request.POST), segment=segment)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = SegmentForm(
        initial={
            "name": segment.name,
            "description": segment.description,
            "definition": json.dumps(segment.definition or EMPTY_DEFINITION, ensure_ascii=False),
            "is_active": segment.is_active,
        }
    )
    return _editor(request, seat=seat, form=form, segment=segment)


@require_POST
@backoffice_view(permission=MANAGE_SEGMENTS)
def segment_preview(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    """The editor's live count: how many customers of the current run match the conditions being edited.

    Always answers 200 with the count partial (htmx swaps only successful answers); a bad definition shows its
    message in place of the count.
    """
    count: int | None = None
    error = ""
    try:
        definition = definition_validate(request.POST.get("definition"))
    except forms.ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        try:
            count = segment_count_preview(definition=definition)
        except DomainError as exc:
            error = exc.message
    context = {"preview_count": count, "preview_error": error, "current_run": current_run()}
    response = TemplateResponse(request, "crm/segment_form.html#count-preview", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _segment_customers_url(seat: Seat, segment: Segment) -> str:
    """H5's panel of the segment's customers (loaded into the page with htmx), when it is installed."""
    try:
        return reverse("crm:segment_customers", kwargs={"slug": seat.team.slug, "pk": segment.pk})
    except NoReverseMatch:
        return ""


@require_safe
@backoffice_view
def segment_detail(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    segment = _segment_or_404(seat, pk)
    history = segment_history(segment=segment)
    context = {
        "segment": segment,
        "history": history,
        "latest": history.latest,
        "definition_words": definition_describe(segment.definition, catalogue=condition_catalogue()),
        "segment_customers_url": _segment_customers_url(seat, segment),
        "can_manage_segments": seat.can(MANAGE_SEGMENTS),
        "can_launch_campaigns": seat.can(LAUNCH_CAMPAIGNS) and segment.is_active,
        "current_run": current_run(),
    }
    return TemplateResponse(request, "crm/segment_detail.html", context)
