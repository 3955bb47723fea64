"""공지·이벤트 and 체험단 pages: read notices, apply to a trial, the team's selection page, testers' reports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from community.models import Notice, TrialApplication, TrialGroup, TrialReport
from community.selectors.participation import (
    notice_get,
    notices_published,
    trial_application_for,
    trial_applications,
    trial_group_get,
    trial_groups,
    trial_reports_for_product,
)
from community.selectors.qna import qna_can_answer
from community.services.participation import (
    REPORT_PHOTOS_MAX,
    trial_apply,
    trial_decline,
    trial_report_submit,
    trial_select,
)
from config.errors import DomainError
from shop.models import Product

NOTICES_PER_PAGE = 20
TRIALS_PER_PAGE = 12
PANEL_REPORTS = 3


class TrialReportForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=gettext_lazy("종합 별점"),
        choices=[(5, "★★★★★"), (4, "★★★★☆"), (3, "★★★☆☆"), (2, "★★☆☆☆"), (1, "★☆☆☆☆")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=gettext_lazy("후기"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": gettext_lazy("써 보니 어땠는지 솔직하게 들려주세요.")}),
    )


def _group_or_404(pk: int) -> TrialGroup:
    try:
        return trial_group_get(pk=pk)
    except TrialGroup.DoesNotExist:
        raise Http404(_("찾을 수 없는 체험단이에요.")) from None


@require_safe
def notices(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Notice.Kind.values:
        kind = ""
    page = Paginator(notices_published(kind=kind), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "items": list(page.object_list), "kind": kind, "kinds": Notice.Kind.choices}
    return render(request, "community/participation/notices.html", context)


@require_safe
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = notice_get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404(_("찾을 수 없는 공지예요.")) from None
    return render(request, "community/participation/notice.html", {"item": item})


@require_safe
def trials(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(trial_groups(now=now), TRIALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "community/participation/trials.html", {"page": page, "groups": list(page.object_list), "now": now}
    )


@require_http_methods(["GET", "POST"])
def trial(request: HttpRequest, pk: int) -> HttpResponse:
    """A recruitment: what it is, the questions, and the apply form (or the applicant's status)."""
    group = _group_or_404(pk)
    now = timezone.now()
    error = ""
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={group.get_absolute_url()}")
        answers = {q: request.POST.get(f"q{i}", "") for i, q in enumerate(group.questions)}
        try:
            trial_apply(group=group, user=request.user, answers=answers, motivation=request.POST.get("motivation", ""))
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("신청했어요. 선정 결과는 피드로 알려 드릴게요."))
            return redirect(group.get_absolute_url())
    context = {
        "group": group,
        "is_open": group.is_open(now),
        "application": trial_application_for(group=group, user=request.user),
        "can_manage": qna_can_answer(user=request.user, product=group.product),
        "questions": [(f"q{i}", q, request.POST.get(f"q{i}", "")) for i, q in enumerate(group.questions)],
        "error": error,
        "now": now,
    }
    return render(request, "community/participation/trial.html", context, status=status)


@login_required
@require_safe
def trial_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The product's team: every applicant with their answers, select/decline, and the testers' reports."""
    group = _group_or_404(pk)
    if not qna_can_answer(user=request.user, product=group.product):
        return render(
            request,
            "community/boards/forbidden.html",
            {"message": _("이 상품을 운영하는 팀만 볼 수 있어요.")},
            status=403,
        )
    applications = list(trial_applications(group=group))
    context = {
        "group": group,
        "applications": applications,
        "selected": [a for a in applications if a.status == TrialApplication.Status.SELECTED],
    }
    return render(request, "community/participation/trial_manage.html", context)


@login_required
@require_POST
def trial_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    application = (
        TrialApplication.objects.select_related("group", "group__product", "group__product__store")
        .filter(pk=pk)
        .first()
    )
    if application is None or decision not in ("select", "decline"):
        raise Http404
    action = trial_select if decision == "select" else trial_decline
    try:
        action(application=application, staff=request.user)
    except DomainError as exc:
        if exc.http_status == 403:
            return render(request, "community/boards/forbidden.html", {"message": exc.message}, status=403)
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("선정했어요. 피드로 알려 드렸어요.") if decision == "select" else _("미선정으로 정했어요.")
        )
    return redirect("community:trial_manage", pk=application.group_id)


@login_required
@require_http_methods(["GET", "POST"])
def trial_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A selected tester's report form: a star row per aspect, overall, text and photos."""
    group = _group_or_404(pk)
    application = trial_application_for(group=group, user=request.user)
    if application is None or application.status != TrialApplication.Status.SELECTED:
        return render(
            request,
            "community/boards/forbidden.html",
            {"message": _("선정된 체험단만 후기를 쓸 수 있어요.")},
            status=403,
        )
    already = TrialReport.objects.filter(application=application).exists()
    form = TrialReportForm(request.POST or None)
    aspects = [(f"a{i}", a, request.POST.get(f"a{i}", "")) for i, a in enumerate(group.aspects)]
    status = 200
    if request.method == "POST" and form.is_valid() and not already:
        try:
            trial_report_submit(
                application=application,
                user=request.user,
                ratings={a: request.POST.get(key) for key, a, _value in aspects},
                overall=form.cleaned_data["overall"],
                body=form.cleaned_data["body"],
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("후기를 올렸어요. 함께해 줘서 고마워요!"))
            return redirect(group.product.get_absolute_url() + "#trial-reports")
    elif request.method == "POST":
        status = 400
    context = {
        "group": group,
        "form": form,
        "aspects": aspects,
        "max_photos": REPORT_PHOTOS_MAX,
        "already": already,
    }
    return render(request, "community/participation/trial_report_form.html", context, status=status)


def trial_reports_panel(request: HttpRequest, product: Product) -> str:
    """The product page's "체험단 후기" panel (shop.hooks provider); nothing when the product has none."""
    reports = list(trial_reports_for_product(product_id=product.pk)[: PANEL_REPORTS + 1])
    if not reports:
        return ""
    return render_to_string(
        "community/participation/_reports_panel.html",
        {"product": product, "reports": reports[:PANEL_REPORTS], "has_more": len(reports) > PANEL_REPORTS},
        request=request,
    )
