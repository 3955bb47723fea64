"""Customers in the back office: the team's (and a segment's) customer table, its CSV export, the customer 360 page,
and the notes and tags team members leave on it.

Access comes from crm.backoffice.backoffice_view (anonymous -> login, no seat in the team -> 404, a role without
the page's permission -> 403 page). A customer outside the seat's visible set is 404. Sort, filter and search
links are htmx requests that swap only the table (`#customer-table`) and push the page's URL; every answer sends
`Vary: HX-Request`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from config.errors import DomainError
from crm.backoffice import backoffice_view
from crm.models import Lifecycle, RfmSegment, Segment
from crm.selectors.access import EXPORT_CUSTOMERS, LAUNCH_CAMPAIGNS, SEE_CONTACT, WRITE_NOTES, Seat
from crm.selectors.customer_360 import customer_360, customer_for_seat
from crm.selectors.customers import (
    DEFAULT_SORT,
    PAGE_SIZE,
    CustomerFilters,
    customer_export_lines,
    customer_rows,
    customer_rows_shaped,
    search_normalize,
    sort_normalize,
)
from crm.selectors.runs import current_run
from crm.selectors.segments import segment_get_for_team
from crm.services.customers import (
    customer_list_viewed,
    customer_note_add,
    customer_tag_add,
    customer_tag_remove,
    customer_viewed,
    customers_exported,
)

LIST_TEMPLATE = "crm/customer_list.html"
TABLE_TEMPLATE = "crm/partials/_customer_table.html"
DETAIL_TEMPLATE = "crm/customer_detail.html"
TABLE_TARGET = "customer-table"
UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    numeric: bool = False
    sortable: bool = True
    text_first: bool = False  # sorts ascending on the first click (names and stages); numbers start descending


COLUMNS = (
    Column("nickname", gettext_lazy("닉네임"), text_first=True),
    Column("phone", gettext_lazy("휴대폰"), sortable=False),
    Column("lifecycle", gettext_lazy("고객 단계"), text_first=True),
    Column("rfm", gettext_lazy("RFM"), text_first=True),
    Column("r", "R", numeric=True),
    Column("f", "F", numeric=True),
    Column("m", "M", numeric=True),
    Column("orders", gettext_lazy("주문"), numeric=True),
    Column("spend", gettext_lazy("누적 결제"), numeric=True),
    Column("last_order", gettext_lazy("마지막 주문"), numeric=True),
    Column("essentials", gettext_lazy("필수품 점유율"), numeric=True),
    Column("overdue", gettext_lazy("떨어진 필수품"), numeric=True),
    Column("last_seen", gettext_lazy("마지막 방문"), numeric=True),
)


@dataclass(frozen=True)
class HeaderCell:
    column: Column
    query: str  # the query string that sorts by this column (page reset to 1)
    direction: str  # "ascending" / "descending" when the table is sorted by it (aria-sort's words), else ""


@dataclass(frozen=True)
class ListQuery:
    """What the visitor asked the table for, already whitelisted."""

    search: str
    filters: CustomerFilters
    sort: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> ListQuery:
        return cls(
            search=search_normalize(request.GET.get("q")),
            filters=CustomerFilters.from_params(request.GET),
            sort=sort_normalize(request.GET.get("sort")),
        )

    def params(self, **override: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"q": self.search, **self.filters.as_dict()}
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        params.update(override)
        return {key: value for key, value in params.items() if value not in ("", None)}

    def querystring(self, **override: Any) -> str:
        return urlencode(self.params(**override))

    def audit(self) -> dict[str, Any]:
        return {"q": self.search, "filters": self.filters.as_dict(), "sort": self.sort}


def _header(query: ListQuery) -> list[HeaderCell]:
    cells = []
    for column in COLUMNS:
        direction = ""
        sort_value = ""
        if column.sortable:
            if query.sort == column.key:
                direction, sort_value = "ascending", f"-{column.key}"
            elif query.sort == f"-{column.key}":
                direction, sort_value = "descending", column.key
            else:
                sort_value = column.key if column.text_first else f"-{column.key}"
        cells.append(HeaderCell(column=column, query=query.querystring(sort=sort_value), direction=direction))
    return cells


def _segment_or_404(seat: Seat, pk: int) -> Segment:
    segment = segment_get_for_team(team=seat.team, pk=pk)
    if segment is None:
        raise Http404
    return segment


def _list_urls(seat: Seat, segment: Segment | None) -> dict[str, str]:
    slug = seat.team.slug
    if segment is None:
        return {
            "table_url": reverse("crm:customer_list", kwargs={"slug": slug}),
            "export_url": reverse("crm:customer_export", kwargs={"slug": slug}),
        }
    kwargs = {"slug": slug, "pk": segment.pk}
    return {
        "table_url": reverse("crm:segment_customers", kwargs=kwargs),
        "export_url": reverse("crm:segment_export", kwargs=kwargs),
        "segment_url": reverse("crm:segment_detail", kwargs=kwargs),
    }


def _customer_table(request: HttpRequest, seat: Seat, segment: Segment | None) -> TemplateResponse:
    """The customer table of the team or of one segment.

    - htmx aimed at #customer-table (sort, filter, search, page): only the table, and HX-Push-Url so the address
      bar and the back button follow;
    - other htmx requests (the segment page loading its panel): the panel, filters and table;
    - plain requests: the whole page.
    Queries: the seat's (decorator), the current run, COUNT and one page of profiles joined to their users, the
    audit INSERT: the same number for 3 customers or 50.
    """
    query = ListQuery.from_request(request)
    run = current_run()
    rows = customer_rows(
        seat=seat,
        run_id=run.pk if run else None,
        segment=segment,
        search=query.search,
        filters=query.filters,
        sort=query.sort,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    customer_list_viewed(
        seat=seat,
        segment=segment,
        query={**query.audit(), "page": page.number},
        row_count=page.paginator.count,
        request=request,
    )
    urls = _list_urls(seat, segment)
    context = {
        "segment": segment,
        "run": run,
        "page_obj": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "rows": customer_rows_shaped(page.object_list, seat=seat),
        "header": _header(query),
        "columns": COLUMNS,
        "query": query,
        "querystring": query.querystring(),
        "lifecycle_choices": Lifecycle.choices,
        "rfm_choices": RfmSegment.choices,
        "can_export": seat.can(EXPORT_CUSTOMERS),
        "shows_contact": seat.can(SEE_CONTACT),
        **urls,
    }
    table_only = bool(request.htmx and request.htmx.target == TABLE_TARGET)
    if table_only:
        template = f"{TABLE_TEMPLATE}#customer-table"
    elif request.htmx:
        template = TABLE_TEMPLATE
    else:
        template = LIST_TEMPLATE
    response = TemplateResponse(request, template, context)
    if table_only:
        qs = query.querystring(page=page.number if page.number > 1 else "")
        response["HX-Push-Url"] = urls["table_url"] + (f"?{qs}" if qs else "")
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@backoffice_view
def customer_list(request: HttpRequest, seat: Seat) -> HttpResponse:
    """Every customer the team may see (its active segments' members in the current run)."""
    return _customer_table(request, seat, None)


@require_safe
@backoffice_view
def segment_customers(request: HttpRequest, seat: Seat, pk: int) -> HttpResponse:
    """One segment's customers: the panel the segment page loads with htmx, or a page of its own."""
    return _customer_table(request, seat, _segment_or_404(seat, pk))


# --- CSV ------------------------------------------------------------------------------------------------------
class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(lines: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield UTF8_BOM  # Excel reads the file as UTF-8 (Korean) only with the byte-order mark
    for line in lines:
        yield writer.writerow(line)


def _export(request: HttpRequest, seat: Seat, segment: Segment | None) -> StreamingHttpResponse:
    """Stream the same customers, in the same order, as the table with this query string.

    The audit row is written before the first byte, with the query and the row count from one COUNT over the
    same filters (cheap next to the export; the rows themselves are read once, by the stream).
    """
    query = ListQuery.from_request(request)
    run = current_run()
    rows = customer_rows(
        seat=seat,
        run_id=run.pk if run else None,
        segment=segment,
        search=query.search,
        filters=query.filters,
        sort=query.sort,
    )
    customers_exported(seat=seat, segment=segment, query=query.audit(), row_count=rows.count(), request=request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{seat.team.slug}-segment-{segment.pk}" if segment else f"{seat.team.slug}-customers"
    response = StreamingHttpResponse(
        _csv_stream(customer_export_lines(rows, seat=seat)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{name}-{stamp}.csv")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@backoffice_view(permission=EXPORT_CUSTOMERS)
def customer_export(request: HttpRequest, seat: Seat) -> HttpResponse:
    return _export(request, seat, None)


@require_safe
@backoffice_view(permission=EXPORT_CUSTOMERS)
def segment_export(request: HttpRequest, seat: Seat, pk: int) -> HttpResponse:
    return _export(request, seat, _segment_or_404(seat, pk))


# --- the customer 360 -----------------------------------------------------------------------------------------
def _customer_or_404(seat: Seat, customer_id: int, run_id: int | None):
    customer = customer_for_seat(seat=seat, customer_id=customer_id, run_id=run_id)
    if customer is None:
        raise Http404
    return customer


def _detail_response(request: HttpRequest, seat: Seat, customer_id: int, *, partial: str = "") -> TemplateResponse:
    run = current_run()
    run_id = run.pk if run else None
    customer = _customer_or_404(seat, customer_id, run_id)
    view = customer_360(seat=seat, customer=customer, run_id=run_id, today=timezone.localdate())
    context = {
        "view": view,
        "customer": customer,
        "run": run,
        "can_write_notes": seat.can(WRITE_NOTES),
        "shows_contact": seat.can(SEE_CONTACT),
        "back_url": reverse("crm:customer_list", kwargs={"slug": seat.team.slug}),
        "notes_url": reverse("crm:customer_note_add", kwargs={"slug": seat.team.slug, "customer_id": customer.pk}),
        "tag_url": reverse("crm:customer_tag_add", kwargs={"slug": seat.team.slug, "customer_id": customer.pk}),
        "survey_template_url": (
            reverse("crm:survey_create", kwargs={"slug": seat.team.slug}) if seat.can(LAUNCH_CAMPAIGNS) else ""
        ),
    }
    if not partial:
        customer_viewed(seat=seat, customer=customer, request=request)
    response = TemplateResponse(request, f"{DETAIL_TEMPLATE}#{partial}" if partial else DETAIL_TEMPLATE, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@backoffice_view
def customer_detail(request: HttpRequest, seat: Seat, customer_id: int) -> HttpResponse:
    """The customer 360 page. Every view is written to the audit log."""
    return _detail_response(request, seat, customer_id)


def _after_write(request: HttpRequest, seat: Seat, customer_id: int, partial: str) -> HttpResponse:
    """htmx: the changed section; a plain form post: back to the page (post/redirect/get)."""
    if request.htmx:
        return _detail_response(request, seat, customer_id, partial=partial)
    url = reverse("crm:customer_detail", kwargs={"slug": seat.team.slug, "customer_id": customer_id})
    return HttpResponseRedirect(f"{url}#{partial}")


def _write(request: HttpRequest, seat: Seat, customer_id: int, partial: str, action) -> HttpResponse:
    run = current_run()
    customer = _customer_or_404(seat, customer_id, run.pk if run else None)
    try:
        action(customer)
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404 from exc
        if request.htmx:
            response = _detail_response(request, seat, customer_id, partial=partial)
            response.context_data[f"{partial}_error"] = exc.message
            response.status_code = exc.http_status
            return response
        messages.error(request, exc.message)
    return _after_write(request, seat, customer_id, partial)


@require_POST
@backoffice_view(permission=WRITE_NOTES)
def customer_note_add_view(request: HttpRequest, seat: Seat, customer_id: int) -> HttpResponse:
    body = request.POST.get("body", "")
    return _write(
        request, seat, customer_id, "notes", lambda customer: customer_note_add(seat=seat, customer=customer, body=body)
    )


@require_POST
@backoffice_view(permission=WRITE_NOTES)
def customer_tag_add_view(request: HttpRequest, seat: Seat, customer_id: int) -> HttpResponse:
    label = request.POST.get("label", "")
    return _write(
        request, seat, customer_id, "tags", lambda customer: customer_tag_add(seat=seat, customer=customer, label=label)
    )


@require_POST
@backoffice_view(permission=WRITE_NOTES)
def customer_tag_remove_view(request: HttpRequest, seat: Seat, customer_id: int, tag_id: int) -> HttpResponse:
    return _write(
        request,
        seat,
        customer_id,
        "tags",
        lambda customer: customer_tag_remove(seat=seat, customer=customer, tag_id=tag_id),
    )
