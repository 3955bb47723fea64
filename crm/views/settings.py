"""Admins set the lifecycle thresholds (신규, 단골, 충성/VIP, 이탈위험, 휴면) that the next run applies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.forms import LifecycleThresholdsForm
from crm.selectors.access import Seat
from crm.selectors.backoffice import lifecycle_thresholds
from crm.services.thresholds import lifecycle_thresholds_update


@require_http_methods(["GET", "HEAD", "POST"])
@backoffice_view(admin_only=True)
def lifecycle_settings(request: HttpRequest, *, seat: Seat | None) -> HttpResponse:
    thresholds = lifecycle_thresholds()
    if request.method == "POST":
        form = LifecycleThresholdsForm(request.POST, instance=thresholds)
        if form.is_valid():
            try:
                lifecycle_thresholds_update(updated_by=request.user, values=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("고객 단계 기준을 저장했어요. 다음 계산부터 적용돼요."))
                return redirect("crm:lifecycle_settings")
        status = 400
    else:
        form = LifecycleThresholdsForm(instance=thresholds)
        status = 200
    context = {"form": form, "thresholds": thresholds}
    return TemplateResponse(request, "crm/lifecycle_settings.html", context, status=status)
