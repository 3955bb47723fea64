"""Reports and the moderators' pages: report anything Moderated, the queue (hide/restore/dismiss), suspensions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from community.models import CommunityBan, Report
from community.selectors.moderation import bans_active, moderation_queue, reportable_get
from community.services.moderation import ban_create, ban_lift, moderation_decide, report_create
from config.errors import DomainError


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("신고 사유"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    detail = forms.CharField(
        label=gettext_lazy("자세한 내용 (선택)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BanForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("아이디"), max_length=150)
    reason = forms.CharField(label=gettext_lazy("사유"), max_length=300)
    days = forms.TypedChoiceField(
        label=gettext_lazy("기간"),
        choices=[
            (1, gettext_lazy("1일")),
            (7, gettext_lazy("7일")),
            (30, gettext_lazy("30일")),
            (0, gettext_lazy("해제할 때까지")),
        ],
        coerce=int,
        initial=7,
    )


def _target_or_404(kind: str, pk: int):
    try:
        return reportable_get(kind=kind, pk=pk)
    except DomainError:
        raise Http404 from None


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else fallback


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Report a post, comment, review, question or tour with a reason (once per reader)."""
    target = _target_or_404(kind, pk)
    try:
        back = target.get_absolute_url()
    except Exception:
        back = "/community/"
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report_create(reporter=request.user, target=target, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("신고해 줘서 고마워요. 운영팀이 빠르게 확인할게요."))
            return redirect(_safe_next(request, back))
    elif request.method == "POST":
        status = 400
    preview = ""
    for name in ("title", "body", "caption", "name"):
        if getattr(target, name, ""):
            preview = str(getattr(target, name))[:140]
            break
    context = {"form": form, "target": target, "preview": preview, "back": back, "kind": kind}
    return render(request, "community/moderation/report_form.html", context, status=status)


@staff_member_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "community/moderation/queue.html", {"items": moderation_queue()})


@staff_member_required
@require_POST
def decide(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    target = _target_or_404(kind, pk)
    try:
        moderation_decide(moderator=request.user, target=target, action=action)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        labels = {
            "hide": _("숨겼어요."),
            "restore": _("다시 보이게 했어요."),
            "dismiss": _("문제 없음으로 처리했어요."),
        }
        messages.success(request, labels[action])
    return redirect("community:moderation")


@staff_member_required
@require_http_methods(["GET", "POST"])
def bans(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("user"):
        found = (
            get_user_model().objects.filter(pk=request.GET["user"]).first() if request.GET["user"].isdigit() else None
        )
        if found is not None:
            initial["username"] = found.get_username()
    form = BanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            form.add_error("username", _("그런 아이디의 회원이 없어요."))
            status = 400
        else:
            try:
                ban_create(
                    user=user,
                    moderator=request.user,
                    reason=form.cleaned_data["reason"],
                    days=form.cleaned_data["days"] or None,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("%(name)s님의 커뮤니티 이용을 제한했어요.") % {"name": user.display_name})
                return redirect("community:bans")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "bans": list(bans_active(now=timezone.now())[:100])}
    return render(request, "community/moderation/bans.html", context, status=status)


@staff_member_required
@require_POST
def ban_end(request: HttpRequest, pk: int) -> HttpResponse:
    ban = CommunityBan.objects.filter(pk=pk).first()
    if ban is None:
        raise Http404
    ban_lift(ban=ban, moderator=request.user)
    messages.success(request, _("이용 제한을 풀었어요."))
    return redirect("community:bans")
