"""A team's campaigns: the list (sort, filter, figures), the editor with the live audience count, and one campaign's
results page that refreshes itself while the campaign runs (htmx polling of its results partial)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.forms import CampaignForm
from crm.models import Campaign, Segment
from crm.selectors.access import LAUNCH_CAMPAIGNS, Seat
from crm.selectors.campaigns import (
    DEFAULT_SORT,
    SORT_FIELDS,
    CampaignResults,
    campaign_get_for_team,
    campaign_results,
    campaign_results_for,
    campaigns_for_team,
)
from crm.selectors.runs import current_run
from crm.services.campaigns import campaign_cancel, campaign_create
from crm.services.conditions import segment_count_preview
from feed.services.bulk import DAILY_CAP, NIGHT, NO_CONSENT
from shop.selectors.coupons import coupon_rules_offerable

PAGE_SIZE = 30
RESULTS_REFRESH_SECONDS = 5
RESULTS_LIVE_FOR = timedelta(days=8)  # the attribution window (7 days) and a day's margin
SORT_LABELS = {
    "scheduled": gettext_lazy("최근 순"),
    "oldest": gettext_lazy("오래된 순"),
    "title": gettext_lazy("제목 순"),
    "audience": gettext_lazy("대상 많은 순"),
}
SKIP_LABELS = {
    NO_CONSENT: gettext_lazy("수신 동의 없음"),
    NIGHT: gettext_lazy("야간 동의 없음(21시~8시)"),
    DAILY_CAP: gettext_lazy("하루 알림 한도"),
}
FORM_ERROR_FIELDS = {"segment": "segment", "title": "title", "body": "body", "scheduled_at": "scheduled_at"}


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    results: CampaignResults


def _segment_choices(seat: Seat) -> list[tuple[int, str]]:
    return list(Segment.objects.filter(team=seat.team, is_active=True).order_by("name", "pk").values_list("pk", "name"))


def _campaign_or_404(seat: Seat, pk: int) -> Campaign:
    campaign = campaign_get_for_team(team=seat.team, pk=pk)
    if campaign is None:
        raise Http404
    return campaign


@require_safe
@backoffice_view
def campaign_list(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    """The team's campaigns, newest first by default; a page's figures come from three grouped queries."""
    sort = request.GET.get("sort") if request.GET.get("sort") in SORT_FIELDS else DEFAULT_SORT
    status = request.GET.get("status") if request.GET.get("status") in Campaign.Status.values else ""
    query = (request.GET.get("q") or "").strip()[:60]
    campaigns = list(campaigns_for_team(team=seat.team, sort=sort, status=status, query=query)[:PAGE_SIZE])
    results = campaign_results_for(campaigns)
    context = {
        "rows": [CampaignRow(campaign=c, results=results[c.pk]) for c in campaigns],
        "sort": sort,
        "status": status,
        "query": query,
        "sort_links": [
            (key, label, "?" + urlencode({"sort": key, "status": status, "q": query}))
            for key, label in SORT_LABELS.items()
        ],
        "statuses": Campaign.Status.choices,
        "can_launch": seat.can(LAUNCH_CAMPAIGNS),
    }
    return TemplateResponse(request, "crm/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
@backoffice_view(permission=LAUNCH_CAMPAIGNS)
def campaign_new(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    choices = {"segment_choices": _segment_choices(seat), "coupon_choices": coupon_rules_offerable()}
    if request.method == "POST":
        form = CampaignForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_create(
                    seat=seat,
                    segment_id=data["segment"],
                    title=data["title"],
                    body=data["body"],
                    link=data["link"],
                    coupon_rule_id=data["coupon_rule"],
                    is_promotional=data["is_promotional"],
                    control_percent=data["control_percent"],
                    scheduled_at=data["scheduled_at"],
                )
            except DomainError as exc:
                form.add_error(FORM_ERROR_FIELDS.get(exc.code), exc.message)
            else:
                messages.success(
                    request,
                    _("캠페인을 보내기 시작했어요.")
                    if campaign.scheduled_at <= timezone.now()
                    else _("캠페인을 예약했어요."),
                )
                return redirect("crm:campaign_detail", slug=seat.team.slug, pk=campaign.pk)
        status = 400
    else:
        initial = {"segment": request.GET.get("segment") or ""}
        form = CampaignForm(initial=initial, **choices)
        status = 200
    context = {"form": form, "current_run": current_run(), "audience_url_segment": form["segment"].value()}
    return TemplateResponse(request, "crm/campaign_form.html", context, status=status)


@require_safe
@backoffice_view
def campaign_audience(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    """The editor's live audience count for the picked segment (the segment editor's count preview); always 200."""
    count = None
    try:
        segment = Segment.objects.filter(team=seat.team, pk=int(request.GET.get("segment") or 0)).first()
    except ValueError:
        segment = None
    if segment is not None:
        try:
            count = segment_count_preview(definition=segment.definition)
        except DomainError:
            count = None
    context = {"audience_count": count, "current_run": current_run()}
    response = TemplateResponse(request, "crm/campaign_form.html#audience-count", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@backoffice_view
def campaign_detail(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    """One campaign: its message as customers see it and its results; the results partial polls itself while the
    campaign is sending or its attribution window is open."""
    campaign = _campaign_or_404(seat, pk)
    results = campaign_results(campaign)
    live = campaign.status in (Campaign.Status.SCHEDULED, Campaign.Status.SENDING) or (
        campaign.launched_at is not None and timezone.now() - campaign.launched_at < RESULTS_LIVE_FOR
    )
    context = {
        "campaign": campaign,
        "results": results,
        "skip_rows": [(SKIP_LABELS.get(reason, reason), n) for reason, n in sorted(results.skipped.items())],
        "preview_body": campaign.body.replace("{nickname}", _("민지")),
        "live": live,
        "refresh_seconds": RESULTS_REFRESH_SECONDS,
        "can_launch": seat.can(LAUNCH_CAMPAIGNS),
    }
    template = "crm/campaign_detail.html#results" if request.htmx else "crm/campaign_detail.html"
    response = TemplateResponse(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@backoffice_view(permission=LAUNCH_CAMPAIGNS)
def campaign_cancel_view(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    campaign = _campaign_or_404(seat, pk)
    try:
        campaign_cancel(seat=seat, campaign=campaign)
    except DomainError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("예약을 취소했어요."))
    return redirect("crm:campaign_detail", slug=seat.team.slug, pk=campaign.pk)
