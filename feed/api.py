"""POST /api/events/: the tracking beacon.

navigator.sendBeacon cannot set headers, so this endpoint takes no CSRF token. Instead it accepts only
same-origin requests: the Origin header (or, without it, the Referer) must match this host. It writes
nothing but the visitor's own behaviour, so a cross-site form could at worst add noise, and that is
refused here. Do-Not-Track (DNT: 1 / Sec-GPC: 1) and the profile opt-out drop the batch (200, accepted 0).
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.errors import DomainError
from feed.services import events_parse, events_record, tracking_allowed

EVENTS_CROSS_SITE = "다른 사이트에서 보낸 기록은 받을 수 없어요."


def _same_origin(request: HttpRequest) -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    return bool(parts.netloc) and parts.netloc == request.get_host() and parts.scheme == request.scheme


def _do_not_track(request: HttpRequest) -> bool:
    return request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"


@csrf_exempt
@require_POST
def events_collect(request: HttpRequest) -> JsonResponse:
    if not _same_origin(request):
        return JsonResponse({"detail": _(EVENTS_CROSS_SITE)}, status=403)
    now = timezone.now()
    try:
        events = events_parse(body=request.body, now=now)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.http_status)
    user = request.user if request.user.is_authenticated else None
    if not tracking_allowed(user=user, dnt=_do_not_track(request)):
        return JsonResponse({"accepted": 0})
    accepted = events_record(visitor_id=request.visitor_id, user=user, events=events, now=now)
    return JsonResponse({"accepted": accepted})
