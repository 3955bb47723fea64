"""API conventions shared by every app: errors are JSON `{"detail": ...}`, never a 500 page."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError
from config.ratelimit import RateLimited

logger = logging.getLogger(__name__)


SERVER_ERROR = "서버에서 문제가 생겼어요. 잠시 후 다시 시도해 주세요."
NOT_FOUND = gettext_noop("찾는 주소가 없어요.")
API_PREFIX = "/api/"
FILTER_REPEATED = gettext_noop("이 조건은 한 번만 보낼 수 있어요.")
FILTER_EMPTY = gettext_noop("조건 값이 비어 있어요. 값을 넣거나 조건을 빼 주세요.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a path under /api/ that matches no view (e.g. a non-numeric id) answers JSON like the API."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _(NOT_FOUND)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an error outside DRF's handler (middleware, URL resolving) still answers JSON under /api/."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter reads `?kind=` as "no filter" and keeps the last of `?parent=1&parent=2`; the schema
    documents one value of the filter's type, so the API answers 400 to an empty or repeated filter instead of
    silently ignoring what the client asked for."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: APIView) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name in filterset_class.base_filters:
                values = request.query_params.getlist(name)
                if len(values) > 1:
                    errors[name] = [_(FILTER_REPEATED)]
                elif values == [""]:
                    errors[name] = [_(FILTER_EMPTY)]
            if errors:
                raise exceptions.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        response = Response({"detail": exc.message, "code": exc.code}, status=exc.http_status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail={"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # let Django's debug page show the traceback
        # An unexpected error still answers in the API's shape; the traceback goes to the log.
        logger.error("unhandled API error in %s", context.get("view"), exc_info=exc)
        return Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if response is not None and isinstance(response.data, dict | list) and "detail" not in response.data:
        response.data = {"detail": _first_message(response.data), "errors": response.data}
    if response is not None and response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        response.data = {"detail": SERVER_ERROR}
    return response


def _first_message(data: Any) -> str:
    if isinstance(data, dict):
        for key, value in data.items():
            message = _first_message(value)
            return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(data, list) and data:
        return _first_message(data[0])
    return str(data)


class StrictPageNumberPagination(PageNumberPagination):
    """DRF reads `?page=` as the first page and keeps the last of `?page=1&page=2`; like the filters, an empty or
    repeated page number is refused with 400 rather than guessed."""

    def paginate_queryset(self, queryset: Any, request: Request, view: APIView | None = None) -> list[Any] | None:
        values = request.query_params.getlist(self.page_query_param)
        if len(values) > 1:
            raise exceptions.ValidationError({self.page_query_param: [_(FILTER_REPEATED)]})
        if values == [""]:
            raise exceptions.ValidationError({self.page_query_param: [_(FILTER_EMPTY)]})
        return super().paginate_queryset(queryset, request, view)
