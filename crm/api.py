"""Back-office API under /api/crm/: a team's customers (list and 360 summary) and its segments.

Access follows the back-office pages (crm.selectors.access), one rule everywhere:
- no credentials: 401 (send a session cookie or `Authorization: Token <key>`);
- signed in but without a seat in the team of the URL (a shopper, or staff of another team): 404, so the API never
  tells an outsider which teams exist, shoppers included;
- a customer outside the segments of the seat's team: 404 (admins may open any customer);
- bad query values (unknown filter or sort, a page that is not a number): 400 with `{"detail": ...}`.
Phone numbers, e-mail and address are masked unless the role may see contacts (CS 상담, admins). Every list and
every customer summary writes an audit row.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictPageNumberPagination
from crm.models import Team
from crm.selectors.access import Seat, seat_for
from crm.selectors.customer_360 import customer_360, customer_for_seat
from crm.selectors.customers import (
    PAGE_SIZE,
    CustomerFilters,
    customer_rows,
    customer_rows_shaped,
    sort_normalize,
)
from crm.selectors.runs import current_run_id
from crm.selectors.segments import segment_get_for_team, segment_rows_for_team
from crm.serializers import (
    Customer360Serializer,
    CustomerListQuerySerializer,
    CustomerPageSerializer,
    SegmentFiguresSerializer,
)
from crm.services.customers import customer_list_viewed, customer_viewed
from shop.api.serializers_orders import ErrorSerializer

TEAM_NOT_FOUND = gettext_noop("팀을 찾을 수 없어요.")
CUSTOMER_NOT_FOUND = gettext_noop("고객을 찾을 수 없어요.")
SEGMENT_NOT_FOUND = gettext_noop("세그먼트를 찾을 수 없어요.")

SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="팀 슬러그")
CUSTOMER_ID = OpenApiParameter("customer_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="고객 번호")
ACCESS_ERRORS = {
    401: ErrorSerializer,
    404: ErrorSerializer,
}


class CustomerPagination(StrictPageNumberPagination):
    page_size = PAGE_SIZE


class BackOfficeAPIView(APIView):
    """Token first, so an anonymous call gets 401 with `WWW-Authenticate: Token` instead of a bare 403."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (IsAuthenticated,)

    def seat(self, slug: str) -> Seat:
        team = Team.objects.filter(slug=slug).first()
        seat = seat_for(user=self.request.user, team=team) if team is not None else None
        if seat is None:
            raise NotFound(_(TEAM_NOT_FOUND))
        return seat


class TeamCustomerListView(BackOfficeAPIView):
    @extend_schema(
        operation_id="crm_team_customers_list",
        summary="팀 고객 목록",
        description=(
            "The team's customers (members of its segments in the current run), 50 per page, with the page's "
            "search, filters and sort. 404: no seat in this team, an unknown segment, or a page past the end."
        ),
        parameters=[SLUG, CustomerListQuerySerializer],
        responses={200: CustomerPageSerializer, 400: ErrorSerializer, **ACCESS_ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        seat = self.seat(slug)
        query = CustomerListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        segment = None
        if "segment" in params:
            segment = segment_get_for_team(team=seat.team, pk=params["segment"])
            if segment is None:
                raise NotFound(_(SEGMENT_NOT_FOUND))
        filters = CustomerFilters.from_params(params)
        sort = sort_normalize(params.get("sort"))
        rows = customer_rows(
            seat=seat,
            run_id=current_run_id(),
            segment=segment,
            search=params.get("q", ""),
            filters=filters,
            sort=sort,
        )
        paginator = CustomerPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        customer_list_viewed(
            seat=seat,
            segment=segment,
            query={"q": params.get("q", ""), "filters": filters.as_dict(), "sort": sort, "page": params.get("page", 1)},
            row_count=paginator.page.paginator.count,
            request=request,
            via_api=True,
        )
        results = CustomerPageSerializer(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": customer_rows_shaped(page, seat=seat),
            }
        )
        return Response(results.data)


class TeamCustomerDetailView(BackOfficeAPIView):
    @extend_schema(
        operation_id="crm_team_customer_retrieve",
        summary="고객 360 요약",
        description="One customer as the team sees them. 404 for a customer outside the team's segments.",
        parameters=[SLUG, CUSTOMER_ID],
        responses={200: Customer360Serializer, **ACCESS_ERRORS},
    )
    def get(self, request: Request, slug: str, customer_id: int) -> Response:
        seat = self.seat(slug)
        run_id = current_run_id()
        customer = customer_for_seat(seat=seat, customer_id=customer_id, run_id=run_id)
        if customer is None:
            raise NotFound(_(CUSTOMER_NOT_FOUND))
        view = customer_360(seat=seat, customer=customer, run_id=run_id, today=timezone.localdate())
        customer_viewed(seat=seat, customer=customer, request=request, via_api=True)
        return Response(Customer360Serializer(view).data)


class TeamSegmentListView(BackOfficeAPIView):
    @extend_schema(
        operation_id="crm_team_segments_list",
        summary="팀 세그먼트 목록",
        description="The team's segments with the figures of their latest run (size, revenue, average order, "
        "repeat rate, essentials share).",
        parameters=[SLUG],
        responses={200: SegmentFiguresSerializer(many=True), **ACCESS_ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        seat = self.seat(slug)
        return Response(SegmentFiguresSerializer(segment_rows_for_team(team=seat.team), many=True).data)
