"""Admins read who looked at or exported which customer's data, filtered by person, action, customer and date."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from crm.backoffice import backoffice_view
from crm.forms import AuditFilterForm
from crm.selectors.access import Seat
from crm.selectors.backoffice import AuditFilters, audit_log_list

AUDIT_ROWS_PER_PAGE = 50


@require_safe
@backoffice_view(admin_only=True)
def audit_log(request: HttpRequest, *, seat: Seat | None) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            actor=data["actor"],
            action=data["action"],
            customer=data["customer"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    page = Paginator(audit_log_list(filters=filters), AUDIT_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "form": form,
        "page_obj": page,
        "rows": page.object_list,
        "filter_query": urlencode(kept),
        "is_filtered": bool(kept),
    }
    return TemplateResponse(request, "crm/audit_log.html", context)
