"""The shopper's side of a survey: the answer page (it looks like the feed, for a link opened outside it) and the
answer form's POST, which the feed's inline survey form uses too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from crm.selectors.surveys import survey_for_customer, survey_form_questions
from crm.services.surveys import survey_answer

THANKS = "답해 주셔서 고마워요! 더 잘 챙길게요."


def _values(questions: list, post) -> dict[int, list[str]]:
    """The form's fields are named q<question id>; multiple choice sends the name once per option picked."""
    return {question.pk: post.getlist(f"q{question.pk}") for question in questions}


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return target


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = survey_for_customer(survey_id=pk, user=request.user)
    if found is None:
        raise Http404
    page_url = reverse("surveys:answer", kwargs={"pk": pk})
    extra = {
        "found": found,
        "questions": survey_form_questions(questions=found.questions, selected={}),
        "action": page_url,
        "next": page_url,
        "error": "",
    }
    context = {"extra": extra}
    if request.method == "POST":
        values = _values(found.questions, request.POST)
        try:
            survey_answer(survey_id=pk, customer=request.user, values=values, now=timezone.now())
        except DomainError as exc:
            if exc.code == "already_answered":
                messages.info(request, exc.message)
                return redirect(_next_url(request, page_url))
            extra.update(questions=survey_form_questions(questions=found.questions, selected=values), error=exc.message)
            return TemplateResponse(request, "crm/survey_answer.html", context, status=exc.http_status)
        messages.success(request, _(THANKS))
        return redirect(_next_url(request, page_url))
    return TemplateResponse(request, "crm/survey_answer.html", context)
