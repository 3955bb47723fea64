"""First-party visitor cookie: every browser gets a random id so anonymous behaviour and nudges have an owner.

Sets `request.visitor_id` (a UUID) and, when the browser had no valid cookie, sends it back with the
response (1 year, HttpOnly, SameSite=Lax). No personal data is in it. `request.visitor_is_new` says the id was
made for this very request: nothing can be stored under it yet, so the page shell asks nobody (no database, no
cache) for this visitor's feed or last visit.
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

VISITOR_COOKIE = "dg_vid"
VISITOR_COOKIE_AGE = 365 * 24 * 3600


def visitor_id_from_cookie(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


class VisitorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        existing = visitor_id_from_cookie(request.COOKIES.get(VISITOR_COOKIE))
        request.visitor_id = existing or uuid.uuid4()
        request.visitor_is_new = existing is None
        response = self.get_response(request)
        if existing is None and not request.path.startswith(("/static/", "/media/")):
            response.set_cookie(
                VISITOR_COOKIE,
                str(request.visitor_id),
                max_age=VISITOR_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=not settings.DEBUG,
            )
        return response
