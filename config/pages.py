"""Pages of the mall as a whole (not of one app): the privacy policy (개인정보 처리방침)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """What we collect and for how long. The raw-event retention is read from settings, so the page states what the
    nightly retention job (feed.services.retention) actually does."""
    return render(request, "privacy.html", {"retention_days": settings.FEED_EVENT_RETENTION_DAYS})
