"""A team's surveys in the back office: the list, the editor (with the essentials template), sending, and the
results with their CSV."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.forms_surveys import SurveyForm, question_formset
from crm.selectors.access import LAUNCH_CAMPAIGNS, Seat
from crm.selectors.surveys import (
    essential_category_get,
    survey_get_for_team,
    survey_results,
    survey_results_csv_rows,
    surveys_for_team,
    team_segment_choices,
)
from crm.services.surveys import survey_create as survey_create_service
from crm.services.surveys import survey_essentials_template, survey_send

UTF8_BOM = "\ufeff"


@require_safe
@backoffice_view
def survey_list(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    context = {"surveys": list(surveys_for_team(team=seat.team)), "can_launch": seat.can(LAUNCH_CAMPAIGNS)}
    return TemplateResponse(request, "crm/survey_list.html", context)


@require_http_methods(["GET", "POST"])
@backoffice_view(permission=LAUNCH_CAMPAIGNS)
def survey_create(request: HttpRequest, *, seat: Seat) -> HttpResponse:
    """GET ?essential=<category id> opens the essentials template ("어디서 사세요?") for that category."""
    segments = team_segment_choices(team=seat.team)
    if request.method == "POST":
        form = SurveyForm(request.POST, segments=segments)
        questions = question_formset(data=request.POST)
        if form.is_valid() and questions.is_valid():
            category = essential_category_get(pk=form.cleaned_data.get("essential"))
            try:
                survey = survey_create_service(
                    seat=seat,
                    segment_id=form.cleaned_data["segment"],
                    title=form.cleaned_data["title"],
                    intro=form.cleaned_data["intro"],
                    questions=questions.question_specs(),
                    essential_category_id=category.pk if category else None,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("설문을 만들었어요. 내용을 확인하고 보내 주세요."))
                return redirect("crm:survey_detail", slug=seat.team.slug, pk=survey.pk)
        category = essential_category_get(pk=request.POST.get("essential"))
        status = 400
    else:
        category = essential_category_get(pk=request.GET.get("essential"))
        if category is not None:
            title, intro, template = survey_essentials_template(category_name=category.name)
            form = SurveyForm(initial={"title": title, "intro": intro, "essential": category.pk}, segments=segments)
            questions = question_formset(questions=template)
        else:
            form = SurveyForm(segments=segments)
            questions = question_formset()
        if request.GET.get("segment", "").isdigit():
            form.initial["segment"] = int(request.GET["segment"])
        status = 200
    context = {"form": form, "questions": questions, "category": category, "segments": segments}
    return TemplateResponse(request, "crm/survey_form.html", context, status=status)


def _survey_or_404(seat: Seat, pk: int):
    survey = survey_get_for_team(team=seat.team, pk=pk)
    if survey is None:
        raise Http404
    return survey


@require_safe
@backoffice_view
def survey_detail(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    survey = _survey_or_404(seat, pk)
    context = {"survey": survey, "results": survey_results(survey=survey), "can_launch": seat.can(LAUNCH_CAMPAIGNS)}
    return TemplateResponse(request, "crm/survey_detail.html", context)


@require_POST
@backoffice_view(permission=LAUNCH_CAMPAIGNS)
def survey_send_view(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    survey = _survey_or_404(seat, pk)
    try:
        asked = survey_send(seat=seat, survey=survey, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)s명에게 설문을 보냈어요.") % {"count": f"{asked:,}"})
    return redirect("crm:survey_detail", slug=seat.team.slug, pk=survey.pk)


@require_safe
@backoffice_view
def survey_results_csv(request: HttpRequest, pk: int, *, seat: Seat) -> HttpResponse:
    survey = _survey_or_404(seat, pk)
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    csv.writer(buffer).writerows(survey_results_csv_rows(results=survey_results(survey=survey)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"survey-{survey.pk}.csv")
    return response
